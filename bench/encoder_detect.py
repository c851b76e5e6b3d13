#!/usr/bin/env python3
"""Document detection: is this document spun?  ROC AUC of spun against clean documents, for the
restorer's spun score and, given an exported encoder (``--encoder``), for the encoder's
document score (the mean P(spun) of its words), on every family.

Documents: the first N paragraphs of an eval split, each its own document, spun at ``--rate``
(seed 0) by each family (those the spinner changed: as ``unspin eval`` counts them); the
negatives are the same paragraphs clean.

    python bench/encoder_detect.py --encoder build/encoder-cpu-model [--rate 0.1] [--paragraphs 200]

Writes bench/encoder_detect.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from common import SEED, paragraphs  # also puts src/ on the path

from unspin.evaluate import roc_auc  # noqa: E402
from unspin.passes import chunks  # noqa: E402
from unspin.registry import families, scorers  # noqa: E402
from unspin.restorer import Restorer  # noqa: E402
from unspin.simulate import spin  # noqa: E402
from unspin.textio import write_atomic  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "encoder_detect.json"
from unspin.tokenize import is_word, tokenize  # noqa: E402


def encoder_score(encoder, text: str) -> float:
    """The mean P(spun) the encoder gives the document's words."""
    document = tokenize(text)
    sentences = [[token.text for token in document.tokens[b:e]] for b, e in chunks(document)]
    if not sentences:
        return 0.0
    spun = encoder.detect(sentences)
    words = [float(p) for sentence, probabilities in zip(sentences, spun)
             for word, p in zip(sentence, probabilities) if is_word(word)]
    return sum(words) / len(words) if words else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--encoder", type=Path, help="a folder with encoder.onnx, .vocab, .json")
    parser.add_argument("--rate", type=float, default=0.1)
    parser.add_argument("--paragraphs", type=int, default=200)
    parser.add_argument("--split", choices=("dev", "test"), default="test")
    args = parser.parse_args()
    texts = paragraphs(args.split, args.paragraphs)
    restorer = Restorer(scorer="ngram")
    encoder = scorers.get("neural").load(args.encoder) if args.encoder else None
    clean = {"restorer": [restorer.restore(t).spun_score for t in texts]}
    if encoder is not None:
        clean["encoder"] = [encoder_score(encoder, t) for t in texts]
    result = {"command": "python " + " ".join(["bench/encoder_detect.py"] + sys.argv[1:]), "rate": args.rate,
              "split": args.split, "paragraphs": len(texts), "families": {}}
    for name in families.names():
        # a paragraph the spinner left as it was (no word it rewrites) is not a spun document
        spun = [gold.spun for gold in (spin(t, name, SEED, args.rate) for t in texts) if gold.edits]
        row = {"documents": len(spun),
               "restorer": roc_auc([restorer.restore(s).spun_score for s in spun], clean["restorer"])}
        if encoder is not None:
            row["encoder"] = roc_auc([encoder_score(encoder, s) for s in spun], clean["encoder"])
            row["encoder_trained_on_it"] = name in encoder.families
        result["families"][name] = row
        print(name, json.dumps(row), flush=True)
    write_atomic(RESULTS, json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
