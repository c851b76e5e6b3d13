"""The confidence of a reading restored with a spinner profile.

The calibration trees (``unspin.calibration``) are fitted on documents restored alone and in
corpus mode.  A profile reaches them only through the decoder's posterior, so a reading the
spinner's pages say is right 1,982 times out of 1,982 ("makes up" for "is") can still fall
under the threshold.  With a profile on, a second, small model maps the first confidence and
the profile's evidence of the reading (``Evidence.profile_*``: the share of the observed
word's occurrences in the pages that stand for this reading, how many occurrences, how many
of them stand for any original, and how well the document fits the profile) to P(right).

It is fitted by ``scripts/calibrate.py fit-profile`` on the profile sets of the calibration
data (held-out news spun by each fitted family, restored with a profile of that spinner
learned from other pages, with another spinner's profile, and clean text with a profile),
and shipped as profile_confidence.json: plain JSON trees, no pickle.  Readings restored
without a profile never reach it; a model folder without the file keeps the first confidence.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from unspin.calibration import Calibration
from unspin.errors import UnspinError
from unspin.evidence import Agreement, Evidence
from unspin.evidence.features import logit

FORMAT = "unspin.profile-confidence/1"
MODEL_FILE = "profile_confidence.json"
FIT_LIMIT = 200.0  # bits: a document's fit beyond this says nothing more
FEATURES = ("logit_confidence", "logit_posterior", "profile_share", "profile_spun", "log2_count",
            "profile_fit", "share_of_spun")


def features(evidence: Evidence, confidence: float) -> list[float]:
    """The model's inputs for one reading whose first confidence is ``confidence``."""
    spun = evidence.profile_spun
    return [logit(confidence), logit(evidence.posterior), evidence.profile_share, spun,
            math.log2(1 + evidence.profile_count), min(evidence.profile_fit, FIT_LIMIT),
            evidence.profile_share / spun if spun > 0 else 0.0]


def with_profile(evidence: Evidence) -> bool:
    """Was this reading restored with a spinner profile (and no corpus)?"""
    return evidence.corpus == Agreement.PROFILE


class ProfileModel:
    """The trees of profile_confidence.json over FEATURES."""

    def __init__(self, trees: Calibration, fitted_on: dict | None = None) -> None:
        self.trees = trees
        self.fitted_on = fitted_on or {}

    @classmethod
    def load(cls, folder: Path) -> "ProfileModel | None":
        """The folder's model, or None where it has none.  E021 for a file of another version."""
        path = Path(folder) / MODEL_FILE
        if not path.exists():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or list(data.get("features", ())) != list(FEATURES):
            raise UnspinError("E021", f"{path} is not a profile confidence model of this version; "
                              "refit it with scripts/calibrate.py fit-profile")
        return cls(Calibration.of(data), data.get("fitted_on"))

    def confidences(self, evidence: list[Evidence], first: list[float]) -> list[float]:
        """P(right) of readings restored with a profile, given their first confidences."""
        if not evidence:
            return []
        return self.trees.walk(np.array([features(e, p) for e, p in zip(evidence, first)]), evidence)


class ProfileCalibration:
    """Confidence with a spinner profile on: the first confidence (``words``: the calibration,
    or the phrase calibration) and, for readings restored with the profile, the profile model
    over it."""

    def __init__(self, words, model: ProfileModel) -> None:
        self.words = words
        self.model = model

    def confidences(self, evidence: list[Evidence]) -> list[float]:
        first = self.words.confidences(evidence)
        chosen = [i for i, e in enumerate(evidence) if with_profile(e)]
        if not chosen:
            return first
        second = self.model.confidences([evidence[i] for i in chosen], [first[i] for i in chosen])
        out = list(first)
        for i, p in zip(chosen, second):
            out[i] = p
        return out

    def confidence(self, evidence: Evidence) -> float:
        return self.confidences([evidence])[0]
