#!/usr/bin/env python3
"""Smoke benchmark: a few thousand words of news_dev per profile, checked against floors.

    python bench/smoke.py            # print the measurements and whether they pass floors.json
    python bench/smoke.py --json

tests/test_smoke_benchmark.py runs the same check in CI (it needs ../shared/corpus beside
the repository and the shipped model).  floors.json holds the lowest acceptable F0.5 per
spinner family (every registered family needs one) and the highest acceptable false-edit rate on clean text, set slightly past the
measured values so that only a real regression fails.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BENCH, CORPUS, RATE, SEED, SPLITS, clean_gold, paragraphs_of_words  # noqa: E402
from unspin.evaluate import evaluate, run_restorer  # noqa: E402
from unspin.registry import families  # noqa: E402
from unspin.simulate import spin  # noqa: E402

FLOORS = BENCH / "floors.json"
DEV = SPLITS["dev"]


def measure(folder: Path = CORPUS, words: int = 3000, restorer=None) -> dict:
    """F0.5 per registered spinner family at rate 0.25 (seed 0) and false edits per 1,000 clean words."""
    if restorer is None:
        from unspin.restorer import Restorer

        restorer = Restorer()
    texts = paragraphs_of_words("dev", words, folder)
    clean, _ = run_restorer(restorer, texts)
    clean_report = evaluate([clean_gold(t) for t in texts], clean, clean)
    measured = {"words": clean_report["words"], "clean_false_per_1000": clean_report["clean_false_per_1000"],
                "f05": {}}
    for profile in families.names():
        golds = [spin(text, profile, SEED, RATE) for text in texts]
        restored, _ = run_restorer(restorer, [g.spun for g in golds])
        measured["f05"][profile] = evaluate(golds, restored)["f05"]
    return measured


def regressions(measured: dict, floors: dict) -> list[str]:
    """Human-readable failures; empty when every measurement clears its floor.  A family
    measured without a floor, or a floor for a family not measured, is a failure too."""
    failures = [f"{profile}: no F0.5 floor in bench/floors.json; measure it (python bench/smoke.py) "
                "and add one" for profile in measured["f05"] if profile not in floors["f05"]]
    failures += [f"{profile}: floor in bench/floors.json but not measured (not a registered family?)"
                 for profile in floors["f05"] if profile not in measured["f05"]]
    failures += [f"{profile}: F0.5 {measured['f05'][profile]:.3f} < floor {floor:.3f}"
                 for profile, floor in floors["f05"].items()
                 if profile in measured["f05"] and measured["f05"][profile] < floor]
    ceiling = floors["clean_false_per_1000_max"]
    if measured["clean_false_per_1000"] > ceiling:
        failures.append(f"clean text: {measured['clean_false_per_1000']:.2f} false edits per 1,000 words "
                        f"> ceiling {ceiling:.2f}")
    return failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    floors = json.loads(FLOORS.read_text(encoding="utf-8"))
    measured = measure(CORPUS, floors["words"])
    failures = regressions(measured, floors)
    if args.json:
        print(json.dumps({"measured": measured, "floors": floors, "failures": failures}, indent=2))
    else:
        print(json.dumps(measured))
        print("\n".join(failures) or "all floors pass")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
