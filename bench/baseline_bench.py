#!/usr/bin/env python3
"""Another unspin on the families benchmark's texts: a baseline (an older commit, say) scored
on exactly the spun texts of bench/families_bench.py, so that the two can be compared even when
the older code has no spinner families of its own.

Three steps, each run with the unspin it needs on PYTHONPATH:

    # 1. spin the benchmark's texts with this checkout's families (gold JSON lines)
    python bench/baseline_bench.py spin --out build/baseline/golds
    # 2. restore them with the baseline (any unspin with Restorer and schema.restoration_to_dict)
    PYTHONPATH=/path/to/old/src python bench/baseline_bench.py restore \\
        --golds build/baseline/golds --out build/baseline/restored
    # 3. score with this checkout's judge; writes bench/baseline.json
    python bench/baseline_bench.py score --golds build/baseline/golds \\
        --restored build/baseline/restored --name "main 9bf8d81"

Scores as bench/families_bench.py (per edit, per site, paired-bootstrap 95% intervals over
documents, false edits per 1,000 unspun words).  Step 2 imports nothing of this checkout.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "baseline.json"


def spin_golds(args) -> None:
    sys.path.insert(0, str(HERE))
    from common import RATE, SEED, paragraphs  # puts this checkout's src/ on the path

    from unspin.registry import families
    from unspin.simulate import spin

    texts = paragraphs(args.split, args.paragraphs)
    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.families.split(",") if args.families else families.names():
        lines = [json.dumps(spin(text, name, SEED, RATE).to_dict()) for text in texts]
        (args.out / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (args.out / "about.json").write_text(json.dumps({"split": args.split, "paragraphs": len(texts),
                                                     "rate": RATE, "seed": SEED}), encoding="utf-8")


def restore_golds(args) -> None:
    from unspin.restorer import Restorer  # whichever unspin is on PYTHONPATH
    from unspin.schema import restoration_to_dict

    restorer = Restorer()
    args.out.mkdir(parents=True, exist_ok=True)
    for path in sorted(args.golds.glob("*.jsonl")):
        golds = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
        restored = [json.dumps(restoration_to_dict(restorer.restore(g["spun"]))) for g in golds]
        (args.out / path.name).write_text("\n".join(restored) + "\n", encoding="utf-8")
    (args.out / "signature.txt").write_text(restorer.signature + "\n", encoding="utf-8")


def score(args) -> None:
    sys.path.insert(0, str(HERE))
    import common  # noqa: F401  (puts this checkout's src/ on the path)
    from families_bench import scores

    from unspin.schema import restoration_from_dict
    from unspin.simulate import SpunText
    from unspin.textio import write_atomic

    about = json.loads((args.golds / "about.json").read_text(encoding="utf-8"))
    result = {"command": "python " + shlex.join(["bench/baseline_bench.py"] + sys.argv[1:]), "name": args.name,
              "signature": (args.restored / "signature.txt").read_text(encoding="utf-8").strip(), **about,
              "families": {}}
    for path in sorted(args.golds.glob("*.jsonl")):
        golds = [SpunText.from_dict(json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line]
        restored = [restoration_from_dict(json.loads(line)) for line in
                    (args.restored / path.name).read_text(encoding="utf-8").splitlines() if line]
        row = scores(golds, restored)
        result["families"][path.stem] = row
        print(f"{path.stem:>14}: per edit F0.5 {row['per_edit']['f05']:.3f} {row['per_edit']['f05_interval']}; "
              f"per site {row['per_site']['f05']:.3f}; false/1k unspun {row['false_per_1000_unspun']}")
    write_atomic(RESULTS, json.dumps(result, indent=2) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    steps = parser.add_subparsers(dest="step", required=True)
    spin = steps.add_parser("spin", help="write the benchmark's gold spun texts")
    spin.add_argument("--out", type=Path, required=True)
    spin.add_argument("--split", choices=("dev", "test"), default="test")
    spin.add_argument("--paragraphs", type=int, default=200)
    spin.add_argument("--families", default="", help="comma-separated (default: every registered family)")
    restore = steps.add_parser("restore", help="restore gold texts with the unspin on PYTHONPATH")
    restore.add_argument("--golds", type=Path, required=True)
    restore.add_argument("--out", type=Path, required=True)
    judge = steps.add_parser("score", help="score restorations against their golds (bench/baseline.json)")
    judge.add_argument("--golds", type=Path, required=True)
    judge.add_argument("--restored", type=Path, required=True)
    judge.add_argument("--name", required=True, help="what the baseline is (e.g. a commit)")
    args = parser.parse_args()
    {"spin": spin_golds, "restore": restore_golds, "score": score}[args.step](args)


if __name__ == "__main__":
    main()
