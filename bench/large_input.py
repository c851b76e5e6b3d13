#!/usr/bin/env python3
"""Bounded memory on a very large input: `unspin restore` on a 50 MB file.

Builds a 50 MB text file from spun training news (never eval/), runs `unspin restore` on it
for --seconds, samples the process's RSS once a second, and prints one JSON line: file
size, bytes of output written so far, and RSS at start / peak / end.  Streaming by
paragraph means the peak does not grow with the file (reading it whole would need
several times its size).

    python bench/large_input.py [--megabytes 50] [--seconds 60]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import lines  # noqa: E402


def build(path: Path, megabytes: float) -> None:
    from unspin.simulate import spin

    paragraphs = lines("bbc_news.txt.xz")[:600]
    block = "\n\n".join(spin(p, profile="wordnet", seed=i, rate=0.25).spun for i, p in enumerate(paragraphs))
    data = (block + "\n\n").encode("utf-8")
    with open(path, "wb") as out:
        for _ in range(int(megabytes * 1e6 // len(data)) + 1):
            out.write(data)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--megabytes", type=float, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    folder = HERE / "out"
    folder.mkdir(exist_ok=True)
    source = folder / f"large_{args.megabytes:g}mb.txt"
    if not source.exists():
        build(source, args.megabytes)
    output = folder / "large_restored.txt"
    with open(output, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "unspin.cli", "restore", str(source)], stdout=out)
        samples = []
        start = time.monotonic()
        while time.monotonic() - start < args.seconds and process.poll() is None:
            time.sleep(1)
            samples.append(rss_mb(process.pid))
        process.terminate()
        process.wait()
    print(json.dumps({"input_mb": round(source.stat().st_size / 1e6, 1), "seconds": args.seconds,
                      "output_mb_so_far": round(output.stat().st_size / 1e6, 2),
                      "rss_mb_first": round(samples[0], 1), "rss_mb_peak": round(max(samples), 1),
                      "rss_mb_last": round(samples[-1], 1)}))


if __name__ == "__main__":
    main()
