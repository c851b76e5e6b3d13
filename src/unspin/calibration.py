"""Confidence: the evidence for one candidate edit -> probability that the edit is right.

The decoder's posterior alone is a poor confidence: the n-gram window overrates fluent
spun words, splits its mass between inflections of one original (is / was / are), and
knows nothing of the document.  Gradient-boosted trees over the evidence (posteriors,
channel share, word frequencies, relation, document spin rate, pooled restorations,
topic fit) give the probability that the edit is right.  They are fit by
scripts/calibrate.py on held-out spun news (never eval/) and shipped as calibration.json:
plain JSON arrays, no pickle.  The evidence and its features live in ``unspin.evidence``;
this module holds the trees: loading, applying, fitting and exporting them.

calibration.json records what the trees were fitted on (``fitted_on``: the families and
sets, the decoder settings, the LM that decoded them and the shipped LM they are meant for).
Loading refuses trees whose features or LM order do not match (E021); it never falls back
to the posterior silently.  A model folder without calibration.json uses the posterior.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from unspin.errors import UnspinError
from unspin.evidence import FEATURES, MIN_POSTERIOR, Evidence, features

FORMAT = "unspin.calibration/4"  # /3 plus fitted_on


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
    fitted_on: dict | None = None  # what the trees were fitted on (calibration.json's record)

    @classmethod
    def identity(cls) -> "Calibration":
        """No trees: the confidence is the decoder's posterior."""
        return cls()

    @classmethod
    def load(cls, path: Path, lm_order: int | None = None) -> "Calibration":
        """The trees in ``path``; the identity when there is no such file.

        Raises E021 when the file's format or feature list is not this code's, or (given
        ``lm_order``, the order of the LM they will be applied with) when it was fitted for
        an LM of another order or does not say which.
        """
        if not path.exists():
            return cls.identity()
        data = json.loads(path.read_text(encoding="utf-8"))
        check(data, path, lm_order)
        return cls.of(data)

    @classmethod
    def of(cls, data: dict) -> "Calibration":
        """Trees from their JSON form (``export_trees``'s), unchecked: ``load`` checks the
        features first, and the phrase model (unspin.phrases) checks its own."""
        trees = data["trees"]
        return cls(float(data["base"]), np.array(trees["feature"], dtype=np.intp),
                   np.array(trees["threshold"], dtype=np.float64), np.array(trees["left"], dtype=np.intp),
                   np.array(trees["right"], dtype=np.intp), np.array(trees["value"], dtype=np.float64),
                   np.array(trees["roots"], dtype=np.intp), int(trees["depth"]), data.get("fitted_on"))

    def confidences(self, evidence: list[Evidence]) -> list[float]:
        """P(edit is right) for each reading."""
        if self.roots is None:
            return [e.posterior for e in evidence]
        if not evidence:
            return []
        x = np.array([[values[name] for name in FEATURES] for values in map(features, evidence)])
        return self.walk(x, evidence)

    def walk(self, x: np.ndarray, evidence: list[Evidence]) -> list[float]:
        """sigmoid(base + leaves) for each row of feature values ``x`` (one row per reading of
        ``evidence``; 0 for a reading the decoder gives under MIN_POSTERIOR)."""
        rows = np.arange(len(x))[:, None]
        node = np.broadcast_to(self.roots, (len(x), len(self.roots)))
        for _ in range(self.depth):
            node = np.where(x[rows, self.feature[node]] <= self.threshold[node], self.left[node], self.right[node])
        raw = self.base + self.value[node].sum(axis=1)
        out = 1.0 / (1.0 + np.exp(-np.clip(raw, -40, 40)))
        return [0.0 if e.posterior < MIN_POSTERIOR else float(p) for e, p in zip(evidence, out)]

    def confidence(self, evidence: Evidence) -> float:
        return self.confidences([evidence])[0]


def check(data: dict, path: Path, lm_order: int | None = None) -> None:
    """Raise E021 unless ``data`` (a calibration file's JSON) fits this code and the LM."""
    if data.get("format") != FORMAT:
        raise UnspinError("E021", f"{path} has format {data.get('format')!r}; this unspin reads {FORMAT}")
    features_found = list(data.get("features", ()))
    if features_found != list(FEATURES):
        missing = [f for f in FEATURES if f not in features_found]
        extra = [f for f in features_found if f not in FEATURES]
        raise UnspinError("E021", f"{path} was fitted on other features (missing: {', '.join(missing) or 'none'}; "
                          f"unknown: {', '.join(extra) or 'none'}; or in another order)")
    if lm_order is not None:
        fitted = (data.get("fitted_on") or {}).get("lm", {}).get("order")
        if fitted is None:
            raise UnspinError("E021", f"{path} does not say which language model it was fitted for")
        if fitted != lm_order:
            raise UnspinError("E021", f"{path} was fitted for a {fitted}-gram language model, "
                              f"not this {lm_order}-gram one")


def fit_trees(rows: list[list[float]], labels: list[bool], iterations: int = 300, max_leaf_nodes: int = 31,
              max_depth: int = 8, format: str = FORMAT, names: tuple[str, ...] = FEATURES,
              min_samples_leaf: int = 20, l2_regularization: float = 0.0,
              sample_weight: list[float] | None = None) -> dict:
    """Fit gradient-boosted trees (scikit-learn, build time only); the JSON-ready model
    (``format`` and ``names``: another model's, such as the phrase model's)."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    model = HistGradientBoostingClassifier(max_iter=iterations, learning_rate=0.1, max_leaf_nodes=max_leaf_nodes,
                                           max_depth=max_depth, min_samples_leaf=min_samples_leaf,
                                           l2_regularization=l2_regularization, random_state=0)
    model.fit(np.asarray(rows, dtype=np.float64), np.asarray(labels, dtype=bool),
              sample_weight=None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64))
    return export_trees(model, format, names)


def export_trees(model, format: str = FORMAT, names: tuple[str, ...] = FEATURES) -> dict:
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
    return {"format": format, "features": list(names), "base": float(np.ravel(model._baseline_prediction)[0]),
            "trees": {"feature": feature, "threshold": threshold, "left": left, "right": right,
                      "value": value, "roots": roots, "depth": depth}}
