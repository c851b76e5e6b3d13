"""The ``tortured`` family: technical terms replaced word by word, as paper mills' tools do.

Multi-word terms from the shipped term list are replaced word by word with synonyms (one gold
edit per term, relation ``term``); other words are spun as by ``wordnet`` at half the rate.
"""

from __future__ import annotations

from pathlib import Path

from unspin.families import thesaurus, wordnet
from unspin.families.base import (Replacement, Resources, channel, pick_link, spun_type, term_run, terms,
                                  usable_links)
from unspin.registry import families
from unspin.surface import match_case
from unspin.types import Document, Token

TERM_FACTOR = 4  # a term is spun with probability min(1, 4 x rate)


def load(folder: Path) -> Resources:
    return Resources(channel(str(folder)), terms=terms(str(folder)))


def plan(document: Document, resources: Resources, seed: int, rate: float) -> list[Replacement]:
    """Technical terms word by word (one site per term); other words as ``wordnet`` at rate/2."""
    probability = min(1.0, TERM_FACTOR * rate)
    tokens = document.tokens
    longest = max((len(term) for term in resources.terms), default=0)
    replacements, covered = [], set()
    i = 0
    while i < len(tokens):
        replacement = None
        for length in range(longest, 1, -1):
            replacement = _term_at(tokens, i, length, resources, seed, probability)
            if replacement:
                break
        if replacement:
            replacements.append(replacement)
            covered.update(range(replacement.begin, replacement.end))
            i = replacement.end
        else:
            i += 1
    replacements += wordnet.plan(document, resources, seed, rate / 2, skip=frozenset(covered))
    return sorted(replacements, key=lambda r: r.begin)


def _term_at(tokens: tuple[Token, ...], i: int, length: int, resources: Resources, seed: int,
             probability: float) -> Replacement | None:
    term = term_run(tokens, i, length)
    if term is None:
        return None
    run = tokens[i : i + length]
    if term not in resources.terms or not spun_type(seed, " ".join(term), probability):
        return None
    words = []
    for token, word in zip(run, term):
        links = [link for link in usable_links(resources.lexicon, word)
                 if link.relation in thesaurus.RELATIONS and " " not in link.replacement]
        choice = pick_link(links, resources.lexicon, seed, word).replacement if links else word
        words.append(match_case(choice, token.text))
    if [w.lower() for w in words] == list(term):
        return None
    return Replacement(i, i + length, " ".join(words), "term")


families.register("tortured", load=load, plan=plan, files=("channel.tsv.gz", "terms.tsv"), coverage=None,
                  independent=False, description="multi-word technical terms replaced word by word with "
                  "synonyms (terms at 4 x rate), other words as wordnet at rate / 2")
