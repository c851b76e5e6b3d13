"""Channel tables: which words a spinner may have replaced, and by what.

The table (``channel.tsv.gz``, built by scripts/build_lexicon.py from WordNet 3.0) holds
rows ``original -> replacement`` with the relation that links them.  The restorer reads
it backwards (what could this observed word have been?), the simulator forwards.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

from unspin.errors import UnspinError

# How readily a spinner takes each relation (used by the simulator to sample and by the
# channel model as q(replacement | original) up to normalisation).
RELATION_WEIGHTS = {
    "synonym": 1.0,
    "element": 1.0,
    "number": 1.0,
    "phrase": 1.0,
    "similar_to": 0.5,
    "also_see": 0.3,
    "hypernym": 0.4,
    "instance_hypernym": 0.4,
    "two_hop": 0.12,
    "term": 1.0,
}
FORMAT = "# unspin.channel/1"


@dataclass(frozen=True, slots=True)
class Link:
    """One channel row: ``original`` may be written as ``replacement`` through ``relation``."""

    original: str
    replacement: str
    relation: str
    via: str

    @property
    def weight(self) -> float:
        return RELATION_WEIGHTS.get(self.relation, 0.1)


class Lexicon:
    """Forward and backward views of the channel table, with normalisers per original.

    Rows are kept as plain tuples and turned into ``Link`` objects on lookup, so that
    loading the shipped table stays well under a second.
    """

    def __init__(self, links: list[Link] | None = None, name: str = "custom",
                 rows: list[tuple[str, str, str, str]] | None = None) -> None:
        self.name = name
        rows = list(rows or []) + [(l.original, l.replacement, l.relation, l.via) for l in links or []]
        backward: dict[str, list] = {}
        total: dict[str, float] = {}
        weights = RELATION_WEIGHTS
        for row in rows:
            original, replacement, relation = row[0], row[1], row[2]
            backward.setdefault(replacement, []).append(row)
            total[original] = total.get(original, 0.0) + weights.get(relation, 0.1)
        self._rows = rows
        self._backward = backward
        self._total = total
        self._forward: dict[str, list[Link]] | None = None
        self.max_replacement_words = max((r[1].count(" ") + 1 for r in rows), default=1)

    @classmethod
    def load(cls, path: str | Path) -> "Lexicon":
        path = Path(path)
        if not path.exists():
            raise UnspinError("E001", f"channel table {path} is missing")
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as handle:
            header = handle.readline()
            if not header.startswith(FORMAT):
                raise UnspinError("E020", f"{path} is not an unspin channel table")
            rows = [tuple(line.split("\t")) for line in handle.read().splitlines()]
        if any(len(row) != 4 for row in rows):
            raise UnspinError("E020", f"{path} has a row without four fields")
        return cls(name=path.name, rows=rows)

    def forward(self, original: str) -> list[Link]:
        """What a spinner may write for ``original``."""
        if self._forward is None:
            forward: dict[str, list[Link]] = {}
            for row in self._rows:
                forward.setdefault(row[0], []).append(Link(*row))
            self._forward = forward
        return self._forward.get(original, [])

    def backward(self, observed: str) -> list[Link]:
        """Which originals a spinner could have turned into ``observed``."""
        return [Link(*row) for row in self._backward.get(observed, ())]

    def replacements(self):
        """Every observed string the table can explain."""
        return self._backward.keys()

    def is_replacement(self, observed: str) -> bool:
        return observed in self._backward

    def spinnable(self, original: str) -> bool:
        return original in self._total

    def share(self, link: Link) -> float:
        """q(replacement | original): the link's share of its original's weight."""
        return link.weight / self._total[link.original]

    def __len__(self) -> int:
        return len(self._rows)
