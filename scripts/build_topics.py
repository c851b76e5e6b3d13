#!/usr/bin/env python3
"""Build the topic vectors (src/unspin/data/topics.npy + topics.vocab).

An n-gram window cannot tell that "medicine" is out of place in a story about a band;
the rest of the document can.  Latent semantic analysis: a TF-IDF matrix of training
paragraphs (news and the first Wikipedia paragraphs of ../shared/corpus, never eval/, without the
bbc_news lines held out for calibration)
is reduced by a truncated SVD; each word's row of the term matrix is its topic vector
(unit length, float16).  The restorer compares a candidate's vector with the rest of
the document's (unspin.topics).  Loaded with numpy, allow_pickle=False.

    python scripts/build_topics.py [--dims 64] [--vocab 60000]
"""

from __future__ import annotations

import argparse
import itertools
import lzma
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from common import CORPUS, DATA  # noqa: E402  (also puts src/ on the path)
from unspin.data import CALIBRATION_HOLDOUT as HOLDOUT  # noqa: E402
from unspin.data import update_manifest  # noqa: E402
from unspin.textio import atomic_path, write_atomic  # noqa: E402
from unspin.tokenize import lm_words  # noqa: E402

# (file, licence, max paragraphs)
SOURCES = [
    ("bbc_news.txt.xz", "research corpus; copyright BBC", None),
    ("abc_news.txt.xz", "no licence stated (NLTK data, research/teaching)", None),
    ("wmt_news.txt.xz", "WMT research test sets", None),
    ("fnc1_news.txt.xz", "research data set", None),
    ("wikipedia_en.txt.xz", "CC BY-SA 3.0", 150_000),
]


def paragraphs(corpus: Path):
    for name, _licence, limit in SOURCES:
        with lzma.open(corpus / name, "rt", encoding="utf-8") as handle:
            lines = list(itertools.islice(handle, limit))
        if name == "bbc_news.txt.xz":
            lines = lines[:-HOLDOUT]
        for line in lines:
            words = [w for w in lm_words(line) if w.isalpha()]
            if len(words) >= 8:
                yield words


def main() -> None:
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--out", type=Path, default=DATA)
    parser.add_argument("--dims", type=int, default=64)
    parser.add_argument("--vocab", type=int, default=60_000)
    args = parser.parse_args()

    docs = list(paragraphs(args.corpus))
    vectorizer = TfidfVectorizer(analyzer=lambda words: words, min_df=5, max_df=0.3,
                                 max_features=args.vocab, sublinear_tf=True, dtype=np.float32)
    matrix = vectorizer.fit_transform(docs)
    svd = TruncatedSVD(n_components=args.dims, algorithm="randomized", n_iter=5, random_state=0)
    svd.fit(matrix)
    terms = svd.components_.T  # vocab x dims
    terms /= np.maximum(np.linalg.norm(terms, axis=1, keepdims=True), 1e-9)
    vocab = vectorizer.get_feature_names_out()
    idf = vectorizer.idf_

    args.out.mkdir(parents=True, exist_ok=True)
    with atomic_path(args.out / "topics.npy") as partial, open(partial, "wb") as handle:
        np.save(handle, terms.astype(np.float16), allow_pickle=False)
    write_atomic(args.out / "topics.vocab",
                 "# unspin.topics/1\tword\tidf\n" + "".join(f"{w}\t{i:.3f}\n" for w, i in zip(vocab, idf)))
    info = {"built_by": "scripts/build_topics.py", "format": "unspin.topics/1",
            "sources": [{"file": n, "licence": l, "max_paragraphs": m} for n, l, m in SOURCES],
            "paragraphs": len(docs), "dims": args.dims, "words": len(vocab)}
    update_manifest(args.out, "topics.npy", info)
    update_manifest(args.out, "topics.vocab", info)
    print(f"{len(docs)} paragraphs, {len(vocab)} words, {args.dims} dims")


if __name__ == "__main__":
    main()
