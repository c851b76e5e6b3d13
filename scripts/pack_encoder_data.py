#!/usr/bin/env python3
"""Pack a slice of the training corpus for the encoder (build/encoder-data by default).

The pack is what scripts/train_encoder.py reads, here and on the device machine (whose
working tree travels with a 64 MiB limit and without ../shared): training paragraphs
(xz text: the spinner rewrites text, so ids are made after spinning), validation
paragraphs, the encoder vocabulary, each word's channel readings as ids, word counts,
and the lemminflect wheel the spinner families need (installed offline there).  The
families' files (channel table, unigrams, terms, the independent families' tables) are the
bundled ones in src/unspin/data (they travel with the tree); PACK.json records their
checksums and training refuses others.

Sources: ../shared/corpus training files only (never eval/); Brown (non-commercial) and
Reuters (research only) are left out as for the LM, and so are the last 2,000 BBC lines,
which calibration holds out.  News is taken whole; the larger files are sampled
uniformly (seeded) to a word budget.  Paragraphs are stored source by source (PACK.json
gives each source's first line), so a training config can weight the sources
(``source_weights``: news counts more, as in the LM).

    python scripts/pack_encoder_data.py [--scale 1.0] [--out build/encoder-data]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import lzma
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from unspin.data import CALIBRATION_HOLDOUT  # noqa: E402
from unspin.scorers.neural import Vocabulary  # noqa: E402
from unspin.training.examples import write_pack  # noqa: E402

# (file, licence, word budget at scale 1; None: the whole file)
SOURCES = [
    ("bbc_news.txt.xz", "research corpus; copyright BBC", None),
    ("abc_news.txt.xz", "no licence stated (NLTK data, research/teaching)", None),
    ("wmt_news.txt.xz", "WMT research test sets", None),
    ("fnc1_news.txt.xz", "research data set", None),
    ("wikipedia_en.txt.xz", "CC BY-SA 3.0", 6_000_000),
    ("gutenberg_books.txt.xz", "public domain (US)", 2_500_000),
    ("openstax_textbooks.txt.xz", "CC BY 4.0", 1_500_000),
    ("imdb_reviews.txt.xz", "research corpus (IMDb user content)", 1_000_000),
    ("masc_written.txt.xz", "MASC: research and commercial use", None),
    ("us_speeches.txt.xz", "public domain", None),
]
NEWS = {"bbc_news.txt.xz", "abc_news.txt.xz", "wmt_news.txt.xz", "fnc1_news.txt.xz"}
MIN_WORDS = 6
DEVICE_TREE_LIMIT = 64 * 2**20
LM_FILE = "src/unspin/data/lm.binary"


def sample(path: Path, budget: int | None, scale: float, rng: random.Random) -> list[str]:
    """Lines drawn uniformly (without replacement) up to ``budget * scale`` words (``budget``
    None: the whole file times ``scale``)."""
    with lzma.open(path, "rt", encoding="utf-8") as handle:
        lines = [line.rstrip("\n") for line in handle]
    if path.name == "bbc_news.txt.xz":
        lines = lines[:-CALIBRATION_HOLDOUT]
    lines = [line for line in lines if len(line.split()) >= MIN_WORDS]
    target = (budget if budget is not None else sum(len(line.split()) for line in lines)) * scale
    if budget is None and scale >= 1:
        return lines
    order = list(range(len(lines)))
    rng.shuffle(order)
    chosen, words = [], 0
    for i in order:
        if words >= target:
            break
        chosen.append(i)
        words += len(lines[i].split())
    return [lines[i] for i in sorted(chosen)]


def tree_sizes() -> dict[str, int]:
    """Bytes of each tracked file present on disk (what a device call sends besides carry)."""
    listed = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=True).stdout
    return {name: (ROOT / name).stat().st_size for name in listed.decode().split("\0")
            if name and (ROOT / name).is_file()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "encoder-data")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every word budget (news too)")
    parser.add_argument("--vocab", type=int, default=50_000, help="vocabulary size, specials included")
    parser.add_argument("--readings", type=int, default=40, help="channel readings kept per word")
    parser.add_argument("--validation", type=int, default=400, help="news paragraphs held out for validation")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-wheels", action="store_true", help="do not download the lemminflect wheel")
    args = parser.parse_args()
    if "eval" in args.corpus.resolve().parts:
        raise SystemExit("the encoder never trains on eval/")

    rng = random.Random(args.seed)
    by_source = {name: sample(args.corpus / name, budget, args.scale, rng) for name, _licence, budget in SOURCES}
    news = [(name, i) for name in by_source if name in NEWS for i in range(len(by_source[name]))]
    held = set(rng.sample(news, min(args.validation, len(news))))
    validation = [by_source[name][i] for name, i in sorted(held)]
    train, sources = [], []
    for name, licence, _budget in SOURCES:  # source by source: PACK.json gives each one's line range
        lines = [line for i, line in enumerate(by_source[name]) if (name, i) not in held]
        sources.append({"file": name, "licence": licence, "paragraphs": len(lines), "first_line": len(train),
                        "words": sum(len(line.split()) for line in lines)})
        train.extend(lines)
        print(f"{name}: {len(lines):,} paragraphs, {sources[-1]['words']:,} words", flush=True)
    spinner = ROOT / "src" / "unspin" / "data"
    vocabulary = Vocabulary.from_unigrams(spinner / "unigrams.tsv", args.vocab)
    info = {"built_by": "scripts/pack_encoder_data.py", "sources": sources, "scale": args.scale, "seed": args.seed,
            "words": sum(len(l.split()) for l in train), "held_out": f"last {CALIBRATION_HOLDOUT} lines of "
            "bbc_news (calibration); Brown and Reuters (licences); eval/ (never read)",
            "validation": f"{args.validation} news paragraphs drawn from the sources above"}
    pack = write_pack(args.out, train, validation, vocabulary, spinner, args.readings, info)
    if not args.no_wheels:
        version = importlib.metadata.version("lemminflect")
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:",
                        f"lemminflect=={version}", "-d", str(args.out / "wheels")], check=True)
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    tree = tree_sizes()
    lm = tree.get(LM_FILE, 0)
    print(f"pack {args.out}: {pack['train_paragraphs']:,} training paragraphs, {info['words']:,} words, "
          f"{size / 2**20:.1f} MiB; with the tracked files on disk {(size + sum(tree.values())) / 2**20:.1f} MiB, "
          f"without {LM_FILE} (the device never reads it) {(size + sum(tree.values()) - lm) / 2**20:.1f} MiB, "
          f"of a device call's {DEVICE_TREE_LIMIT / 2**20:.0f} MiB")
    if size + sum(tree.values()) - lm > DEVICE_TREE_LIMIT:
        print("too large for a device call: pack with a smaller --scale")


if __name__ == "__main__":
    main()
