"""``thesaurus-b``: a commercial-style article rewriter over another thesaurus.

Its synonyms come from the LibreOffice English thesaurus (MyThes th_en_US_v2, Debian
``mythes-en-us``), not from the channel table.  That thesaurus descends from WordNet 2.x, so
the senses overlap with WordNet's, but its lists, their order and its term labels (generic,
similar, related) are its own; antonyms are never taken.  What it does, as article rewriters
do:

* leaves function words alone (pronouns, prepositions, auxiliaries: no "it" -> "information
  technology"), except where its phrase table rewrites them;
* rewrites common phrases from its own table first ("according to" -> "in keeping with",
  "said" -> "mentioned", "because" -> "due to the fact that");
* otherwise looks the word's lemma up, keeps the meanings of the word's part of speech when
  the word is inflected, and picks among the first few synonyms of the first meanings
  (similar and generic terms less often), preferring common words (corpus counts of
  unigrams.tsv) and writing multi-word replacements ("bank" -> "financial institution");
* re-inflects the pick to the original's form ("banks" -> "financial institutions"; a past
  participle after have/be: "had made" -> "had formed"), and skips a pick it cannot inflect;
* spins multi-word headwords as one site ("a lot" -> "a great deal");
* spins some capitalised words too, keeping the capital ("West Bank" -> "West Financial
  institution", "Supreme Court" -> "Sovereign Court").

One fixed choice per word per seed (``per_occurrence`` for a new choice at each occurrence).
Data: ``thesaurus_b.tsv.gz`` built by scripts/build_spinner_data.py.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from unspin.registry import families
from unspin.families.shared import (Document, Replacement, Token, analyse, capital_allowed,
                                    collector_paused, eligible, is_word, match_case, probability,
                                    read_frequencies, read_table, reinflect, salt, uniform,
                                    weighted_choice)

NAME = "thesaurus-b"
DESCRIPTION = ("article rewriter over the LibreOffice (MyThes) thesaurus: its own phrase table, "
               "the first synonyms of the first meanings, common words preferred, multi-word "
               "replacements, re-inflected, some capitalised words too")
INDEPENDENT = True
DATA = "thesaurus_b.tsv.gz"
HEADER = "# unspin.thesaurus_b/1"
# Share of word tokens changed at rate 1.0 (every type spun) on the first 600 paragraphs of
# bbc_news.txt.xz: lowercase words, and what spinning every capitalised word adds
# (scripts/measure_coverage.py).
COVERAGE = 0.448
COVERAGE_CAPITALISED = 0.080
CAPITALISED = 0.35  # chance that a capitalised word type is spun
CHOICES = 3  # the first synonyms of a meaning the rewriter offers
MEANINGS = 3  # the first meanings it looks at
MAX_PHRASE_WORDS = 3
# How readily each kind of thesaurus term is taken, and how the later meanings and the later
# terms of a meaning fade.
KINDS = {"synonym": 1.0, "similar_to": 0.5, "hypernym": 0.15, "related": 0.1}
MEANING_DECAY = 0.6
TERM_DECAY = 0.8
POS_LETTER = {"NOUN": "n", "VERB": "v", "ADJ": "a", "ADV": "r"}
# A word after these is read as a past participle where it could be one ("had made").
PARTICIPLE_CUES = frozenset({"has", "have", "had", "having", "is", "are", "was", "were", "be",
                             "been", "being", "get", "gets", "got"})
# The rewriter's own phrase table (original -> its rewrites), as article rewriters ship them.
PHRASES = {
    "according to": ("in keeping with", "in accordance with", "as outlined by"),
    "as well as": ("along with", "together with"),
    "in order to": ("so as to", "to be able to"),
    "a lot of": ("plenty of", "lots of"),
    "more than": ("greater than", "over"),
    "as a result": ("consequently", "because of this"),
    "at the moment": ("currently", "right now"),
    "said": ("mentioned", "stated", "explained"),
    "says": ("states", "mentions"),
    "say": ("state", "mention"),
    "told": ("informed", "advised"),
    "people": ("individuals", "folks", "persons"),
    "before": ("earlier than", "prior to", "ahead of"),
    "after": ("following", "soon after", "right after"),
    "because": ("due to the fact that", "since", "simply because"),
    "also": ("additionally", "moreover", "furthermore"),
    "however": ("nevertheless", "nonetheless", "even so"),
    "many": ("numerous", "a lot of", "several"),
    "but": ("however", "yet"),
    "important": ("essential", "crucial", "critical"),
    "help": ("assist", "aid"),
    "use": ("make use of", "utilize", "employ"),
    "show": ("demonstrate", "reveal"),
    "showed": ("demonstrated", "revealed"),
    "need": ("require", "demand"),
    "get": ("obtain", "acquire"),
    "buy": ("purchase", "acquire"),
    "about": ("regarding", "concerning", "with regards to"),
    "while": ("whilst", "although"),
    "during": ("throughout", "in the course of"),
    "now": ("currently", "these days", "right now"),
    "often": ("frequently", "typically"),
    "very": ("really", "extremely", "quite"),
    "big": ("huge", "large", "massive"),
    "main": ("primary", "major", "principal"),
    "start": ("begin", "commence"),
    "think": ("believe", "feel"),
    "try": ("attempt", "endeavor"),
    "so": ("therefore", "thus"),
    "enough": ("sufficient", "adequate"),
}
# Function words the rewriter never looks up in the thesaurus (its phrase table may still
# rewrite some of them).
STOPWORDS = frozenset("""
a an the and or nor but if then else than that this these those there here i me my mine you
your yours he him his she her hers it its itself we us our ours they them their theirs who
whom whose which what when where why how be am is are was were been being have has had having
do does did done doing will would shall should can could may might must ought to of in on at
by for with from into onto upon about above below over under between among through during
before after since until against without within across along around behind beyond off out up
down not no as so too very just also only even still yet all any both each every either
neither few more most other some such own same another one ones
""".split())


class Meaning(NamedTuple):
    """One meaning of a headword: part of speech and its terms by kind, in thesaurus order."""

    pos: str
    synonym: tuple[str, ...]
    hypernym: tuple[str, ...]
    similar_to: tuple[str, ...]
    related: tuple[str, ...]


@dataclass(frozen=True)
class Thesaurus:
    """Headword -> meanings, and corpus word counts for preferring common words."""

    entries: dict[str, tuple[Meaning, ...]]
    frequencies: dict[str, int]
    longest: int


def load(folder: Path) -> Thesaurus:
    """Read ``thesaurus_b.tsv.gz`` and ``unigrams.tsv`` from a model folder (no channel table)."""
    with collector_paused():
        entries: dict[str, list[Meaning]] = {}
        for headword, pos, synonym, hypernym, similar, related in read_table(folder, DATA, HEADER):
            meaning = Meaning(pos, _terms(synonym), _terms(hypernym), _terms(similar), _terms(related))
            if headword in entries:
                entries[headword].append(meaning)
            else:
                entries[headword] = [meaning]
        longest = max((headword.count(" ") + 1 for headword in entries), default=1)
        return Thesaurus({headword: tuple(meanings) for headword, meanings in entries.items()},
                         read_frequencies(folder / "unigrams.tsv"), min(longest, MAX_PHRASE_WORDS))


def _terms(column: str) -> tuple[str, ...]:
    return tuple(column.split("|")) if column else ()


def coverage(capitalised: float = CAPITALISED) -> float:
    """Share of word tokens the family can touch with this capitalisation habit."""
    return COVERAGE + capitalised * COVERAGE_CAPITALISED


def plan(document: Document, resources: Thesaurus, seed: int, rate: float, *,
         capitalised: float = CAPITALISED, per_occurrence: bool = False, choices: int = CHOICES,
         phrases: bool = True) -> list[Replacement]:
    """Rewrite phrases and words; ``rate`` is the intended share of word tokens changed.

    Habits (defaults define the family; ``mixed`` varies them): ``capitalised`` the chance
    that a capitalised word type is spun; ``per_occurrence`` a new choice at every occurrence;
    ``choices`` how many of a meaning's first terms are offered; ``phrases`` whether the
    phrase table is used.
    """
    chance = probability(rate, coverage(capitalised))
    habits = _Habits(capitalised, per_occurrence, choices, phrases, chance)
    tokens = document.tokens
    result, memo = [], {}
    i = 0
    while i < len(tokens):
        found = _site(tokens, i, resources, seed, habits, memo)
        if found is None:
            i += 1
        else:
            result.append(found)
            i = found.end
    return result


@dataclass(frozen=True)
class _Habits:
    capitalised: float
    per_occurrence: bool
    choices: int
    phrases: bool
    chance: float


def _site(tokens: tuple[Token, ...], i: int, thesaurus: Thesaurus, seed: int, habits: _Habits,
          memo: dict) -> Replacement | None:
    """The longest phrase or word starting at token ``i`` that this seed rewrites."""
    extra = salt(tokens[i], habits.per_occurrence)
    cue = "VBN" if i > 0 and tokens[i - 1].text.lower() in PARTICIPLE_CUES else ""
    for length in range(thesaurus.longest, 0, -1):
        run = tokens[i : i + length]
        if len(run) < length or any(t.whitespace != " " for t in run[:-1]):
            continue
        if any(not is_word(t.text) or t.text != t.text.lower() for t in run[1:]):
            continue
        key = " ".join(t.text.lower() for t in run)
        if length == 1 and not eligible(run[0], seed, habits.capitalised, key + extra):
            continue
        if length > 1 and not (is_word(run[0].text)
                               and capital_allowed(run[0], seed, habits.capitalised, key + extra)):
            continue
        if habits.per_occurrence or (key, cue) not in memo:
            memo[key, cue] = _rewrite(key, thesaurus, seed, extra, habits, cue)
        found = memo[key, cue]
        if found is not None:
            text, relation = found
            return Replacement(i, i + length, match_case(text, run[0].text), relation)
    return None


def _rewrite(key: str, thesaurus: Thesaurus, seed: int, extra: str, habits: _Habits,
             cue: str = "") -> tuple[str, str] | None:
    """This seed's rewrite of a lowercase word or phrase, or None (``cue``: a tag to prefer)."""
    rewrites = PHRASES.get(key) if habits.phrases else None
    if rewrites is None and (key in STOPWORDS or (" " in key and key not in thesaurus.entries)):
        return None
    if uniform(seed, "spin", key + extra) >= habits.chance:
        return None
    if rewrites is not None:
        return rewrites[int(uniform(seed, "phrase", key + extra) * len(rewrites))], "phrase"
    if " " in key:  # a multi-word headword: its synonyms only, as it stands
        return _pick(key, key, thesaurus.entries[key], None, thesaurus, seed, extra, habits,
                     kinds=("synonym",))
    for lemma, upos, tag in sorted(analyse(key), key=lambda reading: reading[2] != cue):
        meanings = [m for m in thesaurus.entries.get(lemma, ()) if m.pos == POS_LETTER.get(upos)]
        if lemma != key and meanings:
            return _pick(key, lemma, meanings, (upos, tag), thesaurus, seed, extra, habits)
    if key in thesaurus.entries:
        return _pick(key, key, thesaurus.entries[key], None, thesaurus, seed, extra, habits)
    return None


def _pick(word: str, lemma: str, meanings, form: tuple[str, str] | None, thesaurus: Thesaurus,
          seed: int, extra: str, habits: _Habits,
          kinds: tuple[str, ...] = tuple(KINDS)) -> tuple[str, str] | None:
    """Weighted pick among the first terms of the first meanings, common words preferred."""
    weights: dict[tuple[str, str], float] = {}
    for rank, meaning in enumerate(meanings[:MEANINGS]):
        for kind in kinds:
            for position, term in enumerate(getattr(meaning, kind)[: habits.choices]):
                if lemma in term.lower().split(" "):
                    continue  # "fight" -> "fight back" is no rewrite
                text = term if form is None else reinflect(term, *form)
                if text is None or text.lower() == word:
                    continue
                weight = (KINDS[kind] * MEANING_DECAY**rank * TERM_DECAY**position
                          * _familiarity(term, thesaurus.frequencies))
                if weight > weights.get((text, kind), 0.0):
                    weights[(text, kind)] = weight
    if not weights:
        return None
    options = sorted(weights)
    return weighted_choice(options, [weights[o] for o in options], uniform(seed, "pick", lemma + extra))


def _familiarity(term: str, frequencies: dict[str, int]) -> float:
    """How much a rewriter likes a term for being common: log10(count + 1) squared (a word
    seen a million times 36, a thousand times 9, ten times 1, never 0.1); a multi-word term
    counts as a quarter of its rarest word."""
    words = term.lower().split(" ")
    rarest = min(frequencies.get(word, 0) for word in words)
    count = rarest if len(words) == 1 else rarest / 4
    return max(math.log10(count + 1) ** 2, 0.1)


families.register(NAME, load=load, plan=plan, files=("thesaurus_b.tsv.gz", "unigrams.tsv"), coverage=COVERAGE, independent=INDEPENDENT,
                  description=DESCRIPTION)
