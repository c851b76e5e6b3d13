"""What the bench and build scripts share: paths relative to the repository, the benchmark's
spinner seed and rate, and readers of the shared corpus.

The shared corpus is ``../shared/corpus`` beside the repository (where CI puts it), or the
folder in $UNSPIN_CORPUS.  Importing this module puts ``src/`` first on ``sys.path`` so that
a script runs against the checkout it lives in, unless $PYTHONPATH is set (to run the scripts
against another checkout: ``PYTHONPATH=OTHER/src python bench/warm_speed.py``).
"""

from __future__ import annotations

import lzma
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
BENCH = ROOT / "bench"
DATA = SRC / "unspin" / "data"
CORPUS = Path(os.environ.get("UNSPIN_CORPUS") or ROOT.parent / "shared" / "corpus").resolve()
SPLITS = {"dev": "news_dev.txt.xz", "test": "news_test.txt.xz"}  # under CORPUS / "eval"
SEED = 0  # the benchmark's spinner seed: one spinner, one dictionary, for every paragraph
RATE = 0.25  # the benchmark's default spin rate

if not os.environ.get("PYTHONPATH") and str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))


def lines(name: str, corpus: Path | None = None) -> list[str]:
    """Every line of one corpus file (``"bbc_news.txt.xz"``, ``"eval/news_dev.txt.xz"``)."""
    with lzma.open((corpus or CORPUS) / name, "rt", encoding="utf-8") as handle:
        return handle.read().splitlines()


def paragraphs(split: str, limit: int | None = None, corpus: Path | None = None) -> list[str]:
    """The first ``limit`` non-empty paragraphs (lines) of an eval split ("dev" or "test")."""
    found = [line for line in lines(f"eval/{SPLITS[split]}", corpus) if line.strip()]
    return found[:limit]


def documents_of_words(split: str, words: int, count: int, corpus: Path | None = None) -> list[str]:
    """The first ``count`` documents of at least ``words`` words of an eval split: consecutive
    paragraphs joined by newlines (``words`` 1: each paragraph its own document)."""
    found, page, size = [], [], 0
    for line in paragraphs(split, None, corpus):
        page.append(line)
        size += len(line.split())
        if size >= words:
            found.append("\n".join(page))
            page, size = [], 0
            if len(found) == count:
                break
    return found


def paragraphs_of_words(split: str, words: int, corpus: Path | None = None) -> list[str]:
    """The first paragraphs of an eval split adding up to at least ``words`` words."""
    chosen, count = [], 0
    for line in paragraphs(split, None, corpus):
        if count >= words:
            break
        chosen.append(line)
        count += len(line.split())
    return chosen


def clean_gold(text: str):
    """A gold record for clean text: nothing was spun, so every edit is a false edit."""
    from unspin.simulate import SpunText

    return SpunText(text, text, "clean", SEED, 0.0, ())


TRAINING_NEWS = ("wmt_news.txt.xz", "fnc1_news.txt.xz", "abc_news.txt.xz", "bbc_news.txt.xz")


def pages(count: int, names: tuple[str, ...] = TRAINING_NEWS, words: int = 200, skip: int = 0,
          corpus: Path | None = None) -> list[str]:
    """``count`` pages for learning spinner profiles: consecutive non-empty lines of the
    training files ``names`` (in turn), joined by newlines until a page has ``words`` words;
    the first ``skip`` pages are passed over.  Never eval/, and never the last
    CALIBRATION_HOLDOUT lines of bbc_news (scripts/calibrate.py fits on them)."""
    from unspin.data import CALIBRATION_HOLDOUT

    found: list[str] = []
    for name in names:
        if name.startswith("eval/"):
            raise ValueError("pages come from training text, never eval/")
        found_lines = lines(name, corpus)
        if name == "bbc_news.txt.xz":
            found_lines = found_lines[:-CALIBRATION_HOLDOUT]
        page, size = [], 0
        for line in found_lines:
            if not line.strip():
                continue
            page.append(line)
            size += len(line.split())
            if size >= words:
                found.append("\n".join(page))
                page, size = [], 0
                if len(found) >= skip + count:
                    return found[skip:]
    return found[skip:]
