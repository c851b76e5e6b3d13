"""Channel tables: which words a spinner may have replaced, and by what.

The table (``channel.tsv.gz``, built by scripts/build_lexicon.py from WordNet 3.0) holds
rows ``original -> replacement`` with the relation that links them.  The restorer reads
it backwards (what could this observed word have been?), the simulator forwards.  The Moby
thesaurus (``thesaurus.tsv.gz``, scripts/build_thesaurus.py) has the same format; ``merge``
reads several tables as one (the phrase channel reads WordNet and Moby together).
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from unspin import relations
from unspin.data import model_file
from unspin.errors import UnspinError
from unspin.registry import channel_sources

DIGITS_SHARE = 0.9  # a number word's share for its digits (see with_shares)
FORMAT = "# unspin.channel/1"  # one row per line: original, replacement, relation, via
GROUPED = "# unspin.channel/2"  # one line per replacement, its originals grouped, shares precomputed


@dataclass(frozen=True, slots=True)
class Link:
    """One channel row: ``original`` may be written as ``replacement`` through ``relation``.

    ``share`` is q(replacement | original): the row's weight over all rows of its original.
    """

    original: str
    replacement: str
    relation: str
    via: str
    share: float = 0.0

    @property
    def weight(self) -> float:
        return relations.weight(self.relation)


def with_shares(links: list[Link]) -> list[Link]:
    """Fill in each link's share from the relation weights of its original's rows.

    A number word's digits take DIGITS_SHARE of it: a spinner that knows the digits
    writes them ("two" -> "2"), and its other rows (trio, trinity) share the rest.
    """
    total: dict[str, float] = {}
    digits: set[str] = set()
    for link in links:
        if link.relation == "number":
            digits.add(link.original)
        else:
            total[link.original] = total.get(link.original, 0.0) + link.weight
    return [Link(l.original, l.replacement, l.relation, l.via, _share(l, total, l.original in digits))
            for l in links]


def _share(link: Link, total: dict[str, float], has_digits: bool) -> float:
    if link.relation == "number":
        return DIGITS_SHARE if link.original in total else 1.0
    rest = 1.0 - DIGITS_SHARE if has_digits else 1.0
    return rest * link.weight / total[link.original]


def grouped_lines(links: list[Link], digits: int = 6) -> list[str]:
    """The /2 format's body: ``replacement TAB (original TAB relation TAB via TAB share)...``
    (shares to ``digits`` significant digits)."""
    by_replacement: dict[str, list[Link]] = {}
    for link in with_shares(links):
        by_replacement.setdefault(link.replacement, []).append(link)
    return [replacement + "".join(f"\t{l.original}\t{l.relation}\t{l.via}\t{l.share:.{digits}g}" for l in rows)
            for replacement, rows in sorted(by_replacement.items())]


class Lexicon:
    """Backward (observed -> originals) and forward views of the channel table.

    The shipped table is grouped by replacement with shares precomputed, so loading it
    only splits each line once; a line's rows are parsed when it is looked up.
    """

    def __init__(self, links: list[Link] | None = None, name: str = "custom",
                 lines: dict[str, str] | None = None, originals: frozenset[str] | None = None) -> None:
        self.name = name
        if lines is None:
            lines = {line.split("\t", 1)[0]: line for line in grouped_lines(list(links or []))}
            originals = frozenset(l.original for l in links or [])
        self._lines = lines
        self._originals = originals or frozenset()
        self._parsed: dict[str, list[Link]] = {}
        self._ranked: dict[str, list[Link]] = {}
        self._forward: dict[str, list[Link]] | None = None
        self.max_replacement_words = max((key.count(" ") + 1 for key in lines), default=1)

    def __getstate__(self) -> dict:
        """Pickled (for worker processes) without the parsed-row caches."""
        return {**self.__dict__, "_parsed": {}, "_forward": None}

    @classmethod
    def load(cls, path: str | Path) -> "Lexicon":
        path = Path(path)
        if not path.exists():
            raise UnspinError("E001", f"channel table {path} is missing")
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as handle:
            header = handle.readline()
            if header.startswith(FORMAT):
                rows = [line.split("\t") for line in handle.read().splitlines()]
                if any(len(row) != 4 for row in rows):
                    raise UnspinError("E020", f"{path} has a row without four fields")
                return cls([Link(*row) for row in rows], name=path.name)
            if not header.startswith(GROUPED):
                raise UnspinError("E020", f"{path} is not an unspin channel table")
            originals = frozenset(handle.readline().rstrip("\n").split("\t")[1:])
            lines = {line[: line.index("\t")]: line for line in handle.read().splitlines()}
        return cls(name=path.name, lines=lines, originals=originals)

    def backward(self, observed: str) -> list[Link]:
        """Which originals a spinner could have turned into ``observed``."""
        hit = self._parsed.get(observed)
        if hit is None:
            line = self._lines.get(observed)
            hit = [] if line is None else self._parse(line)
            self._parsed[observed] = hit
        return hit

    @staticmethod
    def _parse(line: str) -> list[Link]:
        fields = line.split("\t")
        replacement = fields[0]
        return [Link(fields[i], replacement, fields[i + 1], fields[i + 2], float(fields[i + 3]))
                for i in range(1, len(fields), 4)]

    def ranked_backward(self, observed: str) -> list[Link]:
        """``backward(observed)``, likeliest original first (by share; cached)."""
        hit = self._ranked.get(observed)
        if hit is None:
            hit = self._ranked[observed] = sorted(self.backward(observed), key=lambda link: -link.share)
        return hit

    def forward(self, original: str) -> list[Link]:
        """What a spinner may write for ``original`` (parses the whole table once)."""
        if self._forward is None:
            forward: dict[str, list[Link]] = {}
            for line in self._lines.values():
                for link in self._parse(line):
                    forward.setdefault(link.original, []).append(link)
            self._forward = forward
        return self._forward.get(original, [])

    def replacements(self):
        """Every observed string the table can explain."""
        return self._lines.keys()

    def is_replacement(self, observed: str) -> bool:
        return observed in self._lines

    def spinnable(self, original: str) -> bool:
        return original in self._originals

    def originals(self) -> frozenset[str]:
        """Every original the table can spin (words and phrases)."""
        return self._originals

    def share(self, link: Link) -> float:
        """q(replacement | original)."""
        return link.share

    def links(self) -> list[Link]:
        return [link for line in self._lines.values() for link in self._parse(line)]

    def __len__(self) -> int:
        return sum(line.count("\t") // 4 for line in self._lines.values())


class MergedLexicon(Lexicon):
    """Several channel tables read as one (see ``merge``); rows are combined on lookup."""

    def __init__(self, parts: Sequence[Lexicon], weights: Sequence[float], name: str | None = None) -> None:
        if len(parts) != len(weights) or not parts:
            raise UnspinError("E030", "merge needs at least one channel table and one weight per table")
        self.parts = tuple(parts)
        self.weights = tuple(float(w) for w in weights)
        self.name = name or "+".join(part.name for part in parts)
        self._parsed: dict[str, list[Link]] = {}
        self._ranked: dict[str, list[Link]] = {}
        self._forward: dict[str, list[Link]] = {}
        self._replacements: frozenset[str] | None = None
        self.max_replacement_words = max(part.max_replacement_words for part in parts)

    def __getstate__(self) -> dict:
        """Pickled without the combined-row caches (the parts drop their own)."""
        return {**self.__dict__, "_parsed": {}, "_ranked": {}, "_forward": {}, "_replacements": None}

    def _mass(self, original: str) -> float:
        return sum(w for part, w in zip(self.parts, self.weights) if part.spinnable(original))

    def _combined(self, found: list[tuple[Link, float]]) -> list[Link]:
        """One link per (original, replacement): shares add up, the larger part names it."""
        merged: dict[tuple[str, str], tuple[Link, float, float]] = {}
        for link, weight in found:
            share = link.share * weight / (self._mass(link.original) or weight)
            key = (link.original, link.replacement)
            held = merged.get(key)
            if held is None:
                merged[key] = (link, share, share)
            else:
                best, best_share, total = held
                merged[key] = (link, share, total + share) if share > best_share else (best, best_share, total + share)
        return [Link(link.original, link.replacement, link.relation, link.via, total)
                for link, _best, total in merged.values()]

    def backward(self, observed: str) -> list[Link]:
        return self._cached(self._parsed, observed, "backward")

    def forward(self, original: str) -> list[Link]:
        return self._cached(self._forward, original, "forward")

    def _cached(self, cache: dict, key: str, side: str) -> list[Link]:
        """Every part's links on ``side`` ("backward" or "forward") of ``key``, combined once."""
        hit = cache.get(key)
        if hit is None:
            hit = cache[key] = self._combined(
                [(link, w) for part, w in zip(self.parts, self.weights) for link in getattr(part, side)(key)])
        return hit

    def replacements(self):
        if self._replacements is None:
            self._replacements = frozenset().union(*(part.replacements() for part in self.parts))
        return self._replacements

    def is_replacement(self, observed: str) -> bool:
        return any(part.is_replacement(observed) for part in self.parts)

    def spinnable(self, original: str) -> bool:
        return any(part.spinnable(original) for part in self.parts)

    def originals(self) -> frozenset[str]:
        return frozenset().union(*(part.originals() for part in self.parts))

    def links(self) -> list[Link]:
        return [link for observed in sorted(self.replacements()) for link in self.backward(observed)]

    def __len__(self) -> int:
        return len(self.links())


def merge(*parts: Lexicon, weights: Sequence[float] | None = None, name: str | None = None) -> Lexicon:
    """Channel tables (the WordNet channel, the Moby thesaurus) as one lexicon.

    A spinner that meets ``original`` picks a table with probability proportional to its
    weight among the tables that list ``original``, then a row of that table:
    q(r | o) = sum_t w_t q_t(r | o) / sum_t w_t [o in t].  A row in several tables becomes
    one link (shares added; the relation of the table that gives it the most).  Nothing
    is parsed up front: rows are combined when they are looked up.

        lexicon = merge(Lexicon.load(folder / "channel.tsv.gz"), Lexicon.load(folder / "thesaurus.tsv.gz"))
    """
    return MergedLexicon(parts, weights if weights is not None else [1.0] * len(parts), name)


def load_wordnet(folder: Path) -> Lexicon:
    """The model folder's WordNet channel table (channel.tsv.gz, scripts/build_lexicon.py)."""
    return Lexicon.load(model_file(folder, "channel.tsv.gz"))


channel_sources.register("wordnet", load=load_wordnet, files=("channel.tsv.gz",),
                         description="WordNet 3.0 neighbours, number words and phrase rewrites "
                         "(scripts/build_lexicon.py)")



def load_thesaurus(folder: Path) -> Lexicon:
    """The model folder's Moby thesaurus table (thesaurus.tsv.gz, scripts/build_thesaurus.py)."""
    return Lexicon.load(model_file(folder, "thesaurus.tsv.gz"))


channel_sources.register("thesaurus", load=load_thesaurus, files=("thesaurus.tsv.gz",),
                         description="Moby Thesaurus II (relation thesaurus; the phrase channel reads it "
                         "with the WordNet channel, unspin.lexicon.merge)")
