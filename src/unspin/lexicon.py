"""Channel tables: which words a spinner may have replaced, and by what.

The table (``channel.tsv.gz``, built by scripts/build_lexicon.py from WordNet 3.0) holds
rows ``original -> replacement`` with the relation that links them.  The restorer reads
it backwards (what could this observed word have been?), the simulator forwards.
"""

from __future__ import annotations

import gzip
from collections import defaultdict
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
    """Forward and backward views of the channel table, with normalisers per original."""

    def __init__(self, links: list[Link], name: str = "custom") -> None:
        self.name = name
        self._forward: dict[str, list[Link]] = defaultdict(list)
        self._backward: dict[str, list[Link]] = defaultdict(list)
        for link in links:
            self._forward[link.original].append(link)
            self._backward[link.replacement].append(link)
        self._total = {word: sum(link.weight for link in rows) for word, rows in self._forward.items()}
        self.max_replacement_words = max((len(l.replacement.split()) for l in links), default=1)

    @classmethod
    def load(cls, path: str | Path) -> "Lexicon":
        path = Path(path)
        if not path.exists():
            raise UnspinError("E001", f"channel table {path} is missing")
        opener = gzip.open if path.suffix == ".gz" else open
        links = []
        with opener(path, "rt", encoding="utf-8") as handle:
            header = handle.readline()
            if not header.startswith(FORMAT):
                raise UnspinError("E020", f"{path} is not an unspin channel table")
            for line in handle:
                original, replacement, relation, via = line.rstrip("\n").split("\t")
                links.append(Link(original, replacement, relation, via))
        return cls(links, name=path.name)

    def forward(self, original: str) -> list[Link]:
        """What a spinner may write for ``original``."""
        return self._forward.get(original, [])

    def backward(self, observed: str) -> list[Link]:
        """Which originals a spinner could have turned into ``observed``."""
        return self._backward.get(observed, [])

    def is_replacement(self, observed: str) -> bool:
        return observed in self._backward

    def spinnable(self, original: str) -> bool:
        return original in self._forward

    def share(self, link: Link) -> float:
        """q(replacement | original): the link's share of its original's weight."""
        return link.weight / self._total[link.original]

    def __len__(self) -> int:
        return sum(len(rows) for rows in self._forward.values())
