#!/usr/bin/env python3
"""Build the thesaurus channel table (src/unspin/data/thesaurus.tsv.gz) from the Moby Thesaurus II.

Paper mills' and news spinners' thesauri look like Moby's (long, loose lists: "deep" ->
"profound", "learning" -> "knowledge", "network" -> "organization"), not like WordNet's
synsets.  Each row says: a spinner that meets ORIGINAL may write REPLACEMENT (relation
``thesaurus``).  A row is made when REPLACEMENT is in ORIGINAL's Moby entry (via ``moby``)
or ORIGINAL is in REPLACEMENT's entry (via ``moby<``: the thesaurus read backwards, as
some spinners do).  Originals are limited to the --vocabulary commonest corpus words
(unigrams.tsv), replacements to words the language model knows, of at most --max-words words.
The format is the channel table's (unspin.lexicon, grouped /2): load it alone with
``Lexicon.load`` or with the WordNet channel as one lexicon with ``unspin.lexicon.merge``.

Input: the Moby Thesaurus II (public domain), as ``words.txt`` of the npm package moby@1.1.2
(one line per root word, comma-separated synonyms; the package's other data comes from a
separate package at run time, so words.txt is Moby alone):

    npm pack moby@1.1.2 && tar xzf moby-1.1.2.tgz package/words.txt
    python scripts/build_thesaurus.py --moby package/words.txt

Nothing is downloaded at run time.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from unspin.data import update_manifest  # noqa: E402
from unspin.families.base import read_frequencies  # noqa: E402
from unspin.lexicon import GROUPED, Link, grouped_lines  # noqa: E402
from unspin.lm import load  # noqa: E402
from unspin.relations import THESAURUS  # noqa: E402


def read_moby(path: Path) -> dict[str, list[str]]:
    """root -> its synonyms, lowercased, in file order (duplicates dropped)."""
    entries: dict[str, list[str]] = {}
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            words = [w.strip().lower() for w in line.rstrip("\r\n").split(",")]
            if len(words) < 2 or not words[0]:
                continue
            synonyms = entries.setdefault(words[0], [])
            seen = set(synonyms)
            for word in words[1:]:
                if word and word != words[0] and word not in seen:
                    seen.add(word)
                    synonyms.append(word)
    return entries


def common_words(unigrams: Path, size: int) -> list[str]:
    """The ``size`` commonest alphabetic words of unigrams.tsv, commonest first."""
    if not unigrams.exists():
        raise SystemExit(f"{unigrams} is missing (scripts/build_lm.py writes it)")
    return [word for word in read_frequencies(unigrams) if word.isalpha()][:size]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--moby", type=Path, required=True, help="words.txt of npm moby@1.1.2")
    parser.add_argument("--out", type=Path, default=ROOT / "src" / "unspin" / "data")
    parser.add_argument("--model", type=Path, default=ROOT / "src" / "unspin" / "data",
                        help="folder with unigrams.tsv and lm.binary (default: the bundled model)")
    parser.add_argument("--vocabulary", type=int, default=30_000,
                        help="originals are limited to this many most frequent corpus words")
    parser.add_argument("--max-words", type=int, default=2, help="longest replacement, in words")
    args = parser.parse_args()

    entries = read_moby(args.moby)
    lm = load(args.model / "lm.binary")
    vocabulary = common_words(args.model / "unigrams.tsv", args.vocabulary)
    originals = frozenset(vocabulary)

    def usable(text: str) -> bool:
        words = text.split(" ")
        return (len(words) <= args.max_words and all(w and all(ch.isalpha() or ch in "-'" for ch in w) for w in words)
                and all(lm.known(w) for w in words))

    rows: dict[tuple[str, str], str] = {}
    for root, synonyms in entries.items():
        if root in originals:
            for word in synonyms:
                if usable(word):
                    rows.setdefault((root, word), "moby")
    for root, synonyms in entries.items():
        if not usable(root):
            continue
        for word in synonyms:
            if word in originals:
                rows.setdefault((word, root), "moby<")

    links = [Link(original, replacement, THESAURUS, via) for (original, replacement), via in sorted(rows.items())]
    path = args.out / "thesaurus.tsv.gz"
    partial = path.with_name(path.name + ".part")
    with gzip.open(partial, "wt", encoding="utf-8", compresslevel=9) as handle:
        handle.write(f"{GROUPED}\treplacement\t(original\trelation\tvia\tshare)...\n")
        handle.write("\t".join(["# originals", *sorted({link.original for link in links})]) + "\n")
        for line in grouped_lines(links, digits=3):
            handle.write(line + "\n")
    os.replace(partial, path)
    moby_sha = hashlib.sha256(args.moby.read_bytes()).hexdigest()
    update_manifest(args.out, path.name, {
        "format": "unspin.channel/2", "rows": len(links), "relation": THESAURUS,
        "originals": len({link.original for link in links}),
        "forward_rows": sum(1 for link in links if link.via == "moby"),
        "sources": [f"Moby Thesaurus II (public domain; Grady Ward), words.txt of npm moby@1.1.2, sha256 {moby_sha}",
                    "unigrams.tsv (originals: the commonest corpus words)", "lm.binary (replacements it knows)"],
        "licence": "public domain (Moby lexicon project)", "vocabulary": args.vocabulary,
        "max_words": args.max_words, "built_by": "scripts/build_thesaurus.py",
        "used_by": "unspin.phrases (phrase channel); unspin.lexicon.merge"})
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB) with {len(links)} rows")


if __name__ == "__main__":
    main()
