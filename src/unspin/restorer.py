"""Wires the pipeline and holds the loaded resources: text -> Restoration."""

from __future__ import annotations

import copy
import dataclasses
import functools
import math
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from unspin import __version__
from unspin.calibration import Calibration
from unspin.candidates import MAX_READINGS, ReadingTable
from unspin.data import data_dir, read_manifest
from unspin.errors import UnspinError
from unspin.lexicon import Lexicon
from unspin.lm import LanguageModel
from unspin.registry import channel_sources, scorers
from unspin.signature import CALIBRATION_FILE, Signature, describe
from unspin.topics import Topics
from unspin.types import Restoration

if TYPE_CHECKING:
    from unspin.evidence import Agreement


@dataclass(frozen=True)
class Settings:
    """Decoder settings: one set of defaults for the function, the class, CLI and HTTP."""

    threshold: float = 0.6
    beam_size: int = 4
    max_candidates: int = 40
    spin_rate: float | None = None  # None: estimate from the document itself
    alternatives: int = 3

    def __post_init__(self) -> None:
        """Refuse impossible values: the one check behind the function, the class, CLI and HTTP."""
        for name, (allowed, rule) in _RULES.items():
            value = getattr(self, name)
            if not allowed(value):
                raise UnspinError("E031", f"{name}={value!r}: must be {rule}")

    @classmethod
    def of(cls, base: "Settings | None" = None, **changes) -> "Settings":
        """``base`` (default: the defaults) with ``changes``; unknown names raise E031."""
        unknown = sorted(set(changes) - {f.name for f in dataclasses.fields(cls)})
        if unknown:
            known = ", ".join(f.name for f in dataclasses.fields(cls))
            raise UnspinError("E031", f"unknown setting {', '.join(unknown)} (known: {known})")
        return dataclasses.replace(base or cls(), **changes)


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


_RULES = {
    "threshold": (lambda v: _number(v) and 0 <= v <= 1, "a finite number from 0 to 1"),
    "beam_size": (lambda v: _count(v) and 1 <= v <= 1000, "a whole number from 1 to 1000"),
    "max_candidates": (lambda v: _count(v) and 1 <= v <= 1000, "a whole number from 1 to 1000"),
    "spin_rate": (lambda v: v is None or (_number(v) and 0 <= v <= 1),
                  "a finite number from 0 to 1, or None (estimate it from the document)"),
    "alternatives": (lambda v: _count(v) and 0 <= v <= 100, "a whole number from 0 to 100"),
}


class Restorer:
    """Holds a language model and a channel table; restores many texts cheaply."""

    def __init__(self, model: str | Path | None = None, lm: LanguageModel | None = None,
                 lexicon: Lexicon | None = None, corpus: "Agreement | None" = None,
                 scorer: str = "ngram", channel: str = "wordnet", **settings) -> None:
        self.settings = Settings.of(**settings)
        self.folder = data_dir(model)
        self.scorer = scorers.get(scorer)  # unless ``lm`` is given, loads the LM from the folder
        self.channel = channel_sources.get(channel)  # unless ``lexicon`` is given
        self._lm = lm
        self._lexicon = lexicon
        self._injected = (lm, lexicon)  # what was given rather than loaded from the folder
        self.corpus = corpus  # corpus mode: what the whole crawl says (see gather)

    @property
    def lm(self) -> LanguageModel:
        if self._lm is None:
            self._lm = self.scorer.load(self.folder)
        return self._lm

    @property
    def lexicon(self) -> Lexicon:
        if self._lexicon is None:
            self._lexicon = self.channel.load(self.folder)
        return self._lexicon

    @functools.cached_property
    def table(self) -> ReadingTable:
        """Cached readings of observed words (grows as texts are restored)."""
        return ReadingTable(self.lexicon, self.lm, max(MAX_READINGS, self.settings.max_candidates))

    @functools.cached_property
    def calibration(self) -> Calibration:
        return Calibration.load(self.folder / CALIBRATION_FILE, lm_order=self.lm.order)

    @functools.cached_property
    def topics(self) -> Topics | None:
        return Topics.load(self.folder)

    @functools.cached_property
    def _described(self) -> Signature:
        """The structured signature with this restorer's own settings (see ``describe``)."""
        lm_name = getattr(self.lm, "path", Path("lm")).name  # unlisted names get "unlisted"
        return describe(self.folder, self.lexicon.name, lm_name, self.lm.order,
                        self.calibration.roots is not None, self.topics is not None, self.settings)

    def describe(self, settings: Settings | None = None, corpus: bool = False) -> Signature:
        """What a restore with ``settings`` (default: the restorer's) produces its result with."""
        return self._described.with_settings(settings or self.settings, corpus)

    @functools.cached_property
    def signature(self) -> str:
        """The signature string of a restore with the restorer's own settings."""
        return str(self._described)

    def info(self) -> dict:
        """Version, model files with checksums, and the signature."""
        return {"version": __version__, "model_folder": str(self.folder),
                "files": read_manifest(self.folder)["files"], "signature": self.signature}

    def restore(self, text: str, **overrides) -> Restoration:
        from unspin.edits import restore_text

        settings = Settings.of(self.settings, **overrides) if overrides else self.settings
        signature = str(self.describe(settings, corpus=self.corpus is not None))
        return restore_text(text, self.lm, self.table, settings, signature, self.calibration, self.topics,
                            self.corpus)

    def with_corpus(self, corpus: "Agreement | None") -> "Restorer":
        """This restorer (sharing its loaded model) restoring with ``corpus``."""
        other = copy.copy(self)
        other.corpus = corpus
        return other

    def gather(self, texts) -> "Agreement":
        """Corpus mode, pass one: what these texts say about every word they change.

        A spinner that rewrote a whole crawl used one dictionary for all of it, so the
        readings of "produce" in one story are evidence in every other.  Set the result
        (merged over all parts of the crawl) as ``corpus`` to restore with it.
        """
        from unspin.passes import gather
        from unspin.tokenize import tokenize

        return gather((tokenize(text) for text in texts), self.lm, self.table, self.settings)

    def detect(self, text: str) -> float:
        """How likely the document is spun, 0..1."""
        return self.restore(text).spun_score

    def spec(self, **overrides) -> "RestorerSpec":
        """What another process needs to build this same restorer (see ``RestorerSpec``).

        Raises E030 when an injected language model or lexicon cannot be sent there.
        """
        for what, given in zip(("language model", "lexicon"), self._injected):
            if given is not None:
                try:
                    pickle.dumps(given)
                except Exception as error:  # noqa: BLE001 - whatever pickle refuses, say so
                    raise UnspinError("E030", f"the injected {what} ({type(given).__name__}) cannot be sent to "
                                      f"worker processes ({error}); use workers=1, or inject one that pickles "
                                      "(KenLMModel and ArpaModel travel as their file path)") from None
        settings = Settings.of(self.settings, **overrides) if overrides else self.settings
        return RestorerSpec(str(self.folder), settings, self.scorer.name, self.channel.name, *self._injected,
                            self.corpus)

    def restore_many(self, texts, workers: int = 1, corpus: bool = False, **overrides) -> list[Restoration]:
        """Restore many texts, in ``workers`` processes that each build this restorer once
        (with its injected LM or lexicon, settings and corpus evidence: ``spec``).

        ``corpus=True`` treats the texts as one crawl spun by one spinner: a first pass
        gathers what every text says about each observed word (``passes.gather``), in this
        process, and each text is then restored with that evidence.  It reads every text
        twice and holds only per-word sums between the passes.
        """
        texts = list(texts)
        restorer = self.with_corpus(self.gather(texts)) if corpus else self
        if workers <= 1 or len(texts) <= 1:
            return [restorer.restore(text, **overrides) for text in texts]
        from unspin.batch import restore_parallel

        return restore_parallel(texts, workers, restorer.spec(**overrides))


@dataclass(frozen=True)
class RestorerSpec:
    """A picklable recipe for a Restorer: its folder, settings, registry names, and what was
    injected (a language model, a lexicon) or gathered (corpus evidence) rather than loaded
    from the folder.  Worker processes build their restorer from it (``build``)."""

    folder: str
    settings: Settings
    scorer: str
    channel: str
    lm: LanguageModel | None = None
    lexicon: Lexicon | None = None
    corpus: "Agreement | None" = None

    def build(self) -> Restorer:
        return Restorer(self.folder, lm=self.lm, lexicon=self.lexicon, corpus=self.corpus, scorer=self.scorer,
                        channel=self.channel, **dataclasses.asdict(self.settings))


@functools.lru_cache(maxsize=4)
def default_restorer(model: str | None = None) -> Restorer:
    return Restorer(model)


def restore(text: str, model: str | None = None, **settings) -> Restoration:
    """Restore spun text with the bundled model (loaded once, cached)."""
    return default_restorer(model).restore(text, **settings)
