#!/usr/bin/env python3
"""Fit the spun score's three numbers (``unspin.edits``: CLEAN_EVIDENCE_PER_WORD, SCORE_BIAS,
SCORE_SLOPE) and record the fit in bench/spun_score_fit.json.

A document's evidence of spinning is the sum of ``edits.site_evidence`` over the sites the
decoder reads differently.  The fit:

1. documents: the held-out BBC lines that calibration fits on (the first 1,500 of the last
   2,000 lines of bbc_news, never eval/), one to four lines each; the other 500 lines are
   validation;
2. each document clean, and spun by each of the restorer's own families
   (``unspin.training.examples.own_families``: the independent families and ``mixed`` are
   never fitted on, so the benchmark's numbers for them are out of family) at rates 0.05,
   0.1 and 0.25 with a new dictionary per document; a spun document the spinner left
   unchanged is left out;
3. decoded with the calibration LM (``scripts/build_lm.py --holdout 2000``), which never saw
   these lines (the shipped LM did, and finds them too fluent);
4. CLEAN_EVIDENCE_PER_WORD: the clean documents' evidence per word; then a logistic
   regression of spun (1) against clean (0) on ``edits.excess``, the classes weighed
   equally, so that 0.5 means "as likely spun as not" at even odds.

    python scripts/fit_spun_score.py --model build/calibration-model

It prints the three constants for ``src/unspin/edits.py`` and checks them against the ones
there (exit 1 when they differ by more than the printed precision).
"""

from __future__ import annotations

import argparse
import json
import lzma
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from common import BENCH, CORPUS  # noqa: E402  (also puts src/ on the path)
from unspin import edits  # noqa: E402
from unspin.data import CALIBRATION_HOLDOUT as HOLDOUT  # noqa: E402
from unspin.evaluate import roc_auc  # noqa: E402
from unspin.restorer import Restorer  # noqa: E402
from unspin.simulate import spin  # noqa: E402
from unspin.stream import count_words  # noqa: E402
from unspin.textio import write_atomic  # noqa: E402
from unspin.training.examples import own_families  # noqa: E402

FIT_LINES = 1500  # as scripts/calibrate.py: the first 1,500 held-out lines fit, the rest validate
RATES = (0.05, 0.1, 0.25)
RESULTS = BENCH / "spun_score_fit.json"


def documents(lines: list[str]) -> list[str]:
    """Consecutive non-empty lines, one to four to a document (in turn)."""
    lines = [line for line in lines if line.strip()]
    found, start = [], 0
    while start < len(lines):
        size = 1 + len(found) % 4
        found.append("\n".join(lines[start : start + size]))
        start += size
    return found


def observations(restorer: Restorer, texts: list[str], names: tuple[str, ...], seed: int = 0) -> list[dict]:
    """(label, words, evidence) for each text clean and spun by each family at each rate."""
    found = []
    for i, text in enumerate(texts):
        found.append({"family": "clean", "rate": 0.0, "spun": 0, "words": count_words(text),
                      "evidence": restorer.restore(text).spun_evidence})
    for name in names:
        for rate in RATES:
            for i, text in enumerate(texts):
                gold = spin(text, name, seed + i, rate)
                if not gold.edits:
                    continue
                found.append({"family": name, "rate": rate, "spun": 1, "words": count_words(gold.spun),
                              "evidence": restorer.restore(gold.spun).spun_evidence})
            print(f"{name} at {rate}: {len(found)} documents so far", flush=True)
    return found


def fit_logistic(x: list[float], y: list[int], iterations: int = 50) -> tuple[float, float]:
    """(bias, slope) of P(y = 1 | x) = sigmoid(bias + slope * x), the two classes weighed
    equally (Newton's method on the weighted log-likelihood)."""
    positives = sum(y)
    weights = [len(y) / (2 * positives) if label else len(y) / (2 * (len(y) - positives)) for label in y]
    bias, slope = 0.0, 0.0
    for _ in range(iterations):
        g0 = g1 = h00 = h01 = h11 = 0.0
        for xi, yi, wi in zip(x, y, weights):
            p = 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, bias + slope * xi))))
            g0 += wi * (p - yi)
            g1 += wi * (p - yi) * xi
            h = wi * p * (1.0 - p)
            h00 += h
            h01 += h * xi
            h11 += h * xi * xi
        determinant = h00 * h11 - h01 * h01
        if determinant <= 1e-12:
            break
        step0 = (h11 * g0 - h01 * g1) / determinant
        step1 = (h00 * g1 - h01 * g0) / determinant
        bias, slope = bias - step0, slope - step1
        if abs(step0) + abs(step1) < 1e-10:
            break
    return bias, slope


def fit(rows: list[dict]) -> dict:
    """The three constants from fitting rows."""
    clean = [row for row in rows if not row["spun"]]
    per_word = sum(row["evidence"] for row in clean) / sum(row["words"] for row in clean)
    usable = [row for row in rows if row["words"] > 0]
    x = [edits.excess(row["evidence"], row["words"], per_word) for row in usable]
    bias, slope = fit_logistic(x, [row["spun"] for row in usable])
    return {"CLEAN_EVIDENCE_PER_WORD": round(per_word, 5), "SCORE_BIAS": round(bias, 4),
            "SCORE_SLOPE": round(slope, 4)}


def report(rows: list[dict], constants: dict) -> dict:
    """ROC AUC per family and rate, and the share of documents called spun (score >= 0.5)."""
    def score(row: dict) -> float:
        return edits.spun_score(row["evidence"], row["words"], constants["SCORE_BIAS"], constants["SCORE_SLOPE"],
                                constants["CLEAN_EVIDENCE_PER_WORD"])

    clean = [score(row) for row in rows if not row["spun"]]
    found = {"clean": {"documents": len(clean), "called_spun": round(sum(s >= 0.5 for s in clean) / len(clean), 4)}}
    for name in dict.fromkeys(row["family"] for row in rows if row["spun"]):
        for rate in RATES:
            spun = [score(row) for row in rows if row["family"] == name and row["rate"] == rate]
            if spun:
                found[f"{name}@{rate:g}"] = {"documents": len(spun), "auc": round(roc_auc(spun, clean), 4),
                                              "called_spun": round(sum(s >= 0.5 for s in spun) / len(spun), 4)}
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, required=True,
                        help="a model folder with the calibration LM (build/calibration-model)")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    with lzma.open(args.corpus / "bbc_news.txt.xz", "rt", encoding="utf-8") as handle:
        held_out = handle.read().splitlines()[-HOLDOUT:]
    restorer = Restorer(args.model, scorer="ngram")
    names = own_families()
    rows = observations(restorer, documents(held_out[:FIT_LINES]), names)
    constants = fit(rows)
    validation = observations(restorer, documents(held_out[FIT_LINES:]), names, seed=100_000)
    record = {
        "command": "python scripts/fit_spun_score.py --model " + str(args.model),
        "data": f"the last {HOLDOUT} lines of bbc_news: the first {FIT_LINES} fit, the rest validate; documents "
                f"of 1-4 lines, clean and spun by {', '.join(names)} at rates {', '.join(map(str, RATES))}",
        "decoded_with": f"{restorer.signature} (the calibration LM, which never saw these lines)",
        "site_evidence_cap": edits.SITE_EVIDENCE_CAP, "constants": constants,
        "fit": report(rows, constants), "validation": report(validation, constants),
    }
    write_atomic(RESULTS, json.dumps(record, indent=2) + "\n")
    print(json.dumps(record, indent=2))
    shipped = {name: getattr(edits, name) for name in constants}
    if shipped != constants:
        print(f"src/unspin/edits.py holds {shipped}: set it to {constants}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
