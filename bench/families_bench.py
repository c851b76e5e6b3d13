#!/usr/bin/env python3
"""Leave-one-family-out benchmark: every registered spinner family, each scored with the
calibration trees fitted WITHOUT it (scripts/calibrate.py fit --exclude FAMILY).

For each family: the first N paragraphs of an eval split, each its own document, spun at
rate 0.25 with seed 0 (one spinner, one dictionary), restored one document at a time and in
corpus mode; scored per edit (as bench/run_benchmarks.py) and per site (a run of adjacent
spun words, all of which must be right), with paired-bootstrap 95% intervals over
documents; WER; false edits per 1,000 unspun words inside the spun text; and coverage (the
share of gold edits whose original is among the decoder's readings).  Clean text and the
README's real sample are scored too.  Writes bench/families.json.

    # the leave-one-out trees first (see scripts/calibrate.py), then
    python bench/families_bench.py --lofo build/lofo [--paragraphs 200] [--split test]
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from pathlib import Path

from common import BENCH, RATE, SEED, paragraphs  # also puts src/ on the path

from unspin.calibration import Calibration  # noqa: E402
from unspin.profiles.confidence import MODEL_FILE as PROFILE_MODEL_FILE  # noqa: E402
from unspin.profiles.confidence import ProfileModel  # noqa: E402
from unspin.candidates import ChannelParams, spun_arcs  # noqa: E402
from unspin.evaluate import Counts, bootstrap, evaluate, judge, judge_runs, unspun_words, words  # noqa: E402
from unspin.registry import families  # noqa: E402
from unspin.restorer import Restorer  # noqa: E402
from unspin.signature import CALIBRATION_FILE  # noqa: E402
from unspin.simulate import SpunText, spin  # noqa: E402
from unspin.textio import write_atomic  # noqa: E402
from unspin.tokenize import tokenize  # noqa: E402

RESULTS = BENCH / "families.json"
# The README's real sample (a spinner nobody here wrote) and the original it came from.
README_SAMPLE = (
    "A erstwhile sergeant successful the North Korean subject says that fewer of Pyongyang's soldiers "
    "person been captured warring against Ukraine due to the fact that they're told their families "
    "volition beryllium executed if they are caught alive.",
    "A former sergeant in the North Korean military says that few of Pyongyang's soldiers have been "
    "captured fighting against Ukraine because they're told their families will be executed if they "
    "are caught alive.")


def coverage(restorer: Restorer, golds: list[SpunText]) -> float:
    """Share of gold edits whose original the lattice offers at that span (as one reading,
    or word by word)."""
    table = restorer.table
    params = ChannelParams(RATE, restorer.settings.max_candidates, {})
    hit = total = 0
    for gold in golds:
        tokens = tokenize(gold.spun).tokens
        starts = {t.start: t.i for t in tokens}
        ends = {t.end: t.i for t in tokens}
        arcs: dict[int, list] = {}

        def at(i: int) -> list:
            if i not in arcs:
                arcs[i] = spun_arcs(tokens, i, table, params)
            return arcs[i]

        for edit in gold.edits:
            total += 1
            begin, last = starts.get(edit.spun_start), ends.get(edit.spun_end)
            if begin is None or last is None:
                continue
            original = tuple(t.norm for t in tokenize(edit.original).tokens)
            found = any(a.end == last + 1 and a.candidate.words == original for a in at(begin))
            if not found and len(original) == last + 1 - begin:
                found = all(tokens[begin + k].norm == word or any(
                    a.end == begin + k + 1 and a.candidate.words == (word,) for a in at(begin + k))
                    for k, word in enumerate(original))
            hit += found
    return round(hit / max(1, total), 4)


def scores(golds: list[SpunText], restored) -> dict:
    per_edit = [Counts.of(judge(g, r)) for g, r in zip(golds, restored)]
    per_site = [Counts.of(judge_runs(g, r)) for g, r in zip(golds, restored)]
    edit_total, site_total = sum_counts(per_edit), sum_counts(per_site)
    unspun = sum(unspun_words(g) for g in golds)
    report = evaluate(golds, restored)
    return {"per_edit": {**edit_total.to_dict(), "f05_interval": bootstrap(per_edit)["interval"]},
            "per_site": {**site_total.to_dict(), "f05_interval": bootstrap(per_site)["interval"]},
            "wer_spun": report["wer_spun"], "wer_restored": report["wer_restored"],
            "false_per_1000_unspun": round(1000 * edit_total.false / max(1, unspun), 3)}


def sum_counts(counts: list[Counts]) -> Counts:
    return Counts(*(sum(getattr(c, name) for c in counts) for name in ("sites", "fixed", "wrong", "missed", "false")))


def restorer_without(name: str, lofo: Path | None, **settings) -> tuple[Restorer, str]:
    """The default restorer, with the trees fitted without family ``name`` when ``lofo`` is
    given (lofo/NAME/calibration.json); and where its trees came from."""
    restorer = Restorer(**settings)
    if lofo is None:
        return restorer, "shipped"
    if not families.get(name).fitted:  # held out of every fit: the shipped trees have not seen it
        return restorer, f"shipped (fitted on {', '.join(restorer.calibration.fitted_on['families'])})"
    path = lofo / name / CALIBRATION_FILE
    if not path.exists():
        raise SystemExit(f"{path} is missing: scripts/calibrate.py fit --exclude {name} --out {lofo / name}")
    restorer.calibration = Calibration.load(path, lm_order=restorer.lm.order)
    fitted = json.loads(path.read_text(encoding="utf-8"))["fitted_on"]["families"]
    if name in fitted:
        raise SystemExit(f"{path} was fitted on {name}")
    # the profile confidence model (scripts/calibrate.py fit-profile) fitted without the family
    profile_path = lofo / name / PROFILE_MODEL_FILE
    if profile_path.exists():
        restorer.profile_model = ProfileModel.load(profile_path.parent)
        if name in restorer.profile_model.fitted_on.get("families", ()):
            raise SystemExit(f"{profile_path} was fitted on {name}")
    elif restorer.profile_model is not None:
        restorer.profile_model = None  # the shipped one saw the family: profiles read without one
    return restorer, f"{path} (fitted on {', '.join(fitted)})"


def readme_sample(restorer: Restorer) -> dict:
    spun, original = README_SAMPLE
    restored = restorer.restore(spun).restored_text
    return {"restored": restored, "complete": restored == original,
            "words_right": sum(a == b for a, b in zip(words(restored), words(original))),
            "words": len(words(original))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--paragraphs", type=int, default=200)
    parser.add_argument("--split", choices=("dev", "test"), default="test")
    parser.add_argument("--lofo", type=Path, help="folder of leave-one-out trees (NAME/calibration.json)")
    parser.add_argument("--families", default=",".join(families.names()))
    parser.add_argument("--no-corpus", action="store_true", help="skip corpus mode")
    parser.add_argument("--phrases", action="store_true", help="restore with the phrase channel on")
    parser.add_argument("--threshold", type=float, help="minimum confidence of an edit (default: the setting's)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()

    texts = paragraphs(args.split, args.paragraphs)
    results = {"command": "python " + shlex.join(["bench/families_bench.py"] + sys.argv[1:]),
               "split": args.split, "paragraphs": len(texts), "rate": RATE, "seed": SEED, "families": {}}
    settings = {"phrases": True} if args.phrases else {}
    if args.threshold is not None:
        settings["threshold"] = args.threshold
    shipped = Restorer(**settings)
    clean = [shipped.restore(text) for text in texts]
    clean_words = sum(len(words(text)) for text in texts)
    results["clean_false_per_1000"] = round(1000 * sum(len(r.edits) for r in clean) / clean_words, 3)
    results["readme_sample"] = readme_sample(shipped)
    results["signature"] = shipped.signature
    for name in args.families.split(","):
        restorer, trees = restorer_without(name, args.lofo, **settings)
        golds = [spin(text, name, SEED, RATE) for text in texts]
        began = time.perf_counter()
        restored = [restorer.restore(g.spun) for g in golds]
        seconds = time.perf_counter() - began
        row = {"independent": families.get(name).independent, "trees": trees, **scores(golds, restored), "coverage": coverage(restorer, golds),
               "words_per_second": round(sum(len(words(g.spun)) for g in golds) / seconds, 1)}
        if args.lofo is not None:
            cleaned = [restorer.restore(text) for text in texts]
            row["clean_false_per_1000"] = round(1000 * sum(len(r.edits) for r in cleaned) / clean_words, 3)
        if not args.no_corpus:
            # restore_many(spun, corpus=True), with the crawl's check (one spinner?) kept
            evidence, check = restorer.crawl([g.spun for g in golds])
            row["corpus"] = {**scores(golds, restorer.with_corpus(evidence).restore_many([g.spun for g in golds])),
                             "crawl": check.to_dict()}
        results["families"][name] = row
        edit, site = row["per_edit"], row["per_site"]
        print(f"{name:>14}: per edit F0.5 {edit['f05']:.3f} {edit['f05_interval']} (P {edit['precision']:.3f} "
              f"R {edit['recall']:.3f}); per site {site['f05']:.3f} {site['f05_interval']}; coverage "
              f"{row['coverage']:.3f}; false/1k unspun {row['false_per_1000_unspun']}"
              + (f"; corpus mode {row['corpus']['per_edit']['f05']:.3f}" if "corpus" in row else ""), flush=True)
    names = list(results["families"])
    results["mean_f05_per_edit"] = round(sum(results["families"][n]["per_edit"]["f05"] for n in names) / len(names), 4)
    results["mean_f05_per_site"] = round(sum(results["families"][n]["per_site"]["f05"] for n in names) / len(names), 4)
    print(f"mean F0.5 per edit {results['mean_f05_per_edit']}, per site {results['mean_f05_per_site']}; "
          f"clean false edits {results['clean_false_per_1000']} per 1,000 words; README sample complete: "
          f"{results['readme_sample']['complete']}")
    write_atomic(args.out, json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
