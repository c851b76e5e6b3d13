#!/usr/bin/env python3
"""Build the term inventory (src/unspin/data/inventory.tsv.gz): established multi-word terms
and strong collocations of 2-4 words, mined from ../shared/corpus training files.

The phrase channel (unspin.phrases) restores a tortured phrase ("irregular timberland") to
a term of this inventory ("random forest") whose words are synonyms of the spun words, when
the term is far more established than the spun run.  The inventory is mined from running
text only: no list of tortured phrases is read.

Candidates: runs of 2-4 word tokens inside a line (no punctuation between them) whose first
and last words are content words (a letter first, not in STOPWORDS) and whose inner words
are content words or one of INNER ("state of the art", "signal to noise ratio").

Counting: one streaming pass.  Unigram counts are exact; the n-gram table is pruned in the
manner of lossy counting: whenever it holds more than --max-table entries, the entries
under a floor are dropped (the floor rises until the table is half full).  A kept count
is then low by at most the last floor (recorded in the manifest); terms are kept only well
above it.

Scores, per candidate t = w1..wn with count f over N tokens:
  pmi      log2(f * N^(n-1) / (f(w1) ... f(wn))) / (n - 1): pointwise mutual information in
           bits per link (Church & Hanks 1990), averaged so that lengths compare;
  cvalue   log2(n + 1) * (f - mean count of the longer candidates that contain t) (Frantzi,
           Ananiadou & Mima 2000): a run that only occurs inside a longer term ("neural
           network" inside "convolutional neural network" would not) scores near 0.
Kept: f >= --min-count, pmi >= --min-pmi, cvalue >= --min-cvalue, and the shape of a noun
phrase by lemminflect (a last word that can be a noun, content words before it that can
modify one: "years old", "took heavy" are collocations, not terms); then the --max-terms best
by f * pmi.  Written in alphabetical order (it compresses best).

Sources (lowercased, tokenised as the LM sees text): Wikipedia (CC BY-SA 3.0) without its
held-out tail, OpenStax (CC BY 4.0) without every 50th line (unspin.data.PHRASE_HOLDOUT),
Project Gutenberg (public domain), US speeches (public domain), MASC, and the ABC, WMT and
FNC-1 news files.  Never eval/, never BBC (its last lines fit the calibration), Brown
(non-commercial) or Reuters (research only).

    nice -n 10 python scripts/build_term_inventory.py          # ~10 min, ~4 GB, one core
"""

from __future__ import annotations

import argparse
import functools
import gzip
import lzma
import math
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "scripts"))

from common import CORPUS, DATA  # noqa: E402  (also puts src/ on the path)
from build_terms import STOPWORDS  # noqa: E402
from unspin.data import phrase_held_out, update_manifest  # noqa: E402
from unspin.phrases import INVENTORY, INVENTORY_FORMAT  # noqa: E402
from unspin.tokenize import lm_words  # noqa: E402

# (file, licence)
SOURCES = (
    ("wikipedia_en.txt.xz", "CC BY-SA 3.0"),
    ("openstax_textbooks.txt.xz", "CC BY 4.0"),
    ("gutenberg_books.txt.xz", "public domain (US)"),
    ("us_speeches.txt.xz", "public domain"),
    ("masc_written.txt.xz", "MASC: free for research and commercial development"),
    ("abc_news.txt.xz", "no licence stated (NLTK data, research/teaching)"),
    ("wmt_news.txt.xz", "WMT research test sets"),
    ("fnc1_news.txt.xz", "research data set"),
)
INNER = frozenset("of and to in for on the with by a an per".split())
MAX_WORDS = 4
MAX_WORD_CHARS = 30


def corpus_lines(names, limit: int | None):
    """(file name, tokens) of every line the inventory may read."""
    for name in names:
        with lzma.open(CORPUS / name, "rt", encoding="utf-8") as handle:
            for number, line in enumerate(handle):
                if limit is not None and number >= limit:
                    break
                if not phrase_held_out(name, number):
                    yield name, lm_words(line)


def runs(words: list[str]) -> list[str]:
    """The candidate runs of one line, as space-joined strings."""
    size = len(words)
    content = [w[:1].isalpha() and w not in STOPWORDS and len(w) <= MAX_WORD_CHARS for w in words]
    inner = [c or w in INNER for c, w in zip(content, words)]
    found = []
    for i in range(size):
        if not content[i]:
            continue
        for j in range(i + 1, min(size, i + MAX_WORDS)):
            if not inner[j]:
                break
            if content[j]:
                found.append(" ".join(words[i : j + 1]))
    return found


@functools.lru_cache(maxsize=None)
def _noun(word: str) -> bool:
    from lemminflect import getAllLemmas

    found = getAllLemmas(word)
    return not found or "NOUN" in found or "PROPN" in found


@functools.lru_cache(maxsize=None)
def _modifier(word: str) -> bool:
    """A word that can modify a noun: a noun, an adjective, a participle ("operating
    system", "supervised learning") or a word lemminflect does not know."""
    from lemminflect import getAllLemmas

    found = getAllLemmas(word)
    return (not found or bool({"NOUN", "PROPN", "ADJ"} & set(found)) or word.endswith(("ing", "ed")))


def noun_phrase(term: str) -> bool:
    """Whether the term can be a noun phrase: a last word that can be a noun, content words
    before it that can modify one ("took heavy", "actually occur" are not terms)."""
    words = term.split(" ")
    return _noun(words[-1]) and all(_modifier(w) for w in words[:-1] if w not in INNER)


def prune(table: Counter, limit: int, floor: int) -> int:
    """Drop entries under a rising floor until the table is at most half ``limit``."""
    while len(table) > limit // 2:
        floor += 1
        for key in [key for key, count in table.items() if count < floor]:
            del table[key]
    return floor


def count(names, limit: int | None, max_table: int):
    unigrams: Counter = Counter()
    table: Counter = Counter()
    floor = 0
    words_by_source: Counter = Counter()
    started = time.time()
    for number, (name, words) in enumerate(corpus_lines(names, limit)):
        unigrams.update(words)
        words_by_source[name] += len(words)
        table.update(runs(words))
        if len(table) > max_table:
            floor = prune(table, max_table, floor)
        if number % 200_000 == 0:
            print(f"{number:>9} lines {sum(words_by_source.values()):>11} tokens {len(table):>9} runs "
                  f"floor {floor} {time.time() - started:.0f}s", file=sys.stderr, flush=True)
    return unigrams, table, floor, words_by_source


def score(unigrams: Counter, table: Counter, min_count: int) -> dict[str, tuple[int, float, float]]:
    """term -> (count, pmi bits per link, C-value) for the candidates seen ``min_count`` times."""
    total = sum(unigrams.values())
    frequent = {term: f for term, f in table.items() if f >= min_count}
    # C-value: the longer candidates that contain each candidate (as a contiguous sub-run)
    longer_sum: Counter = Counter()
    longer_n: Counter = Counter()
    for term, f in frequent.items():
        words = term.split(" ")
        seen = set()
        for size in range(2, len(words)):
            for start in range(len(words) - size + 1):
                inner = " ".join(words[start : start + size])
                if inner in frequent and inner not in seen:
                    seen.add(inner)
                    longer_sum[inner] += f
                    longer_n[inner] += 1
    scored = {}
    for term, f in frequent.items():
        words = term.split(" ")
        n = len(words)
        log_expected = sum(math.log2(unigrams[w] / total) for w in words)
        pmi = (math.log2(f / total) - log_expected) / (n - 1)
        nested = longer_sum[term] / longer_n[term] if longer_n[term] else 0.0
        scored[term] = (f, pmi, math.log2(n + 1) * (f - nested))
    return scored


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DATA)
    parser.add_argument("--lines", type=int, default=None, help="lines read from each source (default: all)")
    parser.add_argument("--sources", nargs="*", default=[name for name, _ in SOURCES])
    parser.add_argument("--max-table", type=int, default=40_000_000, help="n-gram table size that triggers pruning")
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--min-pmi", type=float, default=2.0, help="bits per link")
    parser.add_argument("--min-cvalue", type=float, default=0.0)
    parser.add_argument("--max-terms", type=int, default=600_000)
    args = parser.parse_args()

    unigrams, table, floor, words_by_source = count(args.sources, args.lines, args.max_table)
    if floor >= args.min_count:
        sys.exit(f"the pruning floor ({floor}) reached --min-count: raise --max-table")
    scored = score(unigrams, table, args.min_count)
    del table
    kept = [(term, f, pmi, cvalue) for term, (f, pmi, cvalue) in scored.items()
            if pmi >= args.min_pmi and cvalue >= args.min_cvalue and noun_phrase(term)]
    kept.sort(key=lambda row: (-row[1] * row[2], row[0]))
    kept = sorted(kept[: args.max_terms])

    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / INVENTORY
    partial = path.with_name(path.name + ".part")
    total = sum(unigrams.values())
    with gzip.open(partial, "wt", encoding="utf-8", compresslevel=9) as handle:
        handle.write(f"{INVENTORY_FORMAT}\tterm\tcount\tpmi\tcvalue\ttokens={total}\n")
        for term, f, pmi, cvalue in kept:
            handle.write(f"{term}\t{f}\t{pmi:.1f}\t{cvalue:.0f}\n")
    os.replace(partial, path)
    licences = dict(SOURCES)
    update_manifest(args.out, INVENTORY, {
        "format": INVENTORY_FORMAT.lstrip("# "), "terms": len(kept), "tokens": total,
        "by_length": {str(n): sum(1 for row in kept if row[0].count(" ") + 1 == n) for n in range(2, MAX_WORDS + 1)},
        "sources": [{"file": name, "licence": licences.get(name, "see shared/corpus/MANIFEST.md"),
                     "words": words_by_source[name]} for name in args.sources],
        "held_out": "unspin.data.PHRASE_HOLDOUT (Wikipedia tail, every 50th OpenStax line); never eval/",
        "selection": {"min_count": args.min_count, "min_pmi_bits_per_link": args.min_pmi,
                      "min_cvalue": args.min_cvalue, "max_terms": args.max_terms, "ranked_by": "count * pmi",
                      "shape": "noun phrase (lemminflect: noun last, nouns, adjectives or participles before)",
                      "pruning_floor": floor, "lines_per_source": args.lines},
        "licence": "counts derived from the sources above; Wikipedia's CC BY-SA 3.0 is the strictest",
        "built_by": "scripts/build_term_inventory.py", "used_by": "unspin.phrases (phrase channel)"})
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB) with {len(kept)} terms "
          f"from {total} tokens; pruning floor {floor}")


if __name__ == "__main__":
    main()
