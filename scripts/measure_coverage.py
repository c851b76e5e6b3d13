#!/usr/bin/env python3
"""Measure each independent family's COVERAGE: the share of word tokens it changes when it
spins every type it can (rate 1.0), on the first 600 paragraphs of bbc_news.txt.xz (a
training file; never eval/).  rate / COVERAGE is then the per-type spin probability.

For the families with a capitalisation habit it also prints what spinning every
capitalised word adds (COVERAGE_CAPITALISED), and then checks the realised rate at 0.25.

    python scripts/measure_coverage.py [--paragraphs 600] [--model src/unspin/data]
"""

from __future__ import annotations

import argparse
import lzma
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from common import CORPUS, DATA  # noqa: E402  (also puts src/ on the path)
from unspin.registry import families  # noqa: E402
from unspin.simulate import SpunText, changed_word_share, render  # noqa: E402
from unspin.tokenize import tokenize  # noqa: E402


def share(name: str, documents, resources, seed: int, rate: float, **habits) -> float:
    family = families.get(name)
    spun = []
    for document in documents:
        text, edits = render(document, family.plan(document, resources, seed, rate, **habits))
        spun.append(SpunText(document.text, text, name, seed, rate, edits))
    return changed_word_share(spun)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=CORPUS / "bbc_news.txt.xz")
    parser.add_argument("--paragraphs", type=int, default=600)
    parser.add_argument("--model", type=Path, default=DATA)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    with lzma.open(args.corpus, "rt", encoding="utf-8") as handle:
        lines = [line.rstrip("\n") for _, line in zip(range(args.paragraphs), handle)]
    documents = [tokenize(line) for line in lines if line.strip()]
    for name in ("wordnet-walk", "thesaurus-b", "mixed"):
        resources = families.get(name).load(args.model)
        seeds = range(args.seeds)
        if name == "mixed":
            full = sum(share(name, documents, resources, s, 1.0, spread=(1.0, 1.0)) for s in seeds)
            print(f"{name}: COVERAGE {full / len(seeds):.3f}")
        else:
            lower = sum(share(name, documents, resources, s, 1.0, capitalised=0.0) for s in seeds)
            every = sum(share(name, documents, resources, s, 1.0, capitalised=1.0) for s in seeds)
            print(f"{name}: COVERAGE {lower / len(seeds):.3f}  "
                  f"COVERAGE_CAPITALISED {(every - lower) / len(seeds):.3f}")
        realised = [share(name, documents, resources, s, 0.25) for s in seeds]
        print(f"  at rate 0.25 (default habits), seeds 0-{args.seeds - 1}: "
              + ", ".join(f"{r:.3f}" for r in realised))


if __name__ == "__main__":
    main()
