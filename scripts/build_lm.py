#!/usr/bin/env python3
"""Build the KenLM models: the calibration model and the one that ships in src/unspin/data/.

Inputs: ../shared/corpus (never eval/).  Sources marked non-commercial or research-only
(brown, reuters21578) are left out.  News is counted three times (BBC News, the genre
of the evaluation, ``--bbc-times``) so that the model leans towards the news register.

Two builds (see README "How models are built"):

    # 1. the calibration model: the last 2,000 bbc_news lines held out for
    #    scripts/calibrate.py; also writes unigrams.tsv (shipped)
    python scripts/build_lm.py --kenlm-bin BIN --out build/calibration-model
    # 2. the shipped model: every bbc_news line, counted 6 times
    python scripts/build_lm.py --kenlm-bin BIN --holdout 0 --bbc-times 6 --lm-only

Writes lm.binary (and unigrams.tsv unless --lm-only) and their entries in MANIFEST.json.
"""

from __future__ import annotations

import argparse
import collections
import lzma
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from common import CORPUS, DATA  # noqa: E402  (also puts src/ on the path)
from unspin.data import CALIBRATION_HOLDOUT as HOLDOUT  # noqa: E402
from unspin.data import update_manifest  # noqa: E402
from unspin.textio import atomic_path  # noqa: E402
from unspin.tokenize import lm_words  # noqa: E402

# (file, licence, times counted, max words taken)
SOURCES = [
    ("bbc_news.txt.xz", "research corpus; copyright BBC", 3, None),
    ("abc_news.txt.xz", "no licence stated (NLTK data, research/teaching)", 3, None),
    ("wmt_news.txt.xz", "WMT research test sets", 3, None),
    ("fnc1_news.txt.xz", "research data set", 3, None),
    ("wikipedia_en.txt.xz", "CC BY-SA 3.0", 1, 25_000_000),
    ("gutenberg_books.txt.xz", "public domain (US)", 1, 8_000_000),
    ("openstax_textbooks.txt.xz", "CC BY 4.0", 1, None),
    ("imdb_reviews.txt.xz", "research corpus; no explicit licence", 1, 4_000_000),
    ("masc_written.txt.xz", "MASC: research and commercial use", 1, None),
    ("us_speeches.txt.xz", "public domain", 1, None),
]
EXCLUDED = {
    "brown.txt.xz": "non-commercial licence",
    "reuters21578.txt.xz": "research use only",
}


def corpus_lines(corpus: Path, holdout: int = HOLDOUT, bbc_times: int | None = None):
    """Yield (source, line) of every training line, holdout removed, news repeated."""
    for name, _licence, times, max_words in SOURCES:
        with lzma.open(corpus / name, "rt", encoding="utf-8") as handle:
            lines = handle.read().splitlines()
        if name == "bbc_news.txt.xz":
            lines = lines[: len(lines) - holdout]
        for _ in range(counted(name, times, bbc_times)):
            words = 0
            for line in lines:
                yield name, line
                words += line.count(" ") + 1
                if max_words and words >= max_words:
                    break


def counted(name: str, times: int, bbc_times: int | None) -> int:
    """How many times a source is counted (``--bbc-times`` overrides bbc_news)."""
    return (bbc_times or times) if name == "bbc_news.txt.xz" else times


def write_corpus(corpus: Path, sink, counts: collections.Counter, sizes: dict, holdout: int,
                 bbc_times: int | None) -> None:
    for name, line in corpus_lines(corpus, holdout, bbc_times):
        words = lm_words(line)
        if not words:
            continue
        counts.update(words)
        sizes[name] = sizes.get(name, 0) + len(words)
        sink.write(" ".join(words) + "\n")
    sink.close()


def write_unigrams(path: Path, counts: collections.Counter) -> None:
    with atomic_path(path) as partial, open(partial, "w", encoding="utf-8") as handle:
        handle.write("# unspin.unigrams/1\tword\tcount\n")
        for word, count in counts.most_common(120_000):
            handle.write(f"{word}\t{count}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--kenlm-bin", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=DATA)
    parser.add_argument("--order", type=int, default=5)
    parser.add_argument("--prune", default="0 1 1 2 2")
    parser.add_argument("--memory", default="8G")
    parser.add_argument("--holdout", type=int, default=HOLDOUT, help="last bbc_news lines left out")
    parser.add_argument("--bbc-times", type=int, default=None, help="times bbc_news is counted")
    parser.add_argument("--lm-only", action="store_true", help="write lm.binary only, not unigrams.tsv")
    args = parser.parse_args()

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        arpa = Path(tmp) / "lm.arpa"
        lmplz = subprocess.Popen(
            [str(args.kenlm_bin / "lmplz"), "-o", str(args.order), "--prune", *args.prune.split(),
             "-S", args.memory, "-T", tmp, "--discount_fallback", "--arpa", str(arpa)],
            stdin=subprocess.PIPE, text=True, encoding="utf-8",
        )
        counts: collections.Counter = collections.Counter()
        sizes: dict = {}
        writer = threading.Thread(target=write_corpus, args=(args.corpus, lmplz.stdin, counts, sizes,
                                                                 args.holdout, args.bbc_times))
        writer.start()
        writer.join()
        if not args.lm_only:
            write_unigrams(args.out / "unigrams.tsv", counts)
        if lmplz.wait() != 0:
            raise SystemExit("lmplz failed")
        with atomic_path(args.out / "lm.binary") as partial:
            subprocess.run([str(args.kenlm_bin / "build_binary"), "-q", "8", "-b", "8", "-a", "64", "trie",
                            str(arpa), str(partial)], check=True)

    sources = [
        {"file": name, "licence": licence,
         "times": counted(name, times, args.bbc_times), "words": sizes.get(name, 0)}
        for name, licence, times, _ in SOURCES
    ]
    common = {"sources": sources, "excluded": EXCLUDED, "holdout": f"last {args.holdout} lines of bbc_news",
              "bbc_times": counted("bbc_news.txt.xz", 3, args.bbc_times),
              "built_by": "scripts/build_lm.py"}
    update_manifest(args.out, "lm.binary", {**common, "format": "kenlm-trie-q8",
                                            "order": args.order, "prune": args.prune})
    if not args.lm_only:
        update_manifest(args.out, "unigrams.tsv", {**common, "format": "unspin.unigrams/1"})


if __name__ == "__main__":
    main()
