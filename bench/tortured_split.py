"""The one split of ../shared/tortured/train.tsv into a fit part and a dev part.

Rows are split by their expected term (lowercased), with a stable hash, so every tortured
form of one term falls on the same side: 70% of the terms to fit on, 30% to measure on.
Only ``fit`` rows may be used to choose settings; ``dev`` rows are for bench/phrases_bench.py.

    from tortured_split import rows
    dev = rows("dev")   # [(tortured, expected), ...]
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

TRAIN = Path(__file__).resolve().parent.parent.parent / "shared" / "tortured" / "train.tsv"
DEV_SHARE = 0.30
SALT = "unspin-phrases-1"


def part(expected: str) -> str:
    """"dev" for 30% of the expected terms (stable across runs and machines), else "fit"."""
    key = f"{SALT}\x1f{expected.strip().lower()}".encode("utf-8")
    u = int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big") / 2**64
    return "dev" if u < DEV_SHARE else "fit"


def rows(which: str, path: Path = TRAIN) -> list[tuple[str, str]]:
    """(tortured, expected) rows of one part, in file order."""
    if which not in ("fit", "dev"):
        raise ValueError(f"part must be 'fit' or 'dev', not {which!r}")
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [(row["tortured"], row["expected"]) for row in reader if part(row["expected"]) == which]
