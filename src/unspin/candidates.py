"""Document + lexicon -> lattice: for each span of a sentence, the possible originals.

"Keep the words as they stand" is an ordinary candidate (relation ``keep``), so the
decoder has no special case.  Channel log-probabilities follow the spinner's story: an
original word w is spun with probability ``rate`` and then written as replacement r with
probability q(r | w) (its share of w's channel rows); otherwise it is kept.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from unspin import relations
from unspin.lexicon import Lexicon
from unspin.tokenize import is_word
from unspin.types import Arc, Candidate, Token

MAX_CACHED_READINGS = 300_000
MAX_READINGS = 40  # readings kept per observed string (the most a span can be given)
REINFLECTION_FACTOR = 0.3  # a re-inflected path is less likely than a literal one
CAPITAL_FACTOR = 0.08  # most spinners leave capitalised words alone
# A spinner keeps one replacement per word: an original that the document still uses
# as it stands elsewhere was probably not spun here.
LITERAL_LOG10 = -2.0


@dataclass(frozen=True)
class ChannelParams:
    """Per-document channel settings (the spin rate is estimated per document)."""

    rate: float
    max_candidates: int
    bonus: dict  # (observed, restored words tuple) -> extra log10 prior from document pooling
    present: frozenset = frozenset()  # lowercase words the document uses as they stand

    def log10_spin(self, capitalised: bool) -> float:
        rate = self.rate * (CAPITAL_FACTOR if capitalised else 1.0)
        return math.log10(max(rate, 1e-9))

    def log10_keep(self, capitalised: bool) -> float:
        rate = self.rate * (CAPITAL_FACTOR if capitalised else 1.0)
        return math.log10(max(1.0 - rate, 1e-9))


@functools.lru_cache(maxsize=65536)
def lemmas(word: str) -> tuple[str, ...]:
    from lemminflect import getAllLemmas

    found = {lemma for forms in getAllLemmas(word).values() for lemma in forms}
    found.discard(word)
    return tuple(sorted(found))


@functools.lru_cache(maxsize=65536)
def tags(word: str) -> tuple[str, ...]:
    """Penn tags whose inflection of some lemma gives ``word`` (e.g. troopers -> NNS)."""
    from lemminflect import getAllInflections

    tags = set()
    for lemma in lemmas(word):
        for tag, forms in getAllInflections(lemma).items():
            if word in forms:
                tags.add(tag)
    return tuple(sorted(tags))


@functools.lru_cache(maxsize=65536)
def _inflect(lemma: str, tags: tuple[str, ...]) -> tuple[str, ...]:
    from lemminflect import getInflection

    if " " in lemma:
        head, _, rest = lemma.partition(" ")
        return tuple(f"{form} {rest}" for form in _inflect(head, tags))
    forms = []
    for tag in tags:
        for form in getInflection(lemma, tag=tag, inflect_oov=False) or ():
            if form not in forms:
                forms.append(form)
    return tuple(forms)


def is_capitalised(token: Token) -> bool:
    return token.text[:1].isupper()


@dataclass(frozen=True, slots=True)
class Reading:
    """A possible original of an observed word or phrase, before the document's priors."""

    words: tuple[str, ...]
    relation: str
    original: str  # the channel row's original (the pooling key)
    log10_share: float  # log10 q(observed | original), re-inflection penalty included


class ReadingTable:
    """Cached readings per observed string: the lexicon read backwards, re-inflected,
    limited to words the LM knows and ranked by ``log10_share + unigram(original)``."""

    def __init__(self, lexicon: Lexicon, lm, max_readings: int = MAX_READINGS) -> None:
        self.lexicon = lexicon
        self.lm = lm
        self.max_readings = max_readings
        self._cache: dict[str, tuple[Reading, ...]] = {}
        self.phrase_starts = frozenset(
            phrase.split()[0] for phrase in lexicon.replacements() if " " in phrase)

    def readings(self, observed: str) -> tuple[Reading, ...]:
        hit = self._cache.get(observed)
        if hit is None:
            if len(self._cache) > MAX_CACHED_READINGS:  # bounded on endless crawls
                self._cache.clear()
            hit = self._cache[observed] = self._build(observed)
        return hit

    def _build(self, observed: str) -> tuple[Reading, ...]:
        found: dict[tuple[str, ...], Reading] = {}

        def add(words: tuple[str, ...], relation: str, original: str, log10_share: float) -> None:
            if words in found and found[words].log10_share >= log10_share:
                return
            if all(self.lm.known(word) for word in words):
                found[words] = Reading(words, relation, original, log10_share)

        for link in self.lexicon.backward(observed):
            add(tuple(link.original.split()), link.relation, link.original, math.log10(self.lexicon.share(link)))
        # Re-inflected paths: "troopers" -> trooper -> soldier -> "soldiers".
        penn = tags(observed) if " " not in observed else ()
        for lemma in lemmas(observed) if penn else ():
            links = sorted(self.lexicon.backward(lemma), key=lambda l: -self.lexicon.share(l))
            for link in links[: self.max_readings]:
                for form in _inflect(link.original, penn):
                    add(tuple(form.split()), link.relation + relations.INFLECTED, link.original,
                        math.log10(self.lexicon.share(link) * REINFLECTION_FACTOR))
        unigram = self.lm.unigram
        ranked = sorted(found.values(),
                        key=lambda r: -(r.log10_share + sum(unigram(w) for w in r.words)))
        return tuple(ranked[: self.max_readings])


def spun_arcs(tokens: tuple[Token, ...], begin: int, table: ReadingTable, params: ChannelParams) -> list[Arc]:
    """Substitution arcs starting at token ``begin`` (single words and phrases)."""
    token = tokens[begin]
    if not is_word(token.text) or (len(token.text) > 1 and token.text.isupper()):
        return []  # punctuation, or an acronym (TV, NATO): names are not restored
    log10_spin = params.log10_spin(is_capitalised(token))
    arcs = []
    longest = table.lexicon.max_replacement_words if token.norm in table.phrase_starts else 1
    observed = token.norm
    for length in range(1, min(longest, len(tokens) - begin) + 1):
        if length > 1:
            following = tokens[begin + length - 1]
            if not is_word(following.text):
                break
            observed += " " + following.norm
        pooled = params.bonus
        present = params.present
        for reading in table.readings(observed)[: params.max_candidates]:
            bonus = pooled.get((observed, reading.words), 0.0) if pooled else 0.0
            if reading.original in present:
                bonus += LITERAL_LOG10
            candidate = Candidate(reading.words, reading.relation, log10_spin + reading.log10_share + bonus,
                                  reading.original, reading.log10_share)
            arcs.append(Arc(begin, begin + length, candidate))
    return arcs


def keep_arc(position: int, token: Token, lexicon: Lexicon, params: ChannelParams) -> Arc:
    spinnable = is_word(token.text) and lexicon.spinnable(token.norm)
    log10_prior = params.log10_keep(is_capitalised(token)) if spinnable else 0.0
    return Arc(position, position + 1, Candidate((token.norm,), "keep", log10_prior))


def lattice(tokens: tuple[Token, ...], table: ReadingTable, params: ChannelParams) -> list[list[Arc]]:
    """Arcs grouped by start position (positions are indices into ``tokens``)."""
    return [[keep_arc(position, token, table.lexicon, params)] + spun_arcs(tokens, position, table, params)
            for position, token in enumerate(tokens)]
