#!/usr/bin/env python3
"""Fit the confidence model (src/unspin/data/calibration.json).

Held-in data that the LM never saw: the last 2,000 lines of bbc_news (left out of the
LM by scripts/build_lm.py; never eval/).  They are spun by the simulator (every registered
family that is not independent, at one or several rates, and left clean; each document
restored alone, and each family again in corpus mode), decoded, and every
reading the decoder proposes is marked right or wrong against the gold edits.
Gradient-boosted trees over the evidence (evidence.features) map it to P(edit is right).
The decoding model (``--model``) must not have seen the held-out lines: it is the
calibration LM of scripts/build_lm.py; the shipped LM, which has, is applied with the
same trees.

    python scripts/calibrate.py --model build/calibration-model [--dump FILE] [--from-dump FILE]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import lzma
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from common import CORPUS, DATA  # noqa: E402  (also puts src/ on the path)
from unspin.calibration import FORMAT, fit_trees  # noqa: E402
from unspin.data import CALIBRATION_HOLDOUT as HOLDOUT  # noqa: E402
from unspin.data import read_manifest, update_manifest  # noqa: E402
from unspin.evidence import FEATURES, Evidence, features  # noqa: E402
from unspin.passes import gather, proposals  # noqa: E402
from unspin.registry import families  # noqa: E402
from unspin.restorer import Restorer  # noqa: E402
from unspin.simulate import spin  # noqa: E402
from unspin.textio import write_atomic  # noqa: E402
from unspin.tokenize import tokenize  # noqa: E402

LINES_PER_DOCUMENT = 6
FIRST_RATES = (0.1, 0.25, 0.4)  # the first family (the news spinner) is fit at several rates
RATE = 0.25  # every other family, and corpus mode


def fitting_sets(names: tuple[str, ...]) -> list[tuple[str, float, str]]:
    """(family, rate, mode) sets to fit on, documents of 6 lines: the first family at several
    rates, every other family at 0.25, clean text (rate 0), then every family in corpus mode.
    "document": a spinner seed per document, each restored alone; "corpus": one seed for all
    of them (one spinner, one dictionary), restored in corpus mode (``gather`` first)."""
    first, others = names[0], names[1:]
    return ([(first, rate, "document") for rate in FIRST_RATES] + [(name, RATE, "document") for name in others]
            + [(first, 0.0, "document")] + [(name, RATE, "corpus") for name in names])


# The families it fits on: every registered family that reads unspin's own channel tables
# (independent families are kept for evaluation the trees were not fitted on).
FAMILIES = tuple(family.name for family in families if not family.independent)
PROFILES = fitting_sets(FAMILIES)


def held_out_lines(corpus: Path, count: int) -> list[str]:
    with lzma.open(corpus / "bbc_news.txt.xz", "rt", encoding="utf-8") as handle:
        lines = handle.read().splitlines()[-HOLDOUT:]
    return lines[:count]


def labelled_readings(restorer: Restorer, lines: list[str], profile: str, rate: float, mode: str):
    """(evidence, right?) for every reading of every span the decoder changes."""
    starts = range(0, len(lines), LINES_PER_DOCUMENT)
    golds = [spin("\n".join(lines[start : start + LINES_PER_DOCUMENT]), profile=profile,
                  seed=0 if mode == "corpus" else seed, rate=rate) for seed, start in enumerate(starts)]
    corpus = None
    if mode == "corpus":
        corpus = gather((tokenize(gold.spun) for gold in golds), restorer.lm, restorer.table, restorer.settings)
    for gold in golds:
        wanted = {(g.spun_start, g.spun_end): g.original.lower() for g in gold.edits}
        for proposal in proposals(tokenize(gold.spun), restorer.lm, restorer.table, restorer.settings,
                                  restorer.topics, corpus):
            span = (proposal.tokens[proposal.begin].start, proposal.tokens[proposal.end - 1].end)
            for candidate, evidence in proposal.readings:
                if evidence is not None:
                    yield evidence, wanted.get(span) == " ".join(candidate.words)


def fitted_on(restorer: Restorer, out: Path, lines: int) -> dict:
    """What the trees are fitted on (calibration.json's ``fitted_on``, also in the manifest):
    the families and sets, the decoder settings, the LM that decoded them and the shipped LM
    (in ``out``) they will be applied with.  Loading checks the LM order against it."""
    lm_name = restorer.lm.path.name
    decoded = read_manifest(restorer.folder)["files"].get(lm_name, {})
    shipped = read_manifest(out)["files"].get("lm.binary", {})
    settings = restorer.settings
    return {"families": list(FAMILIES), "sets": [list(item) for item in PROFILES],
            "data": f"the last {HOLDOUT} lines of bbc_news (the first {lines} of them), "
                    f"documents of {LINES_PER_DOCUMENT} lines",
            "settings": {"beam_size": settings.beam_size, "max_candidates": settings.max_candidates,
                         "spin_rate": settings.spin_rate},
            "lm": {"order": restorer.lm.order, "prune": decoded.get("prune"),
                   "decoded_with": {"file": str(restorer.folder / lm_name), "sha256": decoded.get("sha256")},
                   "meant_for": {"file": "lm.binary", "sha256": shipped.get("sha256"), "order": shipped.get("order"),
                                 "prune": shipped.get("prune")}}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--lines", type=int, default=HOLDOUT)
    parser.add_argument("--out", type=Path, default=DATA)
    parser.add_argument("--model", type=Path, help="model folder that decodes (default: --out); "
                        "its LM must not have seen the held-out lines")
    parser.add_argument("--dump", type=Path, help="also write the labelled evidence here (jsonl)")
    parser.add_argument("--from-dump", type=Path, help="fit on a dump instead of decoding again "
                        "(give the --model that decoded it: its LM is recorded as the one fitted on)")
    args = parser.parse_args()

    restorer = Restorer(args.model or args.out)
    if args.from_dump:
        records = [json.loads(line) for line in args.from_dump.read_text().splitlines()]
        samples = [(Evidence(**r["evidence"]), r["right"]) for r in records]
    else:
        lines = held_out_lines(args.corpus, args.lines)
        samples = []
        for profile, rate, mode in PROFILES:
            found = list(labelled_readings(restorer, lines, profile, rate, mode))
            print(f"{profile} {rate} ({mode}): {len(found)} readings, {sum(r for _, r in found)} right", flush=True)
            samples += found
        if args.dump:
            write_atomic(args.dump, "".join(json.dumps({"evidence": dataclasses.asdict(e), "right": r}) + "\n"
                                            for e, r in samples))
    rows = [[features(e)[name] for name in FEATURES] for e, _ in samples]
    labels = [right for _, right in samples]
    record = fitted_on(restorer, args.out, args.lines)
    model = {**fit_trees(rows, labels), "samples": len(samples), "right": int(sum(labels)), "fitted_on": record}
    print(f"{len(samples)} readings, {sum(labels)} right, {len(model['trees']['roots'])} trees")
    write_atomic(args.out / "calibration.json", json.dumps(model, indent=2) + "\n")
    update_manifest(args.out, "calibration.json", {
        "format": FORMAT, "built_by": "scripts/calibrate.py",
        "fitted_on": {key: value for key, value in record.items() if key != "sets"},
        "source": f"last {HOLDOUT} lines of bbc_news, first {args.lines}, spun with {PROFILES}, decoded "
                  "with the calibration LM (scripts/build_lm.py --holdout 2000), which never saw them",
        "model": "scikit-learn HistGradientBoostingClassifier (300 trees, 31 leaves, depth 8) as flat arrays"})


if __name__ == "__main__":
    main()
