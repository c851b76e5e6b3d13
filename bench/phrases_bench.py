"""Phrase benchmark (issue 13): tortured terms restored, with the phrase channel on and off.

(a) the dev part of ../shared/tortured/train.tsv (bench/tortured_split.py; never fitted on)
    in CARRIERS sentences: % of sentences restored exactly (and exactly up to the head
    noun's number: the list writes "gum ailments" -> "gum disease");
(b) the paper-mill family (unspin.families.paper_mill: MyThes, which the restorer does not
    read) at rate 0.25 in science paragraphs the term inventory never read
    (unspin.data.PHRASE_HOLDOUT): Wikipedia lines from line 930,000 (the LM never saw them
    either) and every 50th OpenStax line: F0.5 over all gold sites and % of spun terms restored;
(c) false edits per 1,000 words on the same paragraphs left clean;
(d) warm words/s over (b) and (c).

(b) carries a paired-bootstrap interval (unspin.evaluate.bootstrap, over paragraphs) of F0.5
with phrases on, and of the difference on - off.

    python bench/phrases_bench.py [--paragraphs 150] [--rows N] [--out bench/phrases.json]

Prints a Markdown section for BENCHMARKS.md and writes the numbers to --out.
"""

from __future__ import annotations

import argparse
import datetime
import json
import lzma
import time
from collections import Counter
from pathlib import Path

from common import BENCH, CORPUS  # also puts src/ on the path
from tortured_split import rows as tortured_rows
from unspin.data import PHRASE_HOLDOUT, phrase_held_out  # noqa: E402
from unspin.evaluate import Counts, bootstrap, judge  # noqa: E402
from unspin.relations import PHRASE_TERM  # noqa: E402
from unspin.restorer import Restorer  # noqa: E402
from unspin.simulate import spin  # noqa: E402
from unspin.textio import write_atomic  # noqa: E402
from unspin.tokenize import is_word, lm_words, tokenize  # noqa: E402

CARRIERS = ("In this paper we study {} in detail.",
            "The results obtained with {} are shown in Table 2.",
            "We compare {} with the methods of the previous section.")
SEED, RATE = 0, 0.25
TARGETS = {"dev_restored": 0.60, "paper_mill_terms": 0.40, "false_per_1000": 1.0, "words_per_second": 2000}


def held_out_paragraphs(limit: int) -> list[str]:
    """Science paragraphs the term inventory never read: half Wikipedia's tail, half OpenStax."""
    found = []
    for name, start in (("wikipedia_en.txt.xz", PHRASE_HOLDOUT["wikipedia_en.txt.xz"]),
                        ("openstax_textbooks.txt.xz", 0)):
        taken = 0
        with lzma.open(CORPUS / name, "rt", encoding="utf-8") as handle:
            for number, line in enumerate(handle):
                if number >= start and phrase_held_out(name, number) and 30 <= line.count(" ") <= 200:
                    found.append(line.strip())
                    taken += 1
                    if taken >= limit:
                        break
    return found


def words(text: str) -> int:
    return sum(1 for t in tokenize(text).tokens if is_word(t.text))


def carriers(restorer: Restorer, rows) -> dict:
    exact = number = total = 0
    for tortured, expected in rows:
        for template in CARRIERS:
            before, after = template.split("{}")
            restored = restorer.restore(before + tortured + after).restored_text.lower()
            wanted = (before + expected + after).lower()
            total += 1
            exact += restored == wanted
            number += restored == wanted or _same_up_to_number(restored, wanted)
    return {"sentences": total, "restored": exact / total, "restored_up_to_number": number / total}


def _same_up_to_number(restored: str, wanted: str) -> bool:
    a, b = lm_words(restored), lm_words(wanted)
    return len(a) == len(b) and all(x == y or x.rstrip("s") == y.rstrip("s") for x, y in zip(a, b))


def paper_mill(restorer: Restorer, texts: list[str]) -> tuple[dict, list[Counts]]:
    """The paper-mill measurements, and each paragraph's counts (for the paired bootstrap)."""
    golds = [spin(text, "paper-mill", seed=SEED + i, rate=RATE) for i, text in enumerate(texts)]
    judgements, per_paragraph = [], []
    started = time.perf_counter()
    for gold in golds:
        judged = judge(gold, restorer.restore(gold.spun))
        judgements += judged
        per_paragraph.append(Counts.of(judged))
    seconds = time.perf_counter() - started
    total = Counts.of(judgements)
    terms = Counter(j.kind for j in judgements if j.relation == "term")
    return ({"paragraphs": len(golds), "sites": total.sites, "fixed": total.fixed, "wrong": total.wrong,
             "missed": total.missed, "false": total.false, "precision": total.precision, "recall": total.recall,
             "f05": total.f05, "terms": sum(terms.values()),
             "terms_restored": terms["fixed"] / max(1, sum(terms.values())),
             "words": sum(words(g.spun) for g in golds), "seconds": seconds}, per_paragraph)


def clean(restorer: Restorer, texts: list[str]) -> dict:
    edits = phrase_edits = 0
    examples = []
    started = time.perf_counter()
    for text in texts:
        result = restorer.restore(text)
        edits += len(result.edits)
        for edit in result.edits:
            if edit.relation == PHRASE_TERM:
                phrase_edits += 1
                examples.append(f"{edit.spun} -> {edit.restored} ({edit.confidence:.2f})")
    seconds = time.perf_counter() - started
    total = sum(words(text) for text in texts)
    return {"paragraphs": len(texts), "words": total, "false_per_1000": 1000 * edits / total,
            "phrase_false_per_1000": 1000 * phrase_edits / total, "phrase_examples": examples[:20],
            "seconds": seconds}


def measure(paragraphs: int, row_limit: int | None) -> dict:
    on = Restorer(phrases=True)
    off = Restorer(phrases=False, lm=on.lm, lexicon=on.lexicon)
    for restorer in (on, off):
        restorer.restore("A warm-up sentence about profound learning.")
    dev = tortured_rows("dev")[:row_limit]
    texts = held_out_paragraphs(paragraphs)
    results = {"date": datetime.date.today().isoformat(), "signature": on.signature, "signature_off": off.signature,
               "dev_rows": len(dev), "carriers": list(CARRIERS), "seed": SEED, "rate": RATE, "paragraphs": len(texts),
               "held_out": "Wikipedia lines from 930,000 (first of them) and every 50th OpenStax line"}
    counts = {}
    for key, restorer in (("on", on), ("off", off)):
        measured, counts[key] = paper_mill(restorer, texts)
        results[key] = {"dev": carriers(restorer, dev), "paper_mill": measured, "clean": clean(restorer, texts)}
        run = results[key]
        run["words_per_second"] = ((run["paper_mill"]["words"] + run["clean"]["words"])
                                   / (run["paper_mill"]["seconds"] + run["clean"]["seconds"]))
    results["paper_mill_bootstrap"] = bootstrap(counts["on"], counts["off"])
    return results


def render(results: dict, command: str) -> str:
    on, off = results["on"], results["off"]
    rows = [
        ("dev part of the tortured list in carriers, restored exactly", "dev", "restored", ">= 60%", "{:.1%}"),
        ("... exactly up to the head noun's number", "dev", "restored_up_to_number", "", "{:.1%}"),
        ("paper-mill at rate 0.25 in held-out science paragraphs: terms restored", "paper_mill", "terms_restored",
         ">= 40%", "{:.1%}"),
        ("paper-mill: F0.5 over all gold sites", "paper_mill", "f05", "", "{:.3f}"),
        ("the same paragraphs clean: false edits per 1,000 words", "clean", "false_per_1000", "<= 1", "{:.2f}"),
        ("... of which phrase edits", "clean", "phrase_false_per_1000", "", "{:.2f}"),
    ]
    lines = ["## Phrases (issue 13)", "",
             f"Command: `{command}` ({results['date']}). Signature: `{results['signature']}`.", "",
             f"Dev rows: {results['dev_rows']} (bench/tortured_split.py, never fitted on) x {len(results['carriers'])} "
             f"carriers. Paragraphs: {results['paragraphs']} ({results['held_out']}; the term inventory never read "
             f"them), paper-mill seed = {results['seed']} + paragraph, rate {results['rate']}.", "",
             "| measure | phrases on | phrases off | target |", "|---|---:|---:|---:|"]
    for label, part, key, target, fmt in rows:
        lines.append(f"| {label} | {fmt.format(on[part][key])} | {fmt.format(off[part][key])} | {target} |")
    lines.append(f"| warm words/s over the paper-mill and clean paragraphs | {on['words_per_second']:,.0f} | "
                 f"{off['words_per_second']:,.0f} | >= 2,000 |")
    pm = on["paper_mill"]
    lines += ["", f"Paper-mill sites (phrases on): {pm['sites']} ({pm['terms']} terms), fixed {pm['fixed']}, wrong "
              f"{pm['wrong']}, missed {pm['missed']}, false {pm['false']}; "
              f"P {pm['precision']:.3f} R {pm['recall']:.3f}."]
    interval = results.get("paper_mill_bootstrap")  # results measured before the port have none
    if interval:
        low, high = interval["interval"]
        difference = interval["difference"]
        lines += ["", f"Paper-mill F0.5 with phrases on {interval['f05']:.3f} [{low:.3f}, {high:.3f}]; on - off "
                  f"{difference['f05']:+.3f} [{difference['interval'][0]:+.3f}, {difference['interval'][1]:+.3f}], "
                  f"p = {difference['p_value']:.4f} (paired bootstrap over {interval['documents']} paragraphs, "
                  f"{interval['resamples']} resamples)."]
    if on["clean"]["phrase_examples"]:
        lines += ["", "Phrase edits on clean paragraphs: " + "; ".join(on["clean"]["phrase_examples"][:10]) + "."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--paragraphs", type=int, default=150, help="held-out paragraphs from each source")
    parser.add_argument("--rows", type=int, default=None, help="dev rows (default: all)")
    parser.add_argument("--out", type=Path, default=BENCH / "phrases.json")
    args = parser.parse_args()
    command = "python bench/phrases_bench.py" + "".join(
        f" --{name} {value}" for name, value in (("paragraphs", args.paragraphs), ("rows", args.rows))
        if value is not None and not (name == "paragraphs" and value == 150))
    results = measure(args.paragraphs, args.rows)
    results["command"] = command
    results["markdown"] = render(results, command)
    write_atomic(args.out, json.dumps(results, indent=2) + "\n")
    print(results["markdown"])


if __name__ == "__main__":
    main()
