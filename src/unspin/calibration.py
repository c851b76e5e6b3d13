"""Confidence: the evidence for one candidate edit -> probability that the edit is right.

The decoder's posterior alone is a poor confidence: the n-gram window overrates fluent
spun words, splits its mass between inflections of one original (is / was / are), and
knows nothing of the document.  Gradient-boosted trees over the evidence (posteriors,
channel share, word frequencies, relation, document spin rate, pooled restorations,
topic fit) give the probability that the edit is right.  They are fit by
scripts/calibrate.py on held-out spun news (never eval/) and shipped as calibration.json:
plain JSON arrays, no pickle.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from unspin import relations

FORMAT = "unspin.calibration/3"
LOGIT_LIMIT = 12.0
# Readings the decoder gives less than this are never proposed (nor used to fit the model).
MIN_POSTERIOR = 0.01


@dataclass(frozen=True, slots=True)
class Evidence:
    """What is known about one candidate edit (a reading of a span that is not "keep").

    Posteriors are the decoder's, normalised over the span's readings with the rest of
    the best path fixed: ``family`` sums the readings from the same original (its
    inflections), ``rival`` is the best reading from another original.
    """

    relation: str
    posterior: float
    keep: float
    family: float
    rival: float
    log10_share: float
    observed_unigram: float  # lowest log10 unigram among the observed words
    restored_unigram: float  # lowest log10 unigram among the restored words
    pooled: int  # restorations of the same (observed, original) pair in pass one
    present: bool  # the original is used as it stands elsewhere in the document
    related: bool  # another form of the original (or it, capitalised) is in the document
    observed_count: int  # times the observed word occurs in the document
    topic_gain: float | None  # how much better the restored words fit the document's topic
    observed_spinnable: bool  # the observed word could itself be an original
    capitalised: bool
    rate: float  # the document's estimated spin rate
    observed_words: int
    restored_words: int
    lemma_family: float = 0.0  # readings sharing a lemma with this one (has / had / have)
    agree: float = 0.0  # mean posterior of these words at the observed words' other occurrences
    agree_family: float = 0.0  # the same for the lemma family
    others: int = 0  # other occurrences of the observed words in the document
    claimed: float = 0.0  # the strongest claim of another observed word on the same words
    gender_cue: float = 0.0  # log2: the document's she/her against he/his, for a pronoun reading
    tense_cue: float = 0.0  # log2: the document's past (was, had) against present (is, has) forms
    verb_tense_cue: float = 0.0  # log2: the same over every verb form (rose, says), signed by the reading's tense
    corpus: bool = False  # agreement gathered over a corpus (corpus mode), not one document


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return max(-LOGIT_LIMIT, min(LOGIT_LIMIT, math.log(p / (1 - p))))


def features(e: Evidence) -> dict[str, float]:
    """Named feature values of one edit (the model's inputs)."""
    base = relations.base(e.relation)
    inflected = relations.inflected(e.relation)
    values = {
        "logit_posterior": logit(e.posterior),
        "logit_keep": logit(e.keep),
        "logit_family": logit(e.family),
        "logit_rival": logit(e.rival),
        "log10_share": e.log10_share,
        "observed_unigram": e.observed_unigram,
        "restored_unigram": e.restored_unigram,
        "pooled": math.log2(1 + e.pooled),
        "present": float(e.present),
        "related": float(e.related),
        "observed_count": math.log2(max(1, e.observed_count)),
        "topic_gain": e.topic_gain or 0.0,
        "topic_known": float(e.topic_gain is not None),
        "observed_spinnable": float(e.observed_spinnable),
        "capitalised": float(e.capitalised),
        "log10_rate": math.log10(max(e.rate, 1e-4)),
        "observed_words": float(e.observed_words),
        "restored_words": float(e.restored_words),
        "inflection": float(inflected),
        "inflection_x_logit_family": float(inflected) * logit(e.family),
        "logit_lemma_family": logit(e.lemma_family),
        "agree": e.agree,
        "agree_family": e.agree_family,
        "others": math.log2(1 + e.others),
        "claimed": e.claimed,
        "gender_cue": e.gender_cue,
        "tense_cue": e.tense_cue,
        "verb_tense_cue": e.verb_tense_cue,
        "corpus": float(e.corpus),
    }
    for name in relations.FEATURE_RELATIONS:
        values["relation_" + name] = float(base == name)
    values["posterior_x_unigram_gap"] = values["logit_posterior"] * (e.restored_unigram - e.observed_unigram)
    return values


FEATURES = tuple(features(Evidence("synonym", .5, .5, .5, .5, 0, 0, 0, 0, False, False, 1, None, False, False, .1, 1, 1)))


@dataclass(frozen=True, eq=False)
class Calibration:
    """Gradient-boosted trees over the features: ``confidence = sigmoid(base + sum of leaves)``.

    The trees are flat arrays (a leaf points to itself), so a whole document's readings
    walk all trees at once with numpy.  With no trees (no calibration.json, as in the tiny
    test model) the confidence is the decoder's posterior itself.
    """

    base: float = 0.0
    feature: np.ndarray | None = None  # per node: feature index (0 at leaves)
    threshold: np.ndarray | None = None  # per node: go left when x <= threshold
    left: np.ndarray | None = None
    right: np.ndarray | None = None
    value: np.ndarray | None = None
    roots: np.ndarray | None = None
    depth: int = 0

    @classmethod
    def identity(cls) -> "Calibration":
        return cls()

    @classmethod
    def load(cls, path: Path) -> "Calibration":
        if not path.exists():
            return cls.identity()
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or list(data.get("features", ())) != list(FEATURES):
            return cls.identity()
        trees = data["trees"]
        return cls(float(data["base"]), np.array(trees["feature"], dtype=np.intp),
                   np.array(trees["threshold"], dtype=np.float64), np.array(trees["left"], dtype=np.intp),
                   np.array(trees["right"], dtype=np.intp), np.array(trees["value"], dtype=np.float64),
                   np.array(trees["roots"], dtype=np.intp), int(trees["depth"]))

    def confidences(self, evidence: list[Evidence]) -> list[float]:
        """P(edit is right) for each reading."""
        if self.roots is None:
            return [e.posterior for e in evidence]
        if not evidence:
            return []
        x = np.array([[values[name] for name in FEATURES] for values in map(features, evidence)])
        rows = np.arange(len(x))[:, None]
        node = np.broadcast_to(self.roots, (len(x), len(self.roots)))
        for _ in range(self.depth):
            node = np.where(x[rows, self.feature[node]] <= self.threshold[node], self.left[node], self.right[node])
        raw = self.base + self.value[node].sum(axis=1)
        out = 1.0 / (1.0 + np.exp(-np.clip(raw, -40, 40)))
        return [0.0 if e.posterior < MIN_POSTERIOR else float(p) for e, p in zip(evidence, out)]

    def confidence(self, evidence: Evidence) -> float:
        return self.confidences([evidence])[0]


def fit_trees(rows: list[list[float]], labels: list[bool], iterations: int = 300) -> dict:
    """Fit gradient-boosted trees (scikit-learn, build time only); the JSON-ready model."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    model = HistGradientBoostingClassifier(max_iter=iterations, learning_rate=0.1, max_leaf_nodes=31,
                                           max_depth=8, random_state=0)
    model.fit(np.asarray(rows, dtype=np.float64), np.asarray(labels, dtype=bool))
    return export_trees(model)


def export_trees(model) -> dict:
    """A fitted binary HistGradientBoostingClassifier as flat node arrays."""
    feature, threshold, left, right, value, roots = [], [], [], [], [], []
    depth = 0
    for (predictor,) in model._predictors:
        offset = len(feature)
        roots.append(offset)
        for i, node in enumerate(predictor.nodes):
            leaf = bool(node["is_leaf"])
            feature.append(0 if leaf else int(node["feature_idx"]))
            threshold.append(0.0 if leaf else float(node["num_threshold"]))
            left.append(offset + (i if leaf else int(node["left"])))
            right.append(offset + (i if leaf else int(node["right"])))
            value.append(float(node["value"]) if leaf else 0.0)
            depth = max(depth, int(node["depth"]))
    return {"format": FORMAT, "features": list(FEATURES), "base": float(np.ravel(model._baseline_prediction)[0]),
            "trees": {"feature": feature, "threshold": threshold, "left": left, "right": right,
                      "value": value, "roots": roots, "depth": depth}}
