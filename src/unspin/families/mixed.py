"""``mixed``: each document spun by a spinner drawn at random, with habits drawn at random.

So that no single setting is the benchmark, every document gets its own settings, drawn from
the seed and the document's text (the same document and seed always get the same ones):

* the base family: any of the families, the simulator's three channel-based profiles
  (``wordnet``, ``thesaurus``, ``tortured``) included;
* the rate: the requested rate times 0.4-1.6 (0.1-0.4 at the default 0.25);
* for ``wordnet-walk``: the chain depths, the relation mix, how much the first senses are
  preferred, the capitalisation habit, and a fixed dictionary or a new choice at every
  occurrence; a quarter of its documents imitate an open-source spinner (the first lemma of
  a random synset, capitalised words too, a new choice at every occurrence);
* for ``thesaurus-b``: the capitalisation habit, how many synonyms it offers, whether it uses
  its phrase table, and fixed or per-occurrence choices.

``INDEPENDENT`` is False: a share of the documents come from the channel-based profiles, so
text spun by ``mixed`` is not wholly unseen by the restorer's channel (pass
``families=INDEPENDENT_FAMILIES`` for a mix that is).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from unspin.errors import UnspinError
from unspin.registry import families as registry
from unspin.families.shared import Document, Replacement, uniform
from unspin.families.wordnet_walk import RELATIONS as WALK_RELATIONS

NAME = "mixed"
DESCRIPTION = ("per-document random spinner: base family (all five), rate x0.4-1.6, chain depth, "
               "relation mix, capitalisation, fixed or per-occurrence choices")
INDEPENDENT = False
CHANNEL_PROFILES = ("wordnet", "thesaurus", "tortured")
INDEPENDENT_FAMILIES = ("wordnet-walk", "thesaurus-b")
FAMILIES = CHANNEL_PROFILES + INDEPENDENT_FAMILIES
# Share of word tokens changed when the base families spin every type they can (rate 1.0,
# spread (1, 1)), on the first 600 paragraphs of bbc_news.txt.xz (scripts/measure_coverage.py).
COVERAGE = 0.568
RATE_SPREAD = (0.4, 1.6)  # the document's rate is the requested rate times this range
WALK_DEPTHS = ((1.0,), (0.8, 0.15, 0.05), (0.5, 0.3, 0.2))
CAPITALISED = (0.0, 0.0, 0.3, 1.0)  # drawn uniformly
THESAURUS_CAPITALISED = (0.0, 0.35, 0.35, 1.0)
THESAURUS_CHOICES = (1, 2, 3, 5)
OPEN_SOURCE = {"relations": {"first_lemma": 1.0}, "decay": 1.0, "depth": (1.0,),
               "capitalised": 1.0, "per_occurrence": True}


@dataclass(frozen=True)
class Settings:
    """What one document gets: the base family, its rate and its habits."""

    family: str
    rate: float
    habits: dict = field(default_factory=dict)


@dataclass
class Loaded:
    """Each base family's resources, read from one model folder when first needed."""

    folder: Path
    resources: dict = field(default_factory=dict)

    def get(self, name: str):
        if name not in self.resources:
            self.resources[name] = load_family(name, self.folder)
        return self.resources[name]


def load(folder: Path) -> Loaded:
    """Nothing is read until a document draws a family (so no channel table is needed
    unless a channel-based profile is drawn)."""
    return Loaded(Path(folder))


def plan(document: Document, resources: Loaded, seed: int, rate: float, *,
         families: tuple[str, ...] = FAMILIES,
         spread: tuple[float, float] = RATE_SPREAD) -> list[Replacement]:
    """Spin with this document's drawn settings (``settings``)."""
    chosen = settings(document, seed, rate, families, spread)
    return plan_family(chosen.family, document, resources.get(chosen.family), seed, chosen.rate,
                       **chosen.habits)


def settings(document: Document, seed: int, rate: float, families: tuple[str, ...] = FAMILIES,
             spread: tuple[float, float] = RATE_SPREAD) -> Settings:
    """The settings drawn for this document and seed."""
    key = hashlib.blake2b(document.text.encode("utf-8"), digest_size=8).hexdigest()

    def draw(*parts: str) -> float:
        return uniform(seed, "mixed", key, *parts)

    def pick(options: tuple, *parts: str):
        return options[int(draw(*parts) * len(options))]

    family = pick(tuple(families), "family")
    low, high = spread
    chosen_rate = min(1.0, rate * (low + (high - low) * draw("rate")))
    habits: dict = {}
    if family == "wordnet-walk":
        if draw("open source") < 0.25:
            habits = dict(OPEN_SOURCE)
        else:
            habits = {"depth": pick(WALK_DEPTHS, "depth"),
                      "relations": {relation: weight * (0.2 + 1.6 * draw("relation", relation))
                                    for relation, weight in WALK_RELATIONS.items()},
                      "decay": 0.5 + 0.5 * draw("decay"),
                      "capitalised": pick(CAPITALISED, "capitalised"),
                      "per_occurrence": draw("per occurrence") < 0.25}
    elif family == "thesaurus-b":
        habits = {"capitalised": pick(THESAURUS_CAPITALISED, "capitalised"),
                  "choices": pick(THESAURUS_CHOICES, "choices"),
                  "phrases": draw("phrases") < 0.8,
                  "per_occurrence": draw("per occurrence") < 0.25}
    return Settings(family, chosen_rate, habits)


# ---------------------------------------------------------------- calling the other families

def load_family(name: str, folder: Path):
    """The resources family ``name`` reads from a model folder."""
    return registry.get(name).load(folder)


def plan_family(name: str, document: Document, resources, seed: int, rate: float,
                **habits) -> list[Replacement]:
    """Family ``name``'s plan for a document (habits only for the families that take them)."""
    if name in CHANNEL_PROFILES and habits:
        raise UnspinError("E030", f"the {name} profile takes no habits")
    return registry.get(name).plan(document, resources, seed, rate, **habits)


# it reads nothing of its own: its files are those of the families it draws
registry.register(NAME, load=load, plan=plan, coverage=COVERAGE, independent=INDEPENDENT,
                  files=tuple(sorted({name for family in FAMILIES for name in registry.get(family).files})),
                  description=DESCRIPTION)
