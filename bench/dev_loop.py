#!/usr/bin/env python3
"""Benchmark-shaped development loop (news_dev only): each paragraph its own document,
spinner seed 0 (as bench/run_benchmarks.py; see SEEDS), but over paragraphs [FROM, TO) so that more
than the benchmark's 200 can be used to cut the noise.  Settings from the environment
(THR, CAND, BEAM, MODEL; SEEDS=0,1,2 spins every paragraph once per seed, one spinner
dictionary each; WORST=N lists the N commonest errors).  Prints P / R / F0.5 per profile and clean false edits.

    python bench/dev_loop.py [FROM] [TO] [profiles, comma-separated] [rate]
"""
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import SEED, paragraphs  # noqa: E402  (also puts src/ on the path)

from unspin.evaluate import evaluate, words  # noqa: E402
from unspin.restorer import Restorer  # noqa: E402
from unspin.simulate import spin  # noqa: E402

SEEDS = [int(seed) for seed in os.environ.get("SEEDS", str(SEED)).split(",")]
ENV = {"THR": ("threshold", float), "CAND": ("max_candidates", int), "BEAM": ("beam_size", int)}


def main() -> None:
    start = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    stop = int(sys.argv[2]) if len(sys.argv) > 2 else 600
    profiles = sys.argv[3].split(",") if len(sys.argv) > 3 else ["wordnet"]
    rate = float(sys.argv[4]) if len(sys.argv) > 4 else 0.25
    texts = paragraphs("dev", stop)[start:]
    settings = {name: cast(os.environ[key]) for key, (name, cast) in ENV.items() if key in os.environ}
    restorer = Restorer(os.environ.get("MODEL"), **settings)
    restorer.restore("warm up")
    for profile in profiles:
        if profile == "clean":
            restored = [restorer.restore(t) for t in texts]
            edits = sum(len(r.edits) for r in restored)
            count = sum(len(words(t)) for t in texts)
            print(f"clean: {edits} false edits, {1000 * edits / count:.2f} per 1,000 words", flush=True)
            continue
        golds = [spin(text, profile, seed, rate) for seed in SEEDS for text in texts]
        began = time.perf_counter()
        restored = [restorer.restore(g.spun) for g in golds]
        seconds = time.perf_counter() - began
        report = evaluate(golds, restored, (), seconds, int(os.environ.get("WORST", "0")))
        print(f"{profile} {rate}: P {report['precision']:.4f} R {report['recall']:.4f} "
              f"F0.5 {report['f05']:.4f} ({report['words_per_second']:.0f} words/s)", flush=True)
        for row in report.get("worst", ()):
            print(" ", row)


if __name__ == "__main__":
    main()
