"""The ``thesaurus`` family: common synonyms, re-inflected, capitalised words too.

Prefers the most common synonym (by corpus frequency), looks words up by lemma and
re-inflects the replacement (soldiers -> troopers), also spins capitalised words (keeping the
capital, which breaks names), and makes a few grammatical rewrites (she -> he or she).
"""

from __future__ import annotations

from pathlib import Path

from unspin import rewrites
from unspin.families.base import (Replacement, Resources, channel, frequencies, inflect, lemma_and_tag,
                                  spun_type, type_probability, uniform, usable_links, weighted_choice)
from unspin.registry import families
from unspin.surface import match_case
from unspin.tokenize import is_word
from unspin.types import Document

# Share of word tokens changed when every type it can touch is spun (as wordnet.COVERAGE).
COVERAGE = 0.678
RELATIONS = ("synonym", "similar_to")  # the channel rows a thesaurus lists
CHOICES = 3  # the commonest synonyms it picks from
GRAMMAR = rewrites.single_word_grammar()  # original -> spun


def load(folder: Path) -> Resources:
    return Resources(channel(str(folder)), frequencies(str(folder)))


def plan(document: Document, resources: Resources, seed: int, rate: float) -> list[Replacement]:
    """Common synonyms by lemma, re-inflected; capitalised words too; grammar rewrites."""
    probability = type_probability(rate, COVERAGE)
    replacements = []
    for token in document.tokens:
        if not is_word(token.text) or token.text.isdigit():
            continue
        word = token.text.lower()
        if not spun_type(seed, word, probability):
            continue
        replacement = _replacement(word, resources, seed)
        if replacement is not None:
            text, relation = replacement
            replacements.append(Replacement(token.i, token.i + 1, match_case(text, token.text), relation))
    return replacements


def _replacement(word: str, resources: Resources, seed: int) -> tuple[str, str] | None:
    if word in GRAMMAR:
        return GRAMMAR[word], "grammar"
    analysis = lemma_and_tag(word)
    lemma, upos, tag = analysis if analysis else (word, "", "")
    links = [link for link in usable_links(resources.lexicon, lemma)
             if link.relation in RELATIONS and link.replacement.replace(" ", "").isalpha()
             and (analysis is None or lemma == word or _inflectable(link.replacement, upos))]
    if not links:
        return None
    counts = resources.frequencies
    ranked = sorted(links, key=lambda link: (-phrase_frequency(link.replacement, counts),
                                             link.replacement))[:CHOICES]
    weights = [phrase_frequency(link.replacement, counts) + 1.0 for link in ranked]
    link = weighted_choice(ranked, weights, uniform(seed, "pick", word))
    text = link.replacement
    if analysis and lemma != word:
        text = inflect(text, upos, tag)
    return (text, link.relation) if text != word else None


def _inflectable(phrase: str, upos: str) -> bool:
    """Whether the word to inflect is a base form of that part of speech ("compose", not "composed")."""
    from lemminflect import getAllLemmas

    words = phrase.split(" ")
    head = words[-1] if upos in ("NOUN", "PROPN") else words[0]
    return head in getAllLemmas(head, upos=upos).get(upos, (head,))


def phrase_frequency(phrase: str, counts: dict[str, int]) -> float:
    """A multi-word phrase counts as half as common as its rarest word."""
    words = phrase.split(" ")
    rarest = min(counts.get(word, 0) for word in words)
    return rarest if len(words) == 1 else rarest / 2


families.register("thesaurus", load=load, plan=plan, files=("channel.tsv.gz", "unigrams.tsv"),
                  coverage=COVERAGE, independent=False, description="the commonest WordNet synonyms by "
                  "lemma, re-inflected, capitalised words too, grammatical rewrites (she -> he or she)")
