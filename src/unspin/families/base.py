"""What spinner families share: the planned replacement, the resources they read, stable
randomness, inflection, and cached loaders for the model files they read.

A family plans replacements over a Document (``plan(document, resources, seed, rate)``);
``unspin.simulate`` renders the plan into spun text and gold edits.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from unspin.errors import UnspinError
from unspin.lexicon import Lexicon, Link
from unspin.tokenize import is_word
from unspin.types import Token

DEGREE = {"JJR": "more", "RBR": "more", "JJS": "most", "RBS": "most"}


@dataclass(frozen=True, slots=True)
class Replacement:
    """Planned change: tokens ``[begin, end)`` are written as ``text``."""

    begin: int
    end: int
    text: str
    relation: str


@dataclass(frozen=True)
class Resources:
    """What the shipped families read: the channel table, corpus frequencies, technical terms.

    A family's ``load`` fills only what it reads; the rest stay empty.
    """

    lexicon: Lexicon
    frequencies: dict[str, int] = field(default_factory=dict)
    terms: frozenset[tuple[str, ...]] = frozenset()


# ---------------------------------------------------------------- stable randomness

def uniform(seed: int, *parts: str) -> float:
    """A number in [0, 1) fixed by the seed and the parts (stable across runs and Pythons)."""
    key = "\x1f".join([str(seed), *parts]).encode("utf-8")
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big") / 2**64


def weighted_choice(items: list, weights: list[float], u: float):
    total = sum(weights)
    threshold = u * total
    running = 0.0
    for item, weight in zip(items, weights):
        running += weight
        if threshold < running:
            return item
    return items[-1]


def type_probability(rate: float, coverage: float) -> float:
    """Probability that a word type is spun, so that ``rate`` of the word tokens change
    (``coverage``: the share a family changes when it spins every type it can touch)."""
    if not 0.0 <= rate <= 1.0:
        raise UnspinError("E030", f"rate must be between 0 and 1, not {rate}")
    return min(1.0, rate / coverage)


def spun_type(seed: int, word: str, probability: float) -> bool:
    return uniform(seed, "spin", word) < probability


# ---------------------------------------------------------------- channel rows

def usable_links(lexicon: Lexicon, original: str) -> list[Link]:
    return [link for link in lexicon.forward(original) if link.replacement != original]


def pick_link(links: list[Link], lexicon: Lexicon, seed: int, word: str) -> Link:
    """One fixed replacement per word type, sampled by the channel's share; digits win."""
    numbers = [link for link in links if link.relation == "number"]
    if numbers:
        return numbers[0]
    ordered = sorted(links, key=lambda link: (link.replacement, link.relation))
    return weighted_choice(ordered, [lexicon.share(link) for link in ordered],
                           uniform(seed, "pick", word))


# ---------------------------------------------------------------- inflection

def term_run(tokens: tuple[Token, ...], i: int, length: int) -> tuple[str, ...] | None:
    """The lowercased words of the ``length`` tokens from ``i`` when they can be a technical term
    (words joined by single spaces, none but the first capitalised), else None."""
    run = tokens[i : i + length]
    if len(run) < length or any(not is_word(t.text) or t.whitespace != " " for t in run[:-1]):
        return None
    if not is_word(run[-1].text) or any(t.text != t.text.lower() for t in run[1:]):
        return None  # "United States" is a name, not a term
    return tuple(t.text.lower() for t in run)


def lemma_and_tag(word: str) -> tuple[str, str, str] | None:
    """(lemma, universal POS, Penn tag) of a lowercased word, or None if unknown."""
    from lemminflect import getAllInflections, getAllLemmas

    for upos, lemmas in getAllLemmas(word).items():
        for lemma in lemmas:
            for tag, forms in getAllInflections(lemma, upos=upos).items():
                if word in forms:
                    return lemma, upos, tag
    return None


def inflect(phrase: str, upos: str, tag: str) -> str:
    """Inflect a replacement phrase: the last word of a noun, else the first word."""
    from lemminflect import getAllInflections, getInflection

    words = phrase.split(" ")
    index = len(words) - 1 if upos in ("NOUN", "PROPN") else 0
    head = words[index]
    if tag in DEGREE:  # "more important", never the rule-made "importanter"
        known = getAllInflections(head, upos=upos).get(tag)
        words[index] = known[0] if known else f"{DEGREE[tag]} {head}"
    else:
        forms = getInflection(head, tag=tag)
        words[index] = forms[0] if forms else head
    return " ".join(words)


# ---------------------------------------------------------------- model files (loaded once per folder)

@functools.lru_cache(maxsize=4)
def channel(folder: str) -> Lexicon:
    """The folder's WordNet channel table (the ``wordnet`` channel source)."""
    from unspin.registry import channel_sources

    return channel_sources.get("wordnet").load(Path(folder))


@functools.lru_cache(maxsize=4)
def frequencies(folder: str) -> dict[str, int]:
    """The folder's unigram counts (unigrams.tsv)."""
    return read_frequencies(Path(folder) / "unigrams.tsv")


@functools.lru_cache(maxsize=4)
def terms(folder: str) -> frozenset[tuple[str, ...]]:
    """The folder's technical terms (terms.tsv)."""
    return read_terms(Path(folder) / "terms.tsv")


def read_frequencies(path: Path) -> dict[str, int]:
    """``word<TAB>count`` lines after a header line; empty if the file is absent."""
    if not path.exists():
        return {}
    counts = {}
    with open(path, encoding="utf-8") as handle:
        next(handle, None)
        for line in handle:
            word, _, count = line.rstrip("\n").partition("\t")
            if count.isdigit():
                counts[word] = int(count)
    return counts


def read_terms(path: Path) -> frozenset[tuple[str, ...]]:
    """Lowercase multi-word terms, one per line after a ``# unspin.terms/1`` header."""
    if not path.exists():
        return frozenset()
    with open(path, encoding="utf-8") as handle:
        header = handle.readline()
        if not header.startswith("# unspin.terms/1"):
            raise UnspinError("E020", f"{path} is not an unspin term list")
        return frozenset(tuple(line.split("\t", 1)[0].split()) for line in handle if line.strip())
