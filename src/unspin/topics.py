"""Topic vectors: does a candidate word fit what the rest of the document is about?

Word vectors from a latent semantic analysis of training paragraphs (built by
scripts/build_topics.py, shipped as topics.npy + topics.vocab).  A document's context is
the IDF-weighted sum of its words' vectors; a candidate's fit is its cosine with that
context, leaving out the observed word itself.  Function words have no vector.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

FORMAT = "# unspin.topics/1"


@dataclass(frozen=True)
class Topics:
    vectors: np.ndarray  # words x dims, unit rows
    index: dict[str, int]
    idf: np.ndarray

    @classmethod
    def load(cls, folder: Path) -> "Topics | None":
        """The folder's topic vectors, or None when it has none (as the tiny test model)."""
        vocab_path, vectors_path = folder / "topics.vocab", folder / "topics.npy"
        if not (vocab_path.exists() and vectors_path.exists()):
            return None
        lines = vocab_path.read_text(encoding="utf-8").splitlines()
        if not lines or not lines[0].startswith(FORMAT):
            return None
        rows = [line.split("\t") for line in lines[1:]]
        vectors = np.load(vectors_path, allow_pickle=False).astype(np.float32)
        if len(vectors) != len(rows):
            return None
        return cls(vectors, {word: i for i, (word, _) in enumerate(rows)},
                   np.array([float(idf) for _, idf in rows], dtype=np.float32))

    def context(self, counts: Counter) -> "Context":
        """The document's context: the IDF-weighted sum of its words' vectors."""
        found = [self.index[w] for w in counts if w in self.index]
        total = (self.idf[found, None] * self.vectors[found]).sum(axis=0) if found else None
        return Context(self, total)


@dataclass(frozen=True)
class Context:
    topics: Topics
    total: np.ndarray | None

    def without(self, leave_out: str) -> np.ndarray | None:
        """The context as a unit vector, without the word ``leave_out``; None if empty."""
        if self.total is None:
            return None
        topics = self.topics
        context = self.total
        i = topics.index.get(leave_out)
        if i is not None:
            context = context - topics.idf[i] * topics.vectors[i]
        norm = float(np.sqrt(context @ context))
        return context / norm if norm > 1e-6 else None

    def vector(self, words: tuple[str, ...] | list[str]) -> np.ndarray | None:
        """Unit vector of the words (their mean), or None when none has a vector."""
        rows = [self.topics.index[w] for w in words if w in self.topics.index]
        if not rows:
            return None
        if len(rows) == 1:
            return self.topics.vectors[rows[0]]
        vector = self.topics.vectors[rows].mean(axis=0)
        norm = float(np.sqrt(vector @ vector))
        return vector / norm if norm > 1e-6 else None

    def fit(self, words: tuple[str, ...] | list[str], leave_out: str) -> float | None:
        """Cosine of the words with the context without ``leave_out``; None when the words
        or the context have no vector."""
        context, vector = self.without(leave_out), self.vector(words)
        if context is None or vector is None:
            return None
        return float(vector @ context)

    def gains(self, readings: list[tuple[str, ...]], observed: tuple[str, ...]) -> list[float | None]:
        """For each reading, how much better it fits the document than the observed words."""
        context = self.without(observed[0] if len(observed) == 1 else "")
        before = self.vector(observed)
        if context is None or before is None:
            return [None] * len(readings)
        base = float(before @ context)
        gains = []
        for words in readings:
            vector = self.vector(words)
            gains.append(None if vector is None else float(vector @ context) - base)
        return gains

    def gain(self, restored: tuple[str, ...], observed: tuple[str, ...]) -> float | None:
        return self.gains([restored], observed)[0]
