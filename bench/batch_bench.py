"""Throughput and memory of ``unspin batch``: local pool and Ray, 1 and 2 workers.

    python bench/batch_bench.py                      # bundled model, 20 MB corpus, 2 MB slice
    python bench/batch_bench.py --model tests/fixtures/tiny_model --size-mb 2 --slice-mb 0.2

Builds (once, cached under bench/out/batch/) at least ``--size-mb`` of spun news: paragraphs
of the *training* news files in the shared corpus (never eval/; see bench/common.py), grouped into documents of
``--paragraphs`` paragraphs and spun with ``unspin.simulate.spin`` (wordnet profile).  Then
runs ``run_batch`` on a ``--slice-mb`` slice for each engine and worker count, and prints one
JSON summary: documents/s and words/s (wall, and steady = without start-up), speed-up of 2
workers over 1, peak PSS per worker (from /proc/PID/smaps_rollup), the driver's own ceiling
(the same run with a restorer that does nothing), and a projection to 100 Ray workers.
"""

from __future__ import annotations

import argparse
import glob
import gzip
import json
import lzma
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import CORPUS, SRC  # noqa: E402


class NullRestorer:
    """Returns every document unchanged: measures reading, IPC and writing only."""

    def __init__(self, model=None, **settings):
        self.signature = "null"

    def restore(self, text):
        from unspin.types import Restoration

        return Restoration(text, text, (), 0.0, self.signature)


def build_corpus(path: Path, size_mb: float, paragraphs: int, model: str | None) -> None:
    from unspin.simulate import resources_for, spin
    from unspin.textio import atomic_path

    resources = resources_for("wordnet", model)
    files = sorted(glob.glob(str(CORPUS / "*news*.txt.xz")))  # eval/ is a subfolder: not matched
    target = int(size_mb * 1_000_000)
    written, number = 0, 0
    with atomic_path(path) as partial, gzip.open(partial, "wt", encoding="utf-8") as out:
        sources = [(Path(f).name, lzma.open(f, "rt", encoding="utf-8")) for f in files]
        while written < target and sources:
            for name, handle in list(sources):  # round robin over the news sources
                group = [line.strip() for _, line in zip(range(paragraphs), handle) if line.strip()]
                if not group:
                    sources.remove((name, handle))
                    continue
                original = "\n\n".join(group)
                spun = spin(original, seed=number, resources=resources)
                out.write(json.dumps({"id": number, "source": name, "text": spun.spun,
                                      "gold_edits": len(spun.edits)}, ensure_ascii=False) + "\n")
                written += len(spun.spun.encode("utf-8"))
                number += 1


def take_slice(corpus: Path, path: Path, size_mb: float) -> int:
    target, size, count = int(size_mb * 1_000_000), 0, 0
    with gzip.open(corpus, "rt", encoding="utf-8") as source, open(path, "w", encoding="utf-8") as out:
        for line in source:
            if size >= target:
                break
            out.write(line)
            size += len(json.loads(line)["text"].encode("utf-8"))
            count += 1
    return count


def measure(source: Path, out: Path, engine: str, workers: int, model, factory: str, shard_size: int = 25) -> dict:
    from unspin.batch import DEFAULT_FACTORY, run_batch

    factory = factory or DEFAULT_FACTORY
    one = out.parent / f"one-{engine}-{workers}.jsonl"
    with open(source, encoding="utf-8") as handle:
        one.write_text(handle.readline(), encoding="utf-8")
    start = time.monotonic()  # start-up: pool or Ray, plus one model load per worker
    run_batch(one, out.parent / f"one-out-{engine}-{workers}.jsonl", engine, workers, model=model,
              progress=False, factory=factory)
    startup = time.monotonic() - start
    summary = run_batch(source, out, engine, workers, model=model, shard_size=shard_size, progress=False,
                        factory=factory)
    first_s, first_docs, first_words = summary["first_shard"] or (0.0, 0, 0)
    steady = max(summary["seconds"] - first_s, 1e-9)  # after the first shard: pool and models are up
    pss = list(summary["worker_pss_kb"].values())
    return {"engine": engine, "workers": workers, "documents": summary["documents"], "words": summary["words"],
            "seconds": summary["seconds"], "startup_s": round(startup, 2),
            "docs_per_s": summary["docs_per_second"], "words_per_s": summary["words_per_second"],
            "steady_docs_per_s": round((summary["documents"] - first_docs) / steady, 2),
            "steady_words_per_s": round((summary["words"] - first_words) / steady, 1),
            "spun_share": round(summary["spun"] / max(summary["documents"], 1), 3),
            "worker_pss_mb_max": round(max(pss) / 1024, 1) if pss else None,
            "worker_pss_mb": [round(p / 1024, 1) for p in pss]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=None)
    parser.add_argument("--size-mb", type=float, default=20.0)
    parser.add_argument("--slice-mb", type=float, default=2.0)
    parser.add_argument("--paragraphs", type=int, default=6)
    parser.add_argument("--engines", default="local,ray")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--out", default=str(HERE / "out" / "batch"))
    args = parser.parse_args()
    os.environ["PYTHONPATH"] = os.pathsep.join([str(SRC), str(HERE), os.environ.get("PYTHONPATH", "")])

    folder = Path(args.out)
    folder.mkdir(parents=True, exist_ok=True)
    corpus = folder / f"news_spun_{args.size_mb:g}mb.jsonl.gz"
    start = time.monotonic()
    if not corpus.exists():
        build_corpus(corpus, args.size_mb, args.paragraphs, args.model)
    build_s = time.monotonic() - start
    piece = folder / f"slice_{args.slice_mb:g}mb.jsonl"
    slice_docs = take_slice(corpus, piece, args.slice_mb)

    runs = []
    for engine in args.engines.split(","):
        for workers in (int(w) for w in args.workers.split(",")):
            runs.append(measure(piece, folder / f"out-{engine}-{workers}.jsonl", engine, workers, args.model, ""))
            print(json.dumps(runs[-1]), file=sys.stderr)
    ceiling = measure(piece, folder / "out-null.jsonl", "local", 2, args.model, "batch_bench:NullRestorer")

    def rate(engine, workers, key="steady_docs_per_s"):
        return next((r[key] for r in runs if r["engine"] == engine and r["workers"] == workers), None)

    speedups = {e: round(rate(e, 2) / rate(e, 1), 2) for e in args.engines.split(",") if rate(e, 1) and rate(e, 2)}
    per_worker = rate("ray", 1) or rate("local", 1)
    words_per_doc = runs[0]["words"] / max(runs[0]["documents"], 1)
    pss = max((r["worker_pss_mb_max"] or 0) for r in runs)
    projection = {
        "workers": 100,
        "per_worker_docs_per_s": per_worker,
        "docs_per_day": round(per_worker * 100 * 86400),
        "words_per_day": round(per_worker * 100 * 86400 * words_per_doc),
        "memory_gb": round(100 * pss / 1024, 1),
        "driver_ceiling_docs_per_s": ceiling["steady_docs_per_s"],
        "limits": ("the driver reads, parses and writes every record in one process: 100 workers need "
                   f"{per_worker * 100:,.0f} docs/s against a measured driver ceiling of "
                   f"~{ceiling['steady_docs_per_s']:,.0f} docs/s (with 2 workers doing nothing); beyond it, "
                   "split the input into several files and run one driver per file, or let actors read "
                   "and write their shards. Memory: ~PSS per worker x workers (the KenLM binary is "
                   "memory-mapped and shared by the workers of one node). Start-up: one model load per "
                   "actor per run."),
    }
    import platform

    print(json.dumps({"corpus": str(corpus), "corpus_gz_mb": round(corpus.stat().st_size / 1e6, 1),
                      "corpus_build_s": round(build_s, 1), "slice_mb": args.slice_mb, "slice_docs": slice_docs,
                      "words_per_doc": round(words_per_doc, 1), "cpus": os.cpu_count(),
                      "python": platform.python_version(), "runs": runs, "speedup_2_over_1": speedups,
                      "driver_ceiling": ceiling, "projection_100_ray_workers": projection}, indent=2))


if __name__ == "__main__":
    main()
