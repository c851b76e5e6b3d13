#!/usr/bin/env python3
"""Document detection: is this document spun?  ROC AUC of spun against clean documents, for the
restorer's spun score, the score it replaced (the density of confident edits, with a paired
bootstrap interval of the difference) and, given an exported encoder (``--encoder``), the
encoder's document score (the mean P(spun) of its words), on every family.

Documents: the first N paragraphs of an eval split, each its own document, spun at ``--rate``
(seed 0) by each family (those the spinner changed: as ``unspin eval`` counts them); the
negatives are the same paragraphs clean.  ``--words N`` joins consecutive paragraphs into
documents of at least N words (a news page) and takes ``--paragraphs`` of those.

    python bench/encoder_detect.py --encoder build/encoder-cpu-model [--rate 0.1] [--paragraphs 200] [--words 200]

Writes bench/encoder_detect.json.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

from common import SEED, documents_of_words  # also puts src/ on the path

from unspin.batch import FLAG_SCORE  # noqa: E402
from unspin.evaluate import roc_auc  # noqa: E402
from unspin.passes import chunks  # noqa: E402
from unspin.registry import families, scorers  # noqa: E402
from unspin.restorer import Restorer  # noqa: E402
from unspin.simulate import spin  # noqa: E402
from unspin.stream import count_words  # noqa: E402
from unspin.textio import write_atomic  # noqa: E402
from unspin.tokenize import is_word, tokenize  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "encoder_detect.json"
# the old score reached batch.FLAG_SCORE (0.5) at 1.5 confident edits per 100 words
OLD_FLAG_DENSITY = 0.015


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


def edits_only(restoration, text: str) -> float:
    """The spun score before 2026-12-06, up to a monotone squash: the density of the
    confident edits (their summed confidence per word), blind to every unsure site."""
    words = count_words(text)
    weight = sum(edit.confidence for edit in restoration.edits if edit.relation != "article")
    return weight / words if words else 0.0


def paired_interval(spun: list[tuple], clean: list[tuple], resamples: int = 1000, seed: int = 12345) -> list[float]:
    """95% interval of AUC(new) - AUC(old), resampling paragraphs (a paragraph's spun and
    clean forms go together).  ``spun``/``clean``: (paragraph, new score, old score)."""
    rng = random.Random(seed)
    count = len(clean)
    by_paragraph = {paragraph: (new, old) for paragraph, new, old in spun}
    differences = []
    for _ in range(resamples):
        drawn = [rng.randrange(count) for _ in range(count)]
        positives = [by_paragraph[i] for i in drawn if i in by_paragraph]
        negatives = [clean[i][1:] for i in drawn]
        new = roc_auc([p[0] for p in positives], [n[0] for n in negatives])
        old = roc_auc([p[1] for p in positives], [n[1] for n in negatives])
        differences.append(new - old)
    differences.sort()
    return [round(differences[int(0.025 * resamples)], 4), round(differences[int(0.975 * resamples) - 1], 4)]


def flagged(scored: list[tuple]) -> dict:
    """Shares of (document, new score, old density) rows that each score calls spun."""
    return {"flagged": round(sum(row[1] >= FLAG_SCORE for row in scored) / len(scored), 4),
            "flagged_before": round(sum(row[2] >= OLD_FLAG_DENSITY for row in scored) / len(scored), 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--encoder", type=Path, help="a folder with encoder.onnx, .vocab, .json")
    parser.add_argument("--rate", type=float, default=0.1)
    parser.add_argument("--paragraphs", type=int, default=200)
    parser.add_argument("--split", choices=("dev", "test"), default="test")
    parser.add_argument("--words", type=int, default=0, help="documents of at least this many words")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    texts = documents_of_words(args.split, args.words or 1, args.paragraphs)
    restorer = Restorer(scorer="ngram")
    encoder = scorers.get("neural").load(args.encoder) if args.encoder else None
    restored = [restorer.restore(t) for t in texts]
    clean = [(i, r.spun_score, edits_only(r, t)) for i, (r, t) in enumerate(zip(restored, texts))]
    clean_encoder = [encoder_score(encoder, t) for t in texts] if encoder is not None else None
    result = {"command": "python " + " ".join(["bench/encoder_detect.py"] + sys.argv[1:]), "rate": args.rate,
              "split": args.split, "documents": len(texts), "min_words": args.words or None,
              "signature": restorer.signature,
              "columns": {"restorer": "the spun score", "edits_only": "the score before 2026-12-06 (confident "
                          "edits only)", "difference_interval": "restorer - edits_only, paired bootstrap, 95%"},
              "clean": flagged(clean), "families": {}}
    for name in families.names():
        # a paragraph the spinner left as it was (no word it rewrites) is not a spun document
        golds = [(i, gold) for i, gold in enumerate(spin(t, name, SEED, args.rate) for t in texts) if gold.edits]
        spun = []
        for i, gold in golds:
            restoration = restorer.restore(gold.spun)
            spun.append((i, restoration.spun_score, edits_only(restoration, gold.spun)))
        row = {"documents": len(spun),
               "restorer": round(roc_auc([s[1] for s in spun], [c[1] for c in clean]), 4),
               "edits_only": round(roc_auc([s[2] for s in spun], [c[2] for c in clean]), 4),
               "difference_interval": paired_interval(spun, clean), **flagged(spun)}
        if encoder is not None:
            row["encoder"] = round(roc_auc([encoder_score(encoder, g.spun) for _i, g in golds], clean_encoder), 4)
            row["encoder_trained_on_it"] = name in encoder.families
        result["families"][name] = row
        print(name, json.dumps(row), flush=True)
    write_atomic(args.out, json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
