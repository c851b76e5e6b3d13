"""Deterministic spinners: original text -> spun text plus the gold edits that undo it.

Three profiles imitate the spinners unspin has to undo:

``wordnet``    the plain WordNet spinner seen in scraped news.  Decisions are made per word
               *type* (lowercased word) from a stable hash of the word and the seed: a type
               is spun with a fixed probability, and then EVERY occurrence of it is replaced
               by the same replacement (one dictionary entry per word, as such spinners do).
               Capitalised words are left alone, number words become digits, phrase rows of
               the channel table rewrite short token sequences ("is a" -> "is simply a"),
               nothing is re-inflected and "a"/"an" are not repaired.
``thesaurus``  prefers the most common synonym (by corpus frequency), looks words up by
               lemma and re-inflects the replacement (soldiers -> troopers), also spins
               capitalised words (keeping the capital, which breaks names), and makes a few
               grammatical rewrites (she -> he or she).
``tortured``   multi-word technical terms (from the shipped term list) are replaced word by
               word with synonyms (one gold edit per term, relation ``term``); other words
               are spun as by ``wordnet`` at half the rate.

``rate`` is the intended share of word tokens changed; each profile divides it by the share
of word tokens it can touch at all (measured on a training news file, not on eval data) to
get its per-type probability.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterable

import click

from unspin import rewrites
from unspin.errors import UnspinError
from unspin.lexicon import Lexicon, Link
from unspin.surface import match_case
from unspin.tokenize import is_word, tokenize
from unspin.types import Document, Token

PROFILES = ("wordnet", "thesaurus", "tortured")
DEFAULT_RATE = 0.25
DEFAULT_SEED = 0
# Share of word tokens a profile changes when every type it can touch is spun, measured on
# the first 600 paragraphs of bbc_news.txt.xz (a training file, never the eval split).
# rate / coverage = probability that a word type is spun.  ``tortured`` uses the wordnet
# figure for its ordinary words.
COVERAGE = {"wordnet": 0.639, "thesaurus": 0.678}
MAX_PHRASE_WORDS = 3
THESAURUS_RELATIONS = ("synonym", "similar_to")
THESAURUS_CHOICES = 3
DEGREE = {"JJR": "more", "RBR": "more", "JJS": "most", "RBS": "most"}
# Grammatical rewrites of the thesaurus profile (original -> spun).
GRAMMAR = rewrites.single_word_grammar()


@dataclass(frozen=True, slots=True)
class GoldEdit:
    """One spun site: ``original[orig_start:orig_end]`` became ``spun[spun_start:spun_end]``."""

    orig_start: int
    orig_end: int
    spun_start: int
    spun_end: int
    original: str
    spun: str
    relation: str


@dataclass(frozen=True, slots=True)
class SpunText:
    """An original text, its spun version and the gold edits (sorted, non-overlapping)."""

    original: str
    spun: str
    profile: str
    seed: int
    rate: float
    edits: tuple[GoldEdit, ...]

    def to_dict(self) -> dict:
        return {"original": self.original, "spun": self.spun, "profile": self.profile,
                "seed": self.seed, "rate": self.rate, "edits": [asdict(e) for e in self.edits]}

    @classmethod
    def from_dict(cls, data: dict) -> "SpunText":
        edits = tuple(GoldEdit(**edit) for edit in data["edits"])
        return cls(data["original"], data["spun"], data.get("profile", "unknown"),
                   int(data.get("seed", 0)), float(data.get("rate", 0.0)), edits)


@dataclass(frozen=True, slots=True)
class Replacement:
    """Planned change: tokens ``[begin, end)`` are written as ``text``."""

    begin: int
    end: int
    text: str
    relation: str


@dataclass(frozen=True)
class Resources:
    """What the spinners read: channel table, corpus frequencies, technical terms."""

    lexicon: Lexicon
    frequencies: dict[str, int]
    terms: frozenset[tuple[str, ...]]


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


def type_probability(profile: str, rate: float) -> float:
    if not 0.0 <= rate <= 1.0:
        raise UnspinError("E030", f"rate must be between 0 and 1, not {rate}")
    return min(1.0, rate / COVERAGE[profile])


def spun_type(seed: int, word: str, probability: float) -> bool:
    return uniform(seed, "spin", word) < probability


# ---------------------------------------------------------------- case and inflection

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


# ---------------------------------------------------------------- the profiles

def pick_link(links: list[Link], lexicon: Lexicon, seed: int, word: str) -> Link:
    """One fixed replacement per word type, sampled by the channel's share; digits win."""
    numbers = [link for link in links if link.relation == "number"]
    if numbers:
        return numbers[0]
    ordered = sorted(links, key=lambda link: (link.replacement, link.relation))
    return weighted_choice(ordered, [lexicon.share(link) for link in ordered],
                           uniform(seed, "pick", word))


def usable_links(lexicon: Lexicon, original: str) -> list[Link]:
    return [link for link in lexicon.forward(original) if link.replacement != original]


def plan_wordnet(document: Document, resources: Resources, seed: int, rate: float,
                 skip: frozenset[int] = frozenset()) -> list[Replacement]:
    """Per-type dictionary replacement of lowercase words; phrase rows match token runs."""
    probability = type_probability("wordnet", rate)
    lexicon = resources.lexicon
    tokens = document.tokens
    plan = []
    i = 0
    while i < len(tokens):
        found = None if i in skip else _wordnet_at(tokens, i, lexicon, seed, probability, skip)
        if found is not None:
            plan.append(found)
            i = found.end
        else:
            i += 1
    return plan


def _wordnet_at(tokens: tuple[Token, ...], i: int, lexicon: Lexicon, seed: int,
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


def plan_thesaurus(document: Document, resources: Resources, seed: int,
                   rate: float) -> list[Replacement]:
    """Common synonyms by lemma, re-inflected; capitalised words too; grammar rewrites."""
    probability = type_probability("thesaurus", rate)
    plan = []
    for token in document.tokens:
        if not is_word(token.text) or token.text.isdigit():
            continue
        word = token.text.lower()
        if not spun_type(seed, word, probability):
            continue
        replacement = _thesaurus_word(word, resources, seed)
        if replacement is not None:
            text, relation = replacement
            plan.append(Replacement(token.i, token.i + 1, match_case(text, token.text), relation))
    return plan


def _thesaurus_word(word: str, resources: Resources, seed: int) -> tuple[str, str] | None:
    if word in GRAMMAR:
        return GRAMMAR[word], "grammar"
    analysis = lemma_and_tag(word)
    lemma, upos, tag = analysis if analysis else (word, "", "")
    links = [link for link in usable_links(resources.lexicon, lemma)
             if link.relation in THESAURUS_RELATIONS and link.replacement.replace(" ", "").isalpha()
             and (analysis is None or lemma == word or _inflectable(link.replacement, upos))]
    if not links:
        return None
    frequencies = resources.frequencies
    ranked = sorted(links, key=lambda link: (-_phrase_frequency(link.replacement, frequencies),
                                             link.replacement))[:THESAURUS_CHOICES]
    weights = [_phrase_frequency(link.replacement, frequencies) + 1.0 for link in ranked]
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


def _phrase_frequency(phrase: str, frequencies: dict[str, int]) -> float:
    """A multi-word phrase counts as half as common as its rarest word."""
    words = phrase.split(" ")
    rarest = min(frequencies.get(word, 0) for word in words)
    return rarest if len(words) == 1 else rarest / 2


def plan_tortured(document: Document, resources: Resources, seed: int,
                  rate: float) -> list[Replacement]:
    """Technical terms word by word (one site per term); other words as ``wordnet`` at rate/2."""
    probability = min(1.0, 4 * rate)
    tokens = document.tokens
    longest = max((len(term) for term in resources.terms), default=0)
    plan, covered = [], set()
    i = 0
    while i < len(tokens):
        replacement = None
        for length in range(longest, 1, -1):
            replacement = _term_at(tokens, i, length, resources, seed, probability)
            if replacement:
                break
        if replacement:
            plan.append(replacement)
            covered.update(range(replacement.begin, replacement.end))
            i = replacement.end
        else:
            i += 1
    plan += plan_wordnet(document, resources, seed, rate / 2, skip=frozenset(covered))
    return sorted(plan, key=lambda r: r.begin)


def _term_at(tokens: tuple[Token, ...], i: int, length: int, resources: Resources, seed: int,
             probability: float) -> Replacement | None:
    run = tokens[i : i + length]
    if len(run) < length or any(not is_word(t.text) or t.whitespace != " " for t in run[:-1]):
        return None
    if not is_word(run[-1].text) or any(t.text != t.text.lower() for t in run[1:]):
        return None  # "United States" is a name, not a term
    term = tuple(t.text.lower() for t in run)
    if term not in resources.terms or not spun_type(seed, " ".join(term), probability):
        return None
    words = []
    for token, word in zip(run, term):
        links = [link for link in usable_links(resources.lexicon, word)
                 if link.relation in THESAURUS_RELATIONS and " " not in link.replacement]
        choice = pick_link(links, resources.lexicon, seed, word).replacement if links else word
        words.append(match_case(choice, token.text))
    if [w.lower() for w in words] == list(term):
        return None
    return Replacement(i, i + length, " ".join(words), "term")


PLANNERS: dict[str, Callable[[Document, Resources, int, float], list[Replacement]]] = {
    "wordnet": plan_wordnet, "thesaurus": plan_thesaurus, "tortured": plan_tortured}


# ---------------------------------------------------------------- applying a plan

def render(document: Document, plan: Iterable[Replacement]) -> tuple[str, tuple[GoldEdit, ...]]:
    """Write the spun text, keeping all whitespace and punctuation between tokens."""
    tokens = document.tokens
    by_begin = {r.begin: r for r in plan}
    parts = [document.leading]
    length = len(document.leading)
    edits = []
    i = 0
    while i < len(tokens):
        replacement = by_begin.get(i)
        if replacement is None:
            parts.append(tokens[i].text + tokens[i].whitespace)
            length += len(tokens[i].text) + len(tokens[i].whitespace)
            i += 1
            continue
        first, last = tokens[replacement.begin], tokens[replacement.end - 1]
        original = document.text[first.start : last.end]
        edits.append(GoldEdit(first.start, last.end, length, length + len(replacement.text),
                              original, replacement.text, replacement.relation))
        parts.append(replacement.text + last.whitespace)
        length += len(replacement.text) + len(last.whitespace)
        i = replacement.end
    return "".join(parts), tuple(edits)


# ---------------------------------------------------------------- resources and API

@functools.lru_cache(maxsize=2)
def default_resources(folder: str | None = None) -> Resources:
    """The shipped channel table, unigram counts and term list (loaded once)."""
    from unspin.data import data_dir

    path = data_dir(folder)
    return Resources(Lexicon.load(path / "channel.tsv.gz"), read_frequencies(path / "unigrams.tsv"),
                     read_terms(path / "terms.tsv"))


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


def spin(text: str, profile: str = "wordnet", seed: int = DEFAULT_SEED, rate: float = DEFAULT_RATE,
         lexicon: Lexicon | None = None, resources: Resources | None = None) -> SpunText:
    """Spin ``text`` deterministically; the gold edits turn the spun text back into ``text``."""
    if profile not in PLANNERS:
        raise UnspinError("E030", f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)}")
    if resources is None:
        resources = (Resources(lexicon, {}, frozenset()) if lexicon is not None
                     else default_resources())
    document = tokenize(text)
    spun, edits = render(document, PLANNERS[profile](document, resources, seed, rate))
    return SpunText(text, spun, profile, seed, rate, edits)


def changed_word_share(spun_texts: Iterable[SpunText]) -> float:
    """Share of the originals' word tokens that lie inside a gold edit."""
    words = changed = 0
    for item in spun_texts:
        tokens = [t for t in tokenize(item.original).tokens if is_word(t.text)]
        words += len(tokens)
        starts = [(e.orig_start, e.orig_end) for e in item.edits]
        changed += sum(1 for t in tokens if any(s <= t.start < e for s, e in starts))
    return changed / words if words else 0.0


@click.command("spin")
@click.argument("path", default="-")
@click.option("--profile", type=click.Choice(PROFILES), default="wordnet", show_default=True)
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True)
@click.option("--rate", type=click.FloatRange(0.0, 1.0), default=DEFAULT_RATE, show_default=True,
              help="intended share of word tokens changed")
@click.option("--format", "output_format", type=click.Choice(["text", "jsonl"]), default="text",
              show_default=True)
@click.option("--model", type=click.Path(file_okay=False), default=None,
              help="model folder with channel.tsv.gz (default: bundled, or $UNSPIN_DATA)")
def spin_command(path, profile, seed, rate, output_format, model):
    """Spin each line (paragraph) of PATH (or - for standard input) deterministically."""
    try:
        resources = default_resources(model)
        handle = sys.stdin if path == "-" else open(path, encoding="utf-8")
        with handle:
            for line in handle:
                text = line.rstrip("\r\n")
                result = spin(text, profile, seed, rate, resources=resources)
                if output_format == "jsonl":
                    sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
                else:
                    sys.stdout.write(result.spun + "\n")
    except (UnspinError, OSError) as error:
        click.echo(f"unspin: {error}", err=True)
        sys.exit(1)
