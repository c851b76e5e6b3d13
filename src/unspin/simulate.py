"""Deterministic spinners: original text -> spun text plus the gold edits that undo it.

The spinner families live in ``unspin.families`` (one module each, listed in
``unspin.registry.families``): each plans its replacements over a tokenized document, and
this module renders a plan into the spun text and the gold edits that undo it.  The shipped
families are ``wordnet`` (the plain WordNet spinner seen in scraped news), ``thesaurus``
(common synonyms, re-inflected, capitalised words too, grammatical rewrites) and ``tortured``
(technical terms word by word); see their modules.

``rate`` is the intended share of word tokens changed; each family divides it by the share
of word tokens it can touch at all (its ``coverage``, measured on a training news file, not on
eval data) to get its per-type probability.
"""

from __future__ import annotations

import functools
import inspect
from pathlib import Path

import json
import sys
from dataclasses import asdict, dataclass
from typing import Iterable

import click

from unspin.errors import UnspinError
from unspin.families.base import Replacement, Resources
from unspin.lexicon import Lexicon
from unspin.registry import families
from unspin.tokenize import is_word, tokenize
from unspin.types import Document

PROFILES = families.names()  # the registered spinner families
DEFAULT_RATE = 0.25
DEFAULT_SEED = 0


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

def resources_for(profile: str, folder: str | None = None):
    """What the family ``profile`` reads from the model folder (loaded once per folder)."""
    from unspin.data import data_dir

    return _loaded(profile, str(data_dir(folder)))


@functools.lru_cache(maxsize=16)
def _loaded(profile: str, folder: str):
    return families.get(profile).load(Path(folder))


def spin(text: str, profile: str = "wordnet", seed: int = DEFAULT_SEED, rate: float = DEFAULT_RATE,
         lexicon: Lexicon | None = None, resources=None, habits: dict | None = None) -> SpunText:
    """Spin ``text`` deterministically with the family ``profile``; the gold edits turn the
    spun text back into ``text``.  ``resources`` is what the family's ``load`` gives (default:
    loaded from the bundled model); ``lexicon`` alone stands for ``Resources(lexicon)``.
    ``habits``: keyword settings of a family that takes them (``wordnet-walk``,
    ``thesaurus-b``: ``per_occurrence``, ``capitalised``, ...)."""
    family = families.get(profile)
    if resources is None:
        resources = Resources(lexicon) if lexicon is not None else resources_for(profile)
    document = tokenize(text)
    if habits:
        unknown = sorted(set(habits) - set(inspect.signature(family.plan).parameters))
        if unknown:
            raise UnspinError("E030", f"the {profile} family takes no habit {', '.join(unknown)}")
    spun, edits = render(document, family.plan(document, resources, seed, rate, **(habits or {})))
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
              help="model folder with the family's files (default: bundled, or $UNSPIN_DATA)")
def spin_command(path, profile, seed, rate, output_format, model):
    """Spin each line (paragraph) of PATH (or - for standard input) deterministically."""
    try:
        resources = resources_for(profile, model)
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
