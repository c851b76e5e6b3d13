#!/usr/bin/env python3
"""Corpus mode against one document at a time, on the same spun paragraphs.

The first --paragraphs paragraphs of each eval split are spun with one spinner seed for
all of them (as bench/run_benchmarks.py does: one spinner, one dictionary, for a whole
crawl), and each paragraph is restored as its own document twice: alone, and in corpus
mode (``Restorer.restore_many(texts, corpus=True)``: a first pass gathers what every
paragraph says about each observed word; where the crawl does not read as one spinner's,
``Agreement.check``, each paragraph is restored alone, and the row says so).  Clean paragraphs
are restored the same two ways for false edits.  Writes bench/corpus.json, rendered into BENCHMARKS.md.

    python bench/corpus_bench.py [--paragraphs 200]       # about 10 minutes on 2 cores
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BENCH, RATE, SEED, clean_gold, paragraphs  # noqa: E402
from unspin.evaluate import Counts, evaluate, judge  # noqa: E402
from unspin.registry import families  # noqa: E402
from unspin.restorer import Restorer  # noqa: E402
from unspin.simulate import spin  # noqa: E402
from unspin.textio import write_atomic  # noqa: E402

OUT = BENCH / "corpus.json"


def scored(golds, restorations) -> dict:
    counts = Counts.of(j for g, r in zip(golds, restorations) for j in judge(g, r))
    return {"f05": round(counts.f05, 4), "precision": round(counts.precision, 4), "recall": round(counts.recall, 4)}


def false_edits(texts, restorations) -> float:
    """False edits per 1,000 words of clean text, counted as run_benchmarks counts them."""
    return evaluate([clean_gold(t) for t in texts], restorations, restorations)["clean_false_per_1000"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--paragraphs", type=int, default=200)
    args = parser.parse_args()
    restorer = Restorer()
    restorer.restore("warm up")
    rows = []
    for split in ("dev", "test"):
        texts = paragraphs(split, args.paragraphs)
        for profile in families.names() + ("clean",):
            golds = None if profile == "clean" else [spin(t, profile, SEED, RATE) for t in texts]
            inputs = texts if golds is None else [g.spun for g in golds]
            row = {"split": split, "profile": profile}
            for mode in ("document", "corpus"):
                began = time.perf_counter()
                if mode == "corpus":  # restore_many(inputs, corpus=True), with the crawl's check kept
                    evidence, check = restorer.crawl(inputs)
                    restored = restorer.with_corpus(evidence).restore_many(inputs)
                    row["crawl"] = check.to_dict()
                else:
                    restored = restorer.restore_many(inputs)
                seconds = time.perf_counter() - began
                row[mode] = ({"false_per_1000": false_edits(texts, restored)} if golds is None
                             else scored(golds, restored))
                row[mode]["words_per_second"] = round(sum(len(t.split()) for t in inputs) / seconds, 1)
            rows.append(row)
            print(json.dumps(row), flush=True)
    result = {"command": "python bench/corpus_bench.py" + (f" --paragraphs {args.paragraphs}" if args.paragraphs != 200 else ""),
              "date": datetime.date.today().isoformat(), "paragraphs": args.paragraphs, "seed": SEED,
              "rate": RATE, "signature": restorer.signature, "rows": rows}
    write_atomic(OUT, json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
