"""``wordnet-walk``: a WordNet spinner written from WordNet itself, not from the channel table.

What it does to a word, as the WordNet spinners found in scraped text do:

1. lemmatize it (lemminflect; an inflected reading first: "fighting" is fight + VBG);
2. walk WordNet from the lemma, ignoring part of speech ("in" -> "successful", "be" ->
   "beryllium", "he" -> "helium", "told" -> "archer" through William Tell): one step takes a
   synonym, a hypernym, a sibling (another hyponym of a hypernym), a similar-to adjective or
   satellite head, a derivationally related form, a pertainym, or hops through a synonym's
   name into its other synsets;
3. repeat the step from where it landed: a chain of 1-3 steps ("nearly" -> "about" ->
   "astir"), its length drawn per lemma (mostly 1).  Each word has ONE fixed step per seed,
   so chains follow the same dictionary a spinner applies rule after rule;
4. re-inflect the result to the original's form where the result has that form
   ("fighting" -> war -> "warring"); otherwise the bare lemma stays ("told" -> "archer").

Capitalised words are left alone and a/an are never repaired.  Decisions are stable hashes of
the seed and the lemma: every occurrence of a lemma is spun the same way, unless the habit
``per_occurrence`` asks for a new choice at each occurrence.

The data (``wordnet_walk.tsv.gz``) is a compact WordNet 3.0 graph built by
scripts/build_spinner_data.py; WordNet itself is not needed at run time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from unspin.registry import families
from unspin.families.shared import (Document, Replacement, analyse, collector_paused, eligible,
                                    geometric_choice, match_case, probability, read_table,
                                    reinflect, salt, uniform, weighted_choice)

NAME = "wordnet-walk"
DESCRIPTION = ("WordNet walk from the lemma, any part of speech: synonyms, hypernyms, siblings, "
               "similar-to, derivations, pertainyms, lemma-name hops; chains of 1-3 steps; "
               "re-inflected; one fixed choice per lemma; capitalised words left alone")
INDEPENDENT = True
DATA = "wordnet_walk.tsv.gz"
HEADER = "# unspin.wordnet_walk/1"
# Share of word tokens the family changes when it spins every type it can (rate 1.0), on the
# first 600 paragraphs of bbc_news.txt.xz (training text): lowercase words, and what spinning
# every capitalised word adds (scripts/measure_coverage.py).
COVERAGE = 0.589
COVERAGE_CAPITALISED = 0.091
# The family's own habits (not the restorer's relation weights): how readily a step takes
# each relation.  ``sibling`` takes a hyponym of a hypernym (fight -> war, both kinds of
# conflict); ``first_lemma`` (the first lemma of a synset, as some open-source spinners pick)
# is off by default.
RELATIONS = {"synonym": 0.48, "similar_to": 0.12, "hypernym": 0.12, "derivation": 0.10,
             "pertainym": 0.04, "hop": 0.10, "sibling": 0.04, "first_lemma": 0.0}
DEPTH = (0.80, 0.15, 0.05)  # probability of a chain of 1, 2, 3 steps
DECAY = 0.7  # the first senses and lemmas are the likeliest: weights 1, 0.7, 0.49, ...


@dataclass(frozen=True)
class Graph:
    """WordNet as the walk reads it: synsets by number, words by lowercase lemma."""

    names: tuple[tuple[str, ...], ...]
    hypernyms: tuple[tuple[int, ...], ...]
    similar: tuple[tuple[int, ...], ...]
    index: dict[str, tuple[int, ...]]
    derivation: dict[str, tuple[str, ...]]
    pertainym: dict[str, tuple[str, ...]]
    _steps: dict = field(default_factory=dict, compare=False, repr=False)
    _hyponyms: dict = field(default_factory=dict, compare=False, repr=False)

    def hyponyms(self, synset: int) -> tuple[int, ...]:
        """Synsets whose hypernym is ``synset`` (among the shipped ones)."""
        if not self._hyponyms:
            found: dict[int, list[int]] = {}
            for child, parents in enumerate(self.hypernyms):
                for parent in parents:
                    found.setdefault(parent, []).append(child)
            self._hyponyms.update({parent: tuple(children) for parent, children in found.items()})
            self._hyponyms.setdefault(-1, ())  # built (even for a graph without hypernyms)
        return self._hyponyms.get(synset, ())

    def steps(self, word: str) -> dict[str, tuple[str, ...]]:
        """Where one step from ``word`` can land, by relation, likeliest first (cached)."""
        found = self._steps.get(word)
        if found is None:
            found = self._steps[word] = self._collect(word)
        return found

    def _collect(self, word: str) -> dict[str, tuple[str, ...]]:
        synsets = self.index.get(word, ())
        # ordered sets (dicts) per relation, the likeliest first
        found: dict[str, dict[str, None]] = {relation: {} for relation in RELATIONS}
        first_lemmas = []  # one per synset, the word itself included

        def add(relation: str, texts) -> None:
            for text in texts:
                if text.lower() != word:
                    found[relation][text] = None

        for synset in synsets:
            names = self.names[synset]
            add("synonym", names)
            first_lemmas += names[:1]
            for other in self.hypernyms[synset]:
                add("hypernym", self.names[other])
            for other in self.hypernyms[synset]:
                add("sibling", (self.names[s][0] for s in self.hyponyms(other)
                                if s not in synsets and self.names[s]))
            for other in self.similar[synset]:
                add("similar_to", self.names[other])
        add("derivation", self.derivation.get(word, ()))
        add("pertainym", self.pertainym.get(word, ()))
        for synonym in found["synonym"]:
            own = synonym.lower()
            for synset in self.index.get(own, ()):
                if synset not in synsets:
                    add("hop", [next((n for n in self.names[synset] if n.lower() not in (own, word)),
                                     word)])
        steps = {relation: tuple(texts) for relation, texts in found.items() if texts}
        if first_lemmas:
            steps["first_lemma"] = tuple(first_lemmas)
        return steps


def load(folder: Path) -> Graph:
    """Read ``wordnet_walk.tsv.gz`` from a model folder (no channel table needed)."""
    with collector_paused():
        names, hypernyms, similar = [], [], []
        index, derivation, pertainym = {}, {}, {}
        for row in read_table(folder, DATA, HEADER):
            if row[0] == "S":
                names.append(tuple(row[1].split("|")) if row[1] else ())
                hypernyms.append(tuple(int(i) for i in row[2].split(",")) if row[2] else ())
                similar.append(tuple(int(i) for i in row[3].split(",")) if row[3] else ())
            else:
                word = row[1]
                index[word] = tuple(int(i) for i in row[2].split(","))
                if row[3]:
                    derivation[word] = tuple(row[3].split("|"))
                if row[4]:
                    pertainym[word] = tuple(row[4].split("|"))
        return Graph(tuple(names), tuple(hypernyms), tuple(similar), index, derivation, pertainym)


def coverage(capitalised: float = 0.0) -> float:
    """Share of word tokens the family can touch with this capitalisation habit."""
    return COVERAGE + capitalised * COVERAGE_CAPITALISED


def plan(document: Document, resources: Graph, seed: int, rate: float, *,
         depth: tuple[float, ...] = DEPTH, relations: dict[str, float] | None = None,
         capitalised: float = 0.0, per_occurrence: bool = False,
         decay: float = DECAY) -> list[Replacement]:
    """Replace word tokens by WordNet walks; ``rate`` is the intended share of word tokens.

    Habits (their defaults define the family; ``mixed`` varies them): ``depth`` the
    probabilities of chains of 1, 2, 3 steps; ``relations`` each relation's weight;
    ``capitalised`` the chance that a capitalised word type is spun too; ``per_occurrence``
    a new choice at every occurrence instead of one per lemma; ``decay`` how strongly the
    first senses are preferred (1.0: uniform).
    """
    habits = _Habits(depth, RELATIONS if relations is None else relations, decay)
    chance = probability(rate, coverage(capitalised))
    result, memo = [], {}
    for token in document.tokens:
        word = token.text.lower()
        extra = salt(token, per_occurrence)
        if not eligible(token, seed, capitalised, word + extra):
            continue
        if per_occurrence or word not in memo:
            memo[word] = _spin_word(word, resources, seed, extra, chance, habits)
        found = memo[word]
        if found is not None:
            text, relation = found
            result.append(Replacement(token.i, token.i + 1, match_case(text, token.text), relation))
    return result


@dataclass(frozen=True)
class _Habits:
    depth: tuple[float, ...]
    relations: dict[str, float]
    decay: float


def _spin_word(word: str, graph: Graph, seed: int, extra: str, chance: float,
               habits: _Habits) -> tuple[str, str] | None:
    reading = next((r for r in analyse(word) if r[0] in graph.index), None)
    if reading is None:
        if word not in graph.index:
            return None
        reading = (word, "", "")
    lemma, upos, tag = reading
    if uniform(seed, "spin", lemma + extra) >= chance:
        return None
    length = 1 + weighted_choice(list(range(len(habits.depth))), list(habits.depth),
                                 uniform(seed, "depth", lemma + extra))
    current, path, seen = lemma, [], {lemma}
    for _ in range(length):
        step = _step(current.lower(), graph, seed, extra, habits)
        if step is None or step[0].lower() in seen:
            break
        current, relation = step
        seen.add(current.lower())
        path.append(relation)
    if not path:
        return None
    if lemma != word:
        current = reinflect(current, upos, tag) or current
    return None if current.lower() == word else (current, ">".join(path))


def _step(word: str, graph: Graph, seed: int, extra: str, habits: _Habits) -> tuple[str, str] | None:
    """The one step this seed's dictionary takes from ``word`` (fixed per word)."""
    options = graph.steps(word)
    relations = [r for r in RELATIONS if r in options and habits.relations.get(r, 0.0) > 0]
    if not relations:
        return None
    relation = weighted_choice(relations, [habits.relations[r] for r in relations],
                               uniform(seed, "relation", word + extra))
    text = geometric_choice(list(options[relation]), seed, habits.decay, "pick", relation, word + extra)
    return text, relation


families.register(NAME, load=load, plan=plan, files=("wordnet_walk.tsv.gz",), coverage=COVERAGE, independent=INDEPENDENT,
                  description=DESCRIPTION)
