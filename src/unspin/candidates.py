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

from unspin.lexicon import Lexicon
from unspin.tokenize import is_word
from unspin.types import Arc, Candidate, Token

REINFLECTION_FACTOR = 0.3  # a re-inflected path is less likely than a literal one
CAPITAL_FACTOR = 0.08  # most spinners leave capitalised words alone


@dataclass(frozen=True)
class ChannelParams:
    """Per-document channel settings (the spin rate is estimated per document)."""

    rate: float
    max_candidates: int
    bonus: dict  # (observed, original) -> extra log10 prior from document pooling

    def log10_spin(self, capitalised: bool) -> float:
        rate = self.rate * (CAPITAL_FACTOR if capitalised else 1.0)
        return math.log10(max(rate, 1e-9))

    def log10_keep(self, capitalised: bool) -> float:
        rate = self.rate * (CAPITAL_FACTOR if capitalised else 1.0)
        return math.log10(max(1.0 - rate, 1e-9))


@functools.lru_cache(maxsize=65536)
def _lemmas(word: str) -> tuple[str, ...]:
    from lemminflect import getAllLemmas

    found = {lemma for lemmas in getAllLemmas(word).values() for lemma in lemmas}
    found.discard(word)
    return tuple(sorted(found))


@functools.lru_cache(maxsize=65536)
def _tags(word: str) -> tuple[str, ...]:
    """Penn tags whose inflection of some lemma gives ``word`` (e.g. troopers -> NNS)."""
    from lemminflect import getAllInflections

    tags = set()
    for lemma in _lemmas(word):
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
        for form in getInflection(lemma, tag=tag) or ():
            if form not in forms:
                forms.append(form)
    return tuple(forms)


def is_capitalised(token: Token) -> bool:
    return token.text[:1].isupper()


def spun_arcs(tokens: tuple[Token, ...], begin: int, lexicon: Lexicon, params: ChannelParams,
              known) -> list[Arc]:
    """Substitution arcs starting at token ``begin`` (single words and phrases)."""
    token = tokens[begin]
    if not is_word(token.text):
        return []
    capitalised = is_capitalised(token)
    log10_spin = params.log10_spin(capitalised)
    found: dict[tuple[int, tuple[str, ...]], Candidate] = {}

    def add(end: int, words: tuple[str, ...], relation: str, log10_prior: float) -> None:
        if not all(known(word) for word in words):
            return
        key = (end, words)
        if key not in found or found[key].log10_prior < log10_prior:
            found[key] = Candidate(words, relation, log10_prior)

    for length in range(1, min(lexicon.max_replacement_words, len(tokens) - begin) + 1):
        span = tokens[begin : begin + length]
        if length > 1 and not all(is_word(t.text) for t in span):
            break
        observed = " ".join(t.norm for t in span)
        for link in lexicon.backward(observed):
            words = tuple(link.original.split())
            bonus = params.bonus.get((observed, link.original), 0.0)
            add(begin + length, words, link.relation,
                log10_spin + math.log10(lexicon.share(link)) + bonus)
    # Re-inflected paths: "troopers" -> trooper -> soldier -> "soldiers".
    tags = _tags(token.norm)
    for lemma in _lemmas(token.norm) if tags else ():
        for link in lexicon.backward(lemma):
            for form in _inflect(link.original, tags):
                add(begin + 1, tuple(form.split()), link.relation + "+inflection",
                    log10_spin + math.log10(lexicon.share(link) * REINFLECTION_FACTOR))
    ranked = sorted(found.items(), key=lambda item: -item[1].log10_prior)[: params.max_candidates]
    return [Arc(begin, end, candidate) for (end, _words), candidate in ranked]


def keep_arc(token: Token, lexicon: Lexicon, params: ChannelParams) -> Arc:
    spinnable = is_word(token.text) and lexicon.spinnable(token.norm)
    log10_prior = params.log10_keep(is_capitalised(token)) if spinnable else 0.0
    return Arc(token.i, token.i + 1, Candidate((token.norm,), "keep", log10_prior))


def lattice(tokens: tuple[Token, ...], lexicon: Lexicon, params: ChannelParams, known) -> list[list[Arc]]:
    """Arcs grouped by start position (positions are indices into ``tokens``)."""
    arcs = []
    for position, token in enumerate(tokens):
        local = Token(position, token.start, token.end, token.text, token.whitespace, token.norm)
        keep = keep_arc(local, lexicon, params)
        arcs.append([keep] + spun_arcs(tokens, position, lexicon, params, known))
    return arcs
