#!/usr/bin/env python3
"""Build capitals.tsv.gz: when a spinner's capitals are its own, not the original's.

A WordNet spinner that leaves capitalised words alone still writes WordNet's lemmas as WordNet
spells them: "Holocene epoch" for recent, "Department of State" for told, "English hawthorn"
for may.  Restored, those originals took the span's capital ("Recent", "Told" in mid-sentence).
The restorer writes a reading in lower case inside a sentence when both facts hold
(``surface.Capitals``):

* the span is spelled exactly as a WordNet lemma that has capitals (``lemma`` rows: the lemmas
  whose lower-case form the channel table lists as a replacement), and
* every word of the reading is written in lower case most of the time inside a sentence
  (``lower`` rows: counted in the training news and a slice of Wikipedia), so that "Mon" for
  Monday or "Japanese Islands" for Japan (a thesaurus spinner that rewrites names) keeps the
  capital.

Inputs: Debian's wordnet-base (/usr/share/wordnet, its data.* files), the channel table
(src/unspin/data/channel.tsv.gz) and the training corpus (never eval/).

    python scripts/build_capitals.py [--corpus ../shared/corpus] [--wikipedia-words 5000000]
"""

from __future__ import annotations

import argparse
import lzma
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from common import CORPUS, DATA  # noqa: E402  (also puts src/ on the path)
from unspin.data import CALIBRATION_HOLDOUT, update_manifest  # noqa: E402
from unspin.lexicon import Lexicon  # noqa: E402
from unspin.surface import CAPITALS_FILE, CAPITALS_FORMAT  # noqa: E402
from unspin.textio import atomic_gzip_text  # noqa: E402

WORDNET = Path("/usr/share/wordnet")
NEWS = ("abc_news.txt.xz", "wmt_news.txt.xz", "fnc1_news.txt.xz", "bbc_news.txt.xz")
MIN_SEEN = 5  # inside-sentence occurrences before a word's habit counts
LOWER_SHARE = 0.9  # written in lower case at least nine times in ten inside a sentence ("may": 0.83, the month)
WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
OPENERS = set(".!?:;\"'()[]{}\u201c\u201d\u2018\u2019\u00ab\u00bb-\u2013\u2014")


def wordnet_capitalised(folder: Path = WORDNET) -> set[str]:
    """Every WordNet 3.0 lemma spelled with a capital, words joined by spaces."""
    found = set()
    for pos in ("noun", "verb", "adj", "adv"):
        with open(folder / f"data.{pos}", encoding="latin-1") as handle:
            for line in handle:
                if line.startswith("  "):  # the licence header
                    continue
                fields = line.split()
                for k in range(int(fields[3], 16)):
                    lemma = re.sub(r"\([a-z]+\)$", "", fields[4 + 2 * k]).replace("_", " ")
                    if lemma != lemma.lower():
                        found.add(lemma)
    return found


def corpus_lines(corpus: Path, wikipedia_words: int):
    for name in NEWS:
        with lzma.open(corpus / name, "rt", encoding="utf-8") as handle:
            lines = handle.read().splitlines()
        if name == "bbc_news.txt.xz":
            lines = lines[: len(lines) - CALIBRATION_HOLDOUT]
        yield from lines
    words = 0
    with lzma.open(corpus / "wikipedia_en.txt.xz", "rt", encoding="utf-8") as handle:
        for line in handle:
            yield line
            words += line.count(" ") + 1
            if words >= wikipedia_words:
                break


def inside_counts(lines, wanted: set[str]) -> tuple[Counter, Counter]:
    """(lower-case, capitalised) occurrences of the ``wanted`` words inside a sentence: a word
    before them on the line and no sentence or quotation mark between."""
    lower, capital = Counter(), Counter()
    for line in lines:
        end = None
        for match in WORD.finditer(line):
            word = match.group()
            inside = end is not None and not (set(line[end : match.start()]) & OPENERS)
            end = match.end()
            key = word.lower()
            if inside and key in wanted:
                (lower if word[0].islower() else capital)[key] += 1
    return lower, capital


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--wikipedia-words", type=int, default=5_000_000)
    parser.add_argument("--out", type=Path, default=DATA / CAPITALS_FILE)
    args = parser.parse_args()

    lexicon = Lexicon.load(DATA / "channel.tsv.gz")
    replacements = set(lexicon.replacements())
    lemmas = sorted(lemma for lemma in wordnet_capitalised() if lemma.lower() in replacements)
    originals = {word for original in lexicon.originals() for word in original.split()}
    lower, capital = inside_counts(corpus_lines(args.corpus, args.wikipedia_words), originals)
    seen = {word: lower[word] + capital[word] for word in originals}
    usual = sorted(word for word in originals if seen[word] >= MIN_SEEN and lower[word] >= LOWER_SHARE * seen[word])
    with atomic_gzip_text(args.out) as sink:  # the same inputs give the same bytes (and checksum)
        sink.write(f"# {CAPITALS_FORMAT}\tkind\ttext\n")
        sink.writelines(f"lemma\t{lemma}\n" for lemma in lemmas)
        sink.writelines(f"lower\t{word}\n" for word in usual)
    update_manifest(args.out.parent, args.out.name, {
        "built_by": "scripts/build_capitals.py",
        "format": CAPITALS_FORMAT,
        "lemmas": len(lemmas),
        "lower": len(usual),
        "used_by": "unspin.surface.Capitals (how a reading is written; never what is read)",
        "licence": "WordNet 3.0 licence (Princeton, permissive); word lists only from the corpus files "
                   "(see ../shared/corpus/MANIFEST.md)",
        "source": f"WordNet 3.0 lemmas spelled with capitals ({len(lemmas)} of the channel's replacements); "
                  f"words written in lower case >= {LOWER_SHARE:.0%} of {MIN_SEEN}+ times inside a sentence "
                  f"({len(usual)} of the channel's originals) in {', '.join(NEWS)} (bbc_news less its last "
                  f"{CALIBRATION_HOLDOUT} lines) and the first {args.wikipedia_words:,} words of wikipedia_en",
        "fitted_on": "training corpus only (never eval/)",
    })
    print(f"{args.out}: {len(lemmas)} lemmas, {len(usual)} lower-case words")


if __name__ == "__main__":
    main()
