#!/usr/bin/env python3
"""Fit the confidence calibration (src/unspin/data/calibration.json).

Held-in data that the LM never saw: the last 2,000 lines of bbc_news (left out of the
LM by scripts/build_lm.py; never eval/).  They are spun by the simulator (wordnet and
thesaurus profiles at several rates), restored with calibration switched off and no
threshold, and each edit is marked right or wrong against the gold edits.  A Platt
scaling per relation group maps the decoder's posterior to P(edit is right).

    python scripts/calibrate.py [--lines 600]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import lzma
import os
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from unspin.calibration import FORMAT, fit_platt, group  # noqa: E402
from unspin.data import update_manifest  # noqa: E402
from unspin.pipeline import restore_text  # noqa: E402
from unspin.restorer import Restorer  # noqa: E402
from unspin.simulate import spin  # noqa: E402

HOLDOUT = 2000
PROFILES = [("wordnet", 0.1), ("wordnet", 0.25), ("wordnet", 0.4), ("thesaurus", 0.25), ("tortured", 0.25)]


def held_out_lines(corpus: Path, count: int) -> list[str]:
    with lzma.open(corpus / "bbc_news.txt.xz", "rt", encoding="utf-8") as handle:
        lines = handle.read().splitlines()[-HOLDOUT:]
    return lines[:count]


def labelled_edits(restorer: Restorer, lines: list[str], profile: str, rate: float):
    """(raw posterior, right?, relation) for every edit the decoder proposes."""
    settings = dataclasses.replace(restorer.settings, threshold=0.0)
    for seed, start in enumerate(range(0, len(lines), 6)):
        text = "\n".join(lines[start : start + 6])
        gold = spin(text, profile=profile, seed=seed, rate=rate)
        wanted = {(g.spun_start, g.spun_end): g.original.lower() for g in gold.edits}
        result = restore_text(gold.spun, restorer.lm, restorer.table, settings, "")
        for edit in result.edits:
            if edit.relation == "article":
                continue
            right = wanted.get((edit.start, edit.end)) == edit.restored.lower()
            yield edit.confidence, right, edit.relation


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--lines", type=int, default=600)
    parser.add_argument("--out", type=Path, default=ROOT / "src" / "unspin" / "data")
    args = parser.parse_args()

    restorer = Restorer(args.out)
    lines = held_out_lines(args.corpus, args.lines)
    pairs = defaultdict(list)
    for profile, rate in PROFILES:
        for posterior, right, relation in labelled_edits(restorer, lines, profile, rate):
            pairs[group(relation)].append((posterior, right))
            pairs["default"].append((posterior, right))
    groups = {}
    report = {}
    for name, items in sorted(pairs.items()):
        if len(items) < 30 and name != "default":
            continue
        groups[name] = fit_platt(items)
        report[name] = {"edits": len(items), "right": sum(r for _, r in items)}
        print(f"{name:12s} n={len(items):5d} right={report[name]['right'] / len(items):.3f} "
              f"a={groups[name][0]:.3f} b={groups[name][1]:.3f}")
    path = args.out / "calibration.json"
    partial = path.with_suffix(".part")
    partial.write_text(json.dumps({"format": FORMAT, "groups": groups, "counts": report}, indent=2) + "\n")
    os.replace(partial, path)
    update_manifest(args.out, "calibration.json", {
        "format": FORMAT, "built_by": "scripts/calibrate.py",
        "source": f"last {HOLDOUT} lines of bbc_news (held out of the LM), first {args.lines}, "
                  f"spun with {PROFILES}"})


if __name__ == "__main__":
    main()
