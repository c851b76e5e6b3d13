"""The ``paper-mill`` family: established terms swapped word by word through a thesaurus.

Paper mills run whole articles through a synonym tool, and the technical terms come out
tortured: "deep learning" -> "profound learning", "random forest" -> "irregular timberland".
This family imitates that with a thesaurus the restorer does not read, so that the phrase
benchmark measures restoration, not a shared table:

* the thesaurus is MyThes, LibreOffice's English thesaurus, as shipped for the
  ``thesaurus-b`` family (``thesaurus_b.tsv.gz``, built by scripts/build_spinner_data.py;
  permissive licence by Kevin Atkinson; WordNet 2 underneath, but not the restorer's
  channel table nor its Moby thesaurus);
* a term is a run the family finds by its own rule, never by reading the restorer's term
  inventory: a multi-word noun headword of MyThes (2-3 lowercase words, content words at
  both ends) or an entry of ``terms.tsv`` (the ``tortured`` spinner's list: WordNet
  multi-word nouns and associated adjective/noun + noun bigrams of OpenStax and ABC news,
  scripts/build_terms.py).  Runs with a capital after their first word are names, not terms.

Each word of a term is looked up by its lemma and written with a synonym of the same part
of speech (the head as a noun, a modifier as an adjective when it can be one), chosen once
per word type and seed (earlier senses more often), re-inflected (a plural head stays
plural) and given the word's case.  One gold edit per term (relation ``term``).  A term
type is spun with probability min(1, rate / COVERAGE); with the habit ``words`` > 0 other
lowercase content words are spun the same way at ``words x rate`` (relation ``thesaurus``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from unspin.errors import UnspinError
from unspin.families.base import (Replacement, inflect, lemma_and_tag, spun_type, term_run, terms, uniform,
                                  weighted_choice)
from unspin.registry import families
from unspin.surface import match_case
from unspin.tokenize import is_word
from unspin.types import Document, Token

NAME = "paper-mill"
DESCRIPTION = ("established terms (MyThes multi-word nouns, terms.tsv) swapped word by word through "
               "the MyThes thesaurus, which the restorer does not read; one edit per term")
# Share of word tokens inside the terms this family spins when it spins every term it
# finds, measured on 2,000 OpenStax lines held out of the term inventory
# (unspin.data.phrase_held_out); rate / COVERAGE is the probability that a term type is spun
# (1 at the benchmark's rate 0.25, as paper mills spin every term they can).
COVERAGE = 0.036
INDEPENDENT = True
MAX_TERM_WORDS = 3
MAX_SYNONYM_WORDS = 2
MAX_SENSES = 4  # a paper mill's tool offers the first senses' synonyms
STOPWORDS = frozenset("""a an the of in on at to for by with from and or but as is are was were be
been this that these those it its their his her our your my we you they he she i not no such
other more most many much some any all each every one two three new own same so than then
there here very too also only just even well still yet both either about after over under
through out up down into off may can will would could should must do does did has have had
who what which when where why how if""".split())
POS = {"n": "NOUN", "a": "ADJ", "v": "VERB", "r": "ADV"}  # thesaurus_b's part-of-speech letters


@dataclass(frozen=True)
class Thesaurus:
    """MyThes entries: lemma -> senses, each (universal POS, synonyms in file order)."""

    senses: dict[str, tuple[tuple[str, tuple[str, ...]], ...]]

    def synonyms(self, lemma: str, upos: str) -> list[tuple[str, int]]:
        """(synonym, sense rank) for ``lemma`` as ``upos``: plain and similar terms."""
        found, seen = [], {lemma}
        ranked = [words for pos, words in self.senses.get(lemma, ()) if pos == upos]
        for rank, words in enumerate(ranked[:MAX_SENSES]):
            for word in words:
                if word not in seen and lemma not in word.split(" "):  # not "opinion" -> "public opinion"
                    seen.add(word)
                    found.append((word, rank))
        return found

    def has(self, lemma: str, upos: str) -> bool:
        return any(pos == upos for pos, _words in self.senses.get(lemma, ()))


@dataclass(frozen=True)
class PaperMillResources:
    thesaurus: Thesaurus
    terms: frozenset[tuple[str, ...]]


def from_meanings(entries) -> tuple[Thesaurus, frozenset[tuple[str, ...]]]:
    """The thesaurus (plain and similar terms of each meaning; never generic or related
    terms, which MyThes marks, nor antonyms, which thesaurus_b leaves out) and its
    multi-word noun headwords, from ``thesaurus_b``'s entries (headword -> meanings)."""
    senses: dict[str, list] = {}
    multiword = set()
    for head, meanings in entries.items():
        for meaning in meanings:
            upos = POS.get(meaning.pos)
            if upos is None:
                continue
            words = tuple(word for word in map(_plain, meaning.synonym + meaning.similar_to) if word)
            senses.setdefault(head, []).append((upos, words))
            parts = head.split(" ")
            if (upos == "NOUN" and 2 <= len(parts) <= MAX_TERM_WORDS and all(p.isalpha() for p in parts)
                    and parts[0] not in STOPWORDS and parts[-1] not in STOPWORDS):
                multiword.add(tuple(parts))
    return Thesaurus({k: tuple(v) for k, v in senses.items()}), frozenset(multiword)


def _plain(term: str) -> str:
    """A synonym usable in text ("" for odd ones)."""
    word = term.strip().lower()
    parts = word.split(" ")
    if len(parts) > MAX_SYNONYM_WORDS or not all(p.replace("-", "").isalpha() for p in parts):
        return ""
    return word


@functools.lru_cache(maxsize=2)
def _thesaurus(folder: str) -> tuple[Thesaurus, frozenset[tuple[str, ...]]]:
    from unspin.families import thesaurus_b

    return from_meanings(thesaurus_b.load(Path(folder)).entries)


def load(folder: Path) -> PaperMillResources:
    """MyThes (``thesaurus_b.tsv.gz``; read once) and the terms: its multi-word nouns and the
    model folder's ``terms.tsv``."""
    thesaurus, multiword = _thesaurus(str(folder))
    return PaperMillResources(thesaurus, multiword | terms(str(folder)))


def plan(document: Document, resources: PaperMillResources, seed: int, rate: float, *,
         words: float = 0.0) -> list[Replacement]:
    """Terms word by word (one replacement per term); with ``words`` > 0, other lowercase
    content words too, at ``words x rate``."""
    if not 0.0 <= rate <= 1.0:
        raise UnspinError("E030", f"rate must be between 0 and 1, not {rate}")
    probability = min(1.0, rate / COVERAGE)
    tokens = document.tokens
    longest = max((len(term) for term in resources.terms), default=0)
    replacements: list[Replacement] = []
    i = 0
    while i < len(tokens):
        found = None
        for length in range(min(longest, MAX_TERM_WORDS), 1, -1):
            found = _term_at(tokens, i, length, resources, seed, probability)
            if found is not None:
                break
        if found is not None:
            replacements.append(found)
            i = found.end
            continue
        if words > 0.0:
            single = _word_at(tokens[i], resources, seed, min(1.0, words * rate / COVERAGE))
            if single is not None:
                replacements.append(single)
        i += 1
    return replacements


def _term_at(tokens: tuple[Token, ...], i: int, length: int, resources: PaperMillResources, seed: int,
             probability: float) -> Replacement | None:
    term = term_run(tokens, i, length)
    if term is None:
        return None
    run = tokens[i : i + length]
    if term not in resources.terms:
        analysis = lemma_and_tag(term[-1])  # "random forests": the term in the plural
        if analysis is None or analysis[2] != "NNS" or term[:-1] + (analysis[0],) not in resources.terms:
            return None
    if not spun_type(seed, " ".join(term), probability):
        return None
    written = []
    for position, (token, word) in enumerate(zip(run, term)):
        head = position == length - 1
        choice = _synonym(word, resources.thesaurus, seed, ("NOUN",) if head else ("ADJ", "NOUN"))
        written.append(match_case(choice or word, token.text))
    if [w.lower() for w in written] == list(term):
        return None
    return Replacement(i, i + length, " ".join(written), "term")


def _word_at(token: Token, resources: PaperMillResources, seed: int, probability: float) -> Replacement | None:
    text = token.text
    if not is_word(text) or text != text.lower() or text in STOPWORDS or not text.isalpha():
        return None
    if not spun_type(seed, "word\x1f" + text, probability):
        return None
    analysis = lemma_and_tag(text)
    upos = analysis[1] if analysis else "NOUN"
    choice = _synonym(text, resources.thesaurus, seed, (upos,))
    return Replacement(token.i, token.i + 1, choice, "thesaurus") if choice else None


def _synonym(word: str, thesaurus: Thesaurus, seed: int, parts: tuple[str, ...]) -> str | None:
    """The synonym this spinner writes for ``word`` (one per word type and seed), inflected
    like ``word``; None when the thesaurus has none."""
    analysis = lemma_and_tag(word)
    lemma, upos, tag = analysis if analysis else (word, "", "")
    for part in parts:
        if not thesaurus.has(lemma, part):
            continue
        found = thesaurus.synonyms(lemma, part)
        if analysis and lemma != word:
            found = [(w, r) for w, r in found if " " not in w]  # only single words are re-inflected
        if not found:
            continue
        ordered = sorted(found)
        choice = weighted_choice([w for w, _r in ordered], [1.0 / (1 + r) for _w, r in ordered],
                                 uniform(seed, "paper-mill", word))
        if analysis and lemma != word and part == upos:
            choice = inflect(choice, upos, tag)
        return choice if choice != word else None
    return None


families.register(NAME, load=load, plan=plan, files=("thesaurus_b.tsv.gz", "unigrams.tsv", "terms.tsv"),
                  coverage=COVERAGE, independent=INDEPENDENT, description=DESCRIPTION,
                  fitted=False)  # held out of every calibration fit: science terms on news text, and
                  # the one family no calibration has seen (bench/families_bench.py)
