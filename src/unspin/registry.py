"""Plug-in points (spaCy's registry, kept small): spinner families, scorers, channel sources.

Each kind has one registry.  An entry has a name, a loader (``load(folder)`` reads what the
entry needs from a model folder), the manifest names of the files it reads, and a one-line
description; families add their planner and a few facts, scorers whether they are a language
model.  The module that defines an entry registers it::

    families.register("wordnet", load=load, plan=plan, files=("channel.tsv.gz",), coverage=0.639,
                      independent=False, description="...")

A registry imports its provider modules (``unspin.families``; ``unspin.lm`` and
``unspin.scorers.neural``; ``unspin.lexicon``) the first time it is asked for a name, so
importing this module loads nothing.  Adding a family is one module in ``unspin/families/``
plus its import line in ``unspin/families/__init__.py``; adding a scorer or channel source is
one module plus its name in the registry's ``providers`` below.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable, Iterator

from unspin.errors import UnspinError


@dataclass(frozen=True, kw_only=True)
class Entry:
    name: str
    load: Callable  # load(folder: Path) -> what the entry provides
    files: tuple[str, ...]  # the model-folder files it reads (their manifest names)
    description: str


@dataclass(frozen=True, kw_only=True)
class Family(Entry):
    """A spinner family: ``plan(document, resources, seed, rate) -> list[Replacement]`` with
    ``resources = load(folder)``."""

    plan: Callable
    coverage: float | None  # share of word tokens changed when every type it can touch is spun
    independent: bool  # True when it reads none of the restorer's own channel tables
    fitted: bool = True  # False: held out of every calibration fit (scripts/calibrate.py), so
    # that one family measures the restorer on text no fit has seen


@dataclass(frozen=True, kw_only=True)
class Scorer(Entry):
    """A scorer: ``load(folder)`` gives a ``unspin.lm.LanguageModel`` that the decoder runs on
    (``language_model`` True: the n-gram), or evidence read beside one (False: the neural
    encoder, which scores the readings the n-gram's lattice proposes)."""

    language_model: bool


class Registry:
    """Names -> entries of one kind, in registration order."""

    def __init__(self, kind: str, entry_type: type = Entry, providers: tuple[str, ...] = ()) -> None:
        self.kind = kind
        self.entry_type = entry_type
        self.providers = providers
        self._entries: dict[str, Entry] = {}
        self._imported = False

    def register(self, name: str, **fields):
        """Register ``name`` now (``register("x", load=f, ...)``), or as a decorator of its loader."""
        if "load" in fields:
            return self._add(name, fields)

        def decorate(load: Callable) -> Callable:
            self._add(name, {**fields, "load": load})
            return load
        return decorate

    def _add(self, name: str, fields: dict) -> Entry:
        try:
            entry = self.entry_type(name=name, **fields)
        except TypeError as error:
            raise UnspinError("E051", f"{self.kind} {name!r}: {error}") from None
        held = self._entries.get(name)
        if held is not None and _origin(held.load) != _origin(entry.load):
            raise UnspinError("E051", f"{self.kind} {name!r} is registered twice "
                              f"({_origin(held.load)} and {_origin(entry.load)})")
        self._entries[name] = entry
        return entry

    def _import_providers(self) -> None:
        if not self._imported:
            self._imported = True  # first, so that a provider may look names up as it registers
            try:
                for module in self.providers:
                    importlib.import_module(module)
            except BaseException:
                self._imported = False
                raise

    def get(self, name: str) -> Entry:
        """The entry called ``name``; a coded error listing the known names if there is none."""
        self._import_providers()
        entry = self._entries.get(name)
        if entry is None:
            raise UnspinError("E050", f"unknown {self.kind} {name!r}; known: {', '.join(self.names()) or 'none'}")
        return entry

    def names(self) -> tuple[str, ...]:
        self._import_providers()
        return tuple(self._entries)

    def __iter__(self) -> Iterator[Entry]:
        self._import_providers()
        return iter(list(self._entries.values()))

    def __contains__(self, name: str) -> bool:
        self._import_providers()
        return name in self._entries

    def __len__(self) -> int:
        self._import_providers()
        return len(self._entries)


def _origin(function: Callable) -> str:
    return f"{getattr(function, '__module__', '?')}.{getattr(function, '__qualname__', repr(function))}"


families = Registry("spinner family", Family, providers=("unspin.families",))
scorers = Registry("scorer", Scorer, providers=("unspin.lm", "unspin.scorers.neural"))
channel_sources = Registry("channel source", Entry, providers=("unspin.lexicon",))
