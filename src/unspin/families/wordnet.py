"""The ``wordnet`` family: the plain WordNet spinner seen in scraped news.

Decisions are made per word *type* (lowercased word) from a stable hash of the word and the
seed: a type is spun with a fixed probability, and then EVERY occurrence of it is replaced by
the same replacement (one dictionary entry per word, as such spinners do).  Capitalised words
are left alone, number words become digits, phrase rows of the channel table rewrite short
token sequences ("is a" -> "is simply a"), nothing is re-inflected and "a"/"an" are not
repaired.
"""

from __future__ import annotations

from pathlib import Path

from unspin.families.base import (Replacement, Resources, channel, pick_link, spun_type, type_probability,
                                  usable_links)
from unspin.lexicon import Lexicon
from unspin.registry import families
from unspin.tokenize import is_word
from unspin.types import Document, Token

# Share of word tokens changed when every type it can touch is spun, measured on the first
# 600 paragraphs of bbc_news.txt.xz (a training file, never the eval split).
COVERAGE = 0.639
MAX_PHRASE_WORDS = 3


def load(folder: Path) -> Resources:
    return Resources(channel(str(folder)))


def plan(document: Document, resources: Resources, seed: int, rate: float,
         skip: frozenset[int] = frozenset()) -> list[Replacement]:
    """Per-type dictionary replacement of lowercase words; phrase rows match token runs."""
    probability = type_probability(rate, COVERAGE)
    lexicon = resources.lexicon
    tokens = document.tokens
    replacements = []
    i = 0
    while i < len(tokens):
        found = None if i in skip else _replacement_at(tokens, i, lexicon, seed, probability, skip)
        if found is not None:
            replacements.append(found)
            i = found.end
        else:
            i += 1
    return replacements


def _replacement_at(tokens: tuple[Token, ...], i: int, lexicon: Lexicon, seed: int,
                    probability: float, skip: frozenset[int]) -> Replacement | None:
    for length in range(MAX_PHRASE_WORDS, 0, -1):
        run = tokens[i : i + length]
        if len(run) < length or any(t.i in skip or not _spinnable_surface(t) for t in run):
            continue
        if any(t.whitespace != " " for t in run[:-1]):
            continue
        original = " ".join(t.text for t in run)
        links = usable_links(lexicon, original)
        if not links or not spun_type(seed, original, probability):
            continue
        link = pick_link(links, lexicon, seed, original)
        return Replacement(i, i + length, link.replacement, link.relation)
    return None


def _spinnable_surface(token: Token) -> bool:
    return is_word(token.text) and token.text == token.text.lower() and not token.text.isdigit()


families.register("wordnet", load=load, plan=plan, files=("channel.tsv.gz",), coverage=COVERAGE,
                  independent=False, description="WordNet neighbours, one fixed replacement per word type, "
                  "lowercase words only, no re-inflection (the spinner seen in scraped news)")
