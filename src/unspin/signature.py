"""The reproducibility signature (sacreBLEU's Signature): what produced a result.

A structured object (the package version, every model file that changes the output with its
manifest checksum prefix, the settings the call actually used, the spinner profile, corpus
mode), rendered as the ``key:value|...`` string that results carry::

    unspin:0.1.0|lexicon:channel.tsv.gz+7e0bf4f7|lm:lm.binary+e1fe0473+o5|calibration:calibration.json+3ffc6629
    |topics:topics.npy+4c9581ff,topics.vocab+ab5404d6|beam:12|cand:40|threshold:0.6|rate:auto
    [|profile:site-a+1f0e3dad[,profile_confidence.json+5b1c07aa]][|habits:0.82,0.02][|corpus]

(one line; ``|encoder:...`` when the neural scorer's evidence was read and
``|phrases:inventory.tsv.gz+...,thesaurus.tsv.gz+...,phrases.json+...`` when the phrase channel
was on come after ``rate``, before ``profile`` and ``corpus``; ``habits:`` the priors of the
spinner's habits a crawl lent, that it chooses anew at every occurrence and that it spins
capitalised words, ``candidates.crawl_habits``).  A file that is not in the
folder's manifest shows ``unlisted`` for its checksum; a model part the folder does not have
(the tiny test model's calibration) shows ``none``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from unspin import __version__
from unspin.data import checksum_prefix
from unspin.surface import CAPITALS_FILE

TOPIC_FILES = ("topics.npy", "topics.vocab")
CALIBRATION_FILE = "calibration.json"


@dataclass(frozen=True, slots=True)
class Stamp:
    """A model file as the signature names it: its name and its manifest checksum prefix."""

    name: str
    checksum: str

    @classmethod
    def of(cls, folder: Path, name: str) -> "Stamp":
        return cls(name, checksum_prefix(str(folder), name))

    def __str__(self) -> str:
        return f"{self.name}+{self.checksum}"


@dataclass(frozen=True)
class Signature:
    version: str
    lexicon: Stamp
    lm: Stamp
    lm_order: int
    calibration: Stamp | None  # None: no calibration, the confidence is the decoder's posterior
    topics: tuple[Stamp, ...]  # empty: no topic vectors
    beam_size: int
    max_candidates: int
    threshold: float
    spin_rate: float | None  # None: estimated per document
    corpus: bool = False  # restored with evidence gathered over a corpus
    phrases: tuple[Stamp, ...] = ()  # the phrase channel's files when it was on (unspin.phrases.FILES)
    encoder: Stamp | None = None  # the neural scorer's model when its evidence was read
    profile: str | None = None  # restored with a spinner profile: its name+checksum prefix
    profile_model: Stamp | None = None  # the profile confidence model read with it (unspin.profiles.confidence)
    habits: tuple[float, float] | None = None  # the habit priors a crawl lent (per-occurrence, capitalised)
    capitals: Stamp | None = None  # the table of spinners' own capitals (surface.Capitals), beside the lexicon

    def with_settings(self, settings, corpus: bool | None = None) -> "Signature":
        """The same model with the settings a call used (a ``Settings``) and its corpus mode."""
        return dataclasses.replace(self, beam_size=settings.beam_size, max_candidates=settings.max_candidates,
                                   threshold=settings.threshold, spin_rate=settings.spin_rate,
                                   corpus=self.corpus if corpus is None else corpus,
                                   phrases=self.phrases if settings.phrases else ())

    def with_habits(self, habits) -> "Signature":
        """The same, restored with the habit priors a crawl lent (a ``candidates.Habits``; None: none)."""
        return dataclasses.replace(self, habits=None if habits is None else habits.rounded())

    def with_encoder(self, folder: Path | None) -> "Signature":
        """The same, with (or, for None, without) the encoder of ``folder``."""
        from unspin.scorers.neural import MODEL_FILE

        return dataclasses.replace(self, encoder=Stamp.of(folder, MODEL_FILE) if folder is not None else None)

    def with_phrases(self, folder: Path) -> "Signature":
        """The same, restored with the phrase channel of ``folder`` (its inventory, Moby table and model)."""
        from unspin.phrases import FILES

        return dataclasses.replace(self, phrases=tuple(Stamp.of(folder, name) for name in FILES))

    def __str__(self) -> str:
        lexicon = f"{self.lexicon},{self.capitals}" if self.capitals else str(self.lexicon)
        parts = [f"unspin:{self.version}", f"lexicon:{lexicon}", f"lm:{self.lm}+o{self.lm_order}",
                 f"calibration:{self.calibration or 'none'}",
                 f"topics:{','.join(map(str, self.topics)) or 'none'}",
                 f"beam:{self.beam_size}", f"cand:{self.max_candidates}", f"threshold:{self.threshold}",
                 f"rate:{'auto' if self.spin_rate is None else self.spin_rate}"]
        if self.encoder:  # the neural scorer's evidence was read (absent: the n-gram alone)
            parts.append(f"encoder:{self.encoder}")
        if self.phrases:
            parts.append(f"phrases:{','.join(map(str, self.phrases))}")
        if self.profile:
            parts.append(f"profile:{self.profile}" + (f",{self.profile_model}" if self.profile_model else ""))
        if self.habits:
            parts.append(f"habits:{self.habits[0]},{self.habits[1]}")
        return "|".join(parts + ([CORPUS] if self.corpus else []))


CORPUS = "corpus"  # the signature's last part where corpus evidence was read


def without_corpus(signature: str) -> str:
    """A signature string without its corpus part: a document of a corpus-mode run restored
    without the crawl's evidence (``edits.restore_text``, a seasoned profile)."""
    return signature.removesuffix("|" + CORPUS)


def describe(folder: Path, lexicon_name: str, lm_name: str, lm_order: int, calibrated: bool,
             has_topics: bool, settings, corpus: bool = False, capitals: bool = False) -> Signature:
    """The signature of a restorer reading ``folder`` (checksums from its manifest)."""
    return Signature(
        __version__, Stamp.of(folder, lexicon_name), Stamp.of(folder, lm_name), lm_order,
        Stamp.of(folder, CALIBRATION_FILE) if calibrated else None,
        tuple(Stamp.of(folder, name) for name in TOPIC_FILES) if has_topics else (),
        settings.beam_size, settings.max_candidates, settings.threshold, settings.spin_rate, corpus,
        capitals=Stamp.of(folder, CAPITALS_FILE) if capitals else None)
