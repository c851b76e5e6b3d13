"""Confidence calibration: decoder posteriors -> probability that an edit is right.

Per relation group, a Platt scaling of the posterior's log-odds, fit by
scripts/calibrate.py on held-out spun news (never on eval/) and shipped as
calibration.json.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

FORMAT = "unspin.calibration/1"


def group(relation: str) -> str:
    """Relations pooled for calibration (few samples each otherwise)."""
    base = relation.removesuffix("+inflection")
    if relation.endswith("+inflection"):
        return "inflection"
    if base in ("synonym", "element", "similar_to", "also_see"):
        return "synonym"
    if base in ("hypernym", "instance_hypernym"):
        return "hypernym"
    return base


@dataclass(frozen=True)
class Calibration:
    """``apply(p, relation) = sigmoid(a * logit(p) + b)`` with (a, b) per group."""

    params: dict

    @classmethod
    def identity(cls) -> "Calibration":
        return cls({})

    @classmethod
    def load(cls, path: Path) -> "Calibration":
        if not path.exists():
            return cls.identity()
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            return cls.identity()
        return cls({name: tuple(value) for name, value in data["groups"].items()})

    def apply(self, probability: float, relation: str) -> float:
        a, b = self.params.get(group(relation), self.params.get("default", (1.0, 0.0)))
        p = min(max(probability, 1e-6), 1 - 1e-6)
        return 1.0 / (1.0 + math.exp(-(a * math.log(p / (1 - p)) + b)))


def fit_platt(pairs: list[tuple[float, bool]], iterations: int = 300) -> tuple[float, float]:
    """Fit (a, b) by gradient descent on log loss; ``pairs`` are (posterior, was right)."""
    a, b = 1.0, 0.0
    xs = [math.log(min(max(p, 1e-6), 1 - 1e-6) / (1 - min(max(p, 1e-6), 1 - 1e-6))) for p, _ in pairs]
    ys = [1.0 if right else 0.0 for _, right in pairs]
    rate = 0.5
    for _ in range(iterations):
        grad_a = grad_b = 0.0
        for x, y in zip(xs, ys):
            p = 1.0 / (1.0 + math.exp(-(a * x + b)))
            grad_a += (p - y) * x
            grad_b += p - y
        a -= rate * grad_a / len(xs)
        b -= rate * grad_b / len(xs)
    return a, b
