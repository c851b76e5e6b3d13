#!/usr/bin/env python3
"""Build the technical-term list (src/unspin/data/terms.tsv) for the ``tortured`` spinner.

A term is a lowercase run of 2-3 words that a "tortured phrase" spinner would replace word by
word.  Two shippable sources, both counted in training text only (never the eval split):

* WordNet 3.0 multi-word noun lemmas (Debian wordnet-base, /usr/share/wordnet/index.noun)
  that occur at least --min-wordnet times in the corpus;
* frequent corpus bigrams (adjective-or-noun + noun by WordNet's index files) with count at
  least --min-bigram and pointwise mutual information of at least --min-pmi bits.

No public tortured-phrase list is used.

    python scripts/build_terms.py
"""

from __future__ import annotations

import argparse
import lzma
import math
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from common import CORPUS, DATA  # noqa: E402  (also puts src/ on the path)
from unspin.data import update_manifest  # noqa: E402
from unspin.textio import atomic_path  # noqa: E402
from unspin.tokenize import lm_words  # noqa: E402

WORDNET = Path("/usr/share/wordnet")
SOURCES = ("openstax_textbooks.txt.xz", "abc_news.txt.xz")
STOPWORDS = frozenset("""a an the of in on at to for by with from and or but as is are was were be
been this that these those it its their his her our your my we you they he she i not no such
other more most many much some any all each every first second new same own one two three
may can will who what which would could should might must do does did has have had also there
then than so if when how where why about after over under through out up down into only well even
just very still yet both either us them him ii iii ago""".split())


def wordnet_index(part: str) -> set[str]:
    """Lemmas of one WordNet index file (noun, adj, verb, adv), underscores as spaces."""
    lemmas = set()
    with open(WORDNET / f"index.{part}", encoding="latin-1") as handle:
        for line in handle:
            if not line.startswith(" "):
                lemmas.add(line.split(" ", 1)[0].replace("_", " "))
    return lemmas


def corpus_lines(limit: int):
    for name in SOURCES:
        with lzma.open(CORPUS / name, "rt", encoding="utf-8") as handle:
            for number, line in enumerate(handle):
                if number >= limit:
                    break
                yield lm_words(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DATA)
    parser.add_argument("--lines", type=int, default=200_000, help="lines read from each source")
    parser.add_argument("--min-wordnet", type=int, default=5)
    parser.add_argument("--min-bigram", type=int, default=40)
    parser.add_argument("--min-pmi", type=float, default=4.0)
    args = parser.parse_args()

    nouns, adjectives = wordnet_index("noun"), wordnet_index("adj")
    single = {w for w in nouns | adjectives if " " not in w}
    wordnet_terms = {tuple(lemma.split()) for lemma in nouns
                     if 2 <= len(lemma.split()) <= 3 and all(w.isalpha() and w.islower() for w in lemma.split())
                     and not STOPWORDS & set(lemma.split())}
    unigrams, bigrams, trigrams = Counter(), Counter(), Counter()
    for words in corpus_lines(args.lines):
        unigrams.update(words)
        pairs = list(zip(words, words[1:]))
        bigrams.update(pairs)
        trigrams.update(t for t in zip(words, words[1:], words[2:]) if t in wordnet_terms)
    total = sum(unigrams.values())

    terms: dict[tuple[str, ...], tuple[int, str]] = {}
    for term in wordnet_terms:
        count = bigrams[term] if len(term) == 2 else trigrams[term]
        if count >= args.min_wordnet:
            terms[term] = (count, "wordnet")
    for (first, second), count in bigrams.items():
        if count < args.min_bigram or (first, second) in terms:
            continue
        if first in STOPWORDS or second in STOPWORDS or not (first.isalpha() and second.isalpha()):
            continue
        if first not in single or second not in nouns:
            continue
        pmi = math.log2(count * total / (unigrams[first] * unigrams[second]))
        if pmi >= args.min_pmi:
            terms[(first, second)] = (count, "bigram")

    path = args.out / "terms.tsv"
    with atomic_path(path) as partial, open(partial, "w", encoding="utf-8") as handle:
        handle.write("# unspin.terms/1\tterm\tcount\tsource\n")
        for term, (count, source) in sorted(terms.items(), key=lambda item: (-item[1][0], item[0])):
            handle.write(f"{' '.join(term)}\t{count}\t{source}\n")
    update_manifest(args.out, "terms.tsv", {
        "format": "unspin.terms/1", "terms": len(terms),
        "sources": ["WordNet 3.0 multi-word noun lemmas (Debian wordnet-base; WordNet licence)",
                    f"bigram counts from the first {args.lines} lines of " + ", ".join(SOURCES)],
        "built_by": "scripts/build_terms.py", "used_by": "unspin.simulate (tortured profile)"})
    print(f"wrote {path} with {len(terms)} terms "
          f"({sum(1 for c, s in terms.values() if s == 'wordnet')} from WordNet)")


if __name__ == "__main__":
    main()
