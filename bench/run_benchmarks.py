#!/usr/bin/env python3
"""Benchmark the default restorer on simulated spins of held-out BBC news.

Builds benchmark sets from the first --paragraphs paragraphs of the eval split
(news_dev for development, news_test for reported numbers only), spins them with every
profile at rates 0.1, 0.25 and 0.4 (seed 0), restores them and the clean originals with the
default Restorer in one warm process, and writes bench/results.json, BENCHMARKS.md and
bench/f05_vs_rate.png.  ``--render-only`` re-renders the last two from results.json.

    python bench/run_benchmarks.py                # about 10-15 minutes on 2 cores
    python bench/run_benchmarks.py --render-only
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BENCH as HERE, ROOT, SEED, SRC, clean_gold, paragraphs  # noqa: E402
from unspin.evaluate import snippet, evaluate, run_restorer  # noqa: E402
from unspin.simulate import PROFILES, changed_word_share, spin  # noqa: E402
from unspin.textio import write_atomic  # noqa: E402

RATES = (0.1, 0.25, 0.4)
WORST = 30
RESULTS = HERE / "results.json"
MARKDOWN = ROOT / "BENCHMARKS.md"
PLOT = HERE / "f05_vs_rate.png"
COLD_START = ("import time; t = time.perf_counter(); import unspin; "
              "unspin.restore('He was successful the house.'); print(time.perf_counter() - t)")


def cold_start() -> dict:
    """A fresh interpreter: import, load the model, restore one sentence."""
    begin = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    out = subprocess.run([sys.executable, "-c", COLD_START], capture_output=True, text=True,
                         env=env, check=True)
    wall = time.perf_counter() - begin
    rss_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"wall_s": round(wall, 2), "import_load_restore_s": round(float(out.stdout.strip()), 2),
            "peak_rss_mb": round(rss_kb / 1024, 1)}


def measure(limit: int, splits: list[str]) -> dict:
    from unspin.restorer import Restorer

    results = {"command": "python " + " ".join([sys.argv[0].replace(str(ROOT) + "/", "")] + sys.argv[1:]),
               "date": datetime.date.today().isoformat(), "seed": SEED, "paragraphs": limit,
               "cold_start": cold_start(), "conditions": []}
    restorer = Restorer()
    restorer.restore("He was successful the house.")
    results["signature"] = restorer.signature
    total_words = total_seconds = 0.0
    failures: list = []
    for split in splits:
        texts = paragraphs(split, limit)
        clean, clean_seconds = run_restorer(restorer, texts, failures)
        base = evaluate([clean_gold(t) for t in texts], clean, clean)  # clean-only measures
        results[f"clean_{split}"] = {key: base[key] for key in
                                     ("words", "clean_words", "clean_false_edits", "clean_false_per_1000")}
        results[f"clean_{split}"]["words_per_second"] = round(base["words"] / clean_seconds, 1)
        results[f"clean_{split}"]["top_false"] = top_false(clean, WORST)
        for profile in PROFILES:
            for rate in RATES:
                golds = [spin(text, profile, SEED, rate) for text in texts]
                before = len(failures)
                restored, seconds = run_restorer(restorer, [g.spun for g in golds], failures)
                worst_n = WORST if (split, profile, rate) == ("dev", "wordnet", 0.25) else 0
                report = evaluate(golds, restored, clean, seconds, worst_n)
                report["changed_word_share"] = round(changed_word_share(golds), 4)
                report["restorer_errors"] = len(failures) - before
                results["conditions"].append({"split": split, "profile": profile, "rate": rate,
                                              "report": report})
                total_words += report["words"]
                total_seconds += seconds
                print(f"{split} {profile} {rate}: F0.5 {report['f05']:.3f} P {report['precision']:.3f} "
                      f"R {report['recall']:.3f} share {report['changed_word_share']:.3f} "
                      f"{report['words_per_second']} w/s", flush=True)
    results["words_per_second"] = round(total_words / total_seconds, 1) if total_seconds else None
    results["restorer_errors"] = [{"text": text, "error": error} for text, error in failures]
    results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return results


def top_false(clean: list, n: int) -> list[dict]:
    """The most frequent edits the restorer made on clean (unspun) text."""
    tally: Counter = Counter()
    example: dict = {}
    for restoration in clean:
        for edit in restoration.edits:
            key = (edit.spun, edit.restored, edit.relation)
            tally[key] += 1
            example.setdefault(key, (restoration.text, edit.start, edit.end))
    return [{"count": count, "spun": key[0], "restored": key[1], "relation": key[2],
             "context": snippet(*example[key])} for key, count in tally.most_common(n)]


# ---------------------------------------------------------------- rendering

def condition(results: dict, split: str, profile: str, rate: float) -> dict | None:
    for item in results["conditions"]:
        if (item["split"], item["profile"], item["rate"]) == (split, profile, rate):
            return item["report"]
    return None


def render_markdown(results: dict) -> str:
    lines = ["# Benchmarks", "",
             "Generated by `bench/run_benchmarks.py`; do not edit by hand (re-render with "
             "`--render-only`).", "",
             f"- command: `{results['command']}`",
             f"- date: {results['date']}; first {results['paragraphs']} paragraphs of each split, "
             f"spinner seed {results['seed']}",
             f"- restorer signature: `{results.get('signature', '')}`",
             f"- speed (warm, one process, spun text): {results['words_per_second']} words/s; "
             f"peak RSS {results['peak_rss_mb']} MB",
             f"- cold start (new interpreter, import + load + one sentence): "
             f"{results['cold_start']['wall_s']} s wall, peak RSS {results['cold_start']['peak_rss_mb']} MB",
             f"- restorer errors (document scored as unchanged): {len(results.get('restorer_errors', []))}",
             "", "news_dev is for development; news_test numbers are reported only, never tuned on.", ""]
    lines += render_saved("families.json", render_families, results.get("signature"))
    intervals = next((item["report"]["bootstrap"] for item in results["conditions"] if "bootstrap" in item["report"]),
                     None)
    if intervals:
        lines += [f"F0.5 is given with its {intervals['confidence']:.0%} interval: a paired bootstrap over the "
                  f"documents ({intervals['resamples']:,} resamples, seed {intervals['seed']}; "
                  "`unspin eval --baseline` compares two runs). A change inside the interval is noise.", ""]
    for split in ("dev", "test"):
        if not any(item["split"] == split for item in results["conditions"]):
            continue
        clean = results[f"clean_{split}"]
        lines += [f"## {split} (news_{split})", "",
                  f"Clean text: {clean['clean_false_edits']} false edits in {clean['clean_words']} words "
                  f"= **{clean['clean_false_per_1000']} per 1,000 words** ({clean['words_per_second']} words/s).",
                  "", f"| profile | rate | changed words | sites | P | R | F0.5{' [95% interval]' if intervals else ''} "
                  "| WER spun | WER restored | AUC | words/s |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for profile in PROFILES:
            for rate in RATES:
                r = condition(results, split, profile, rate)
                if r:
                    lines.append(f"| {profile} | {rate} | {r['changed_word_share']:.3f} | {r['sites']} | "
                                 f"{r['precision']:.3f} | {r['recall']:.3f} | {f05_cell(r)} | "
                                 f"{r['wer_spun']:.4f} | {r['wer_restored']:.4f} | {r.get('spun_score_auc')} | "
                                 f"{r['words_per_second']} |")
        lines.append("")
    lines += render_targets(results)
    lines += render_relations(results) + render_worst(results) + render_false(results)
    lines += render_saved("corpus.json", render_corpus, results["signature"])
    lines += render_saved("encoder_detect.json", render_detection, results["signature"])
    lines += render_saved("encoder_detect_pages.json", render_detection, results["signature"])
    lines += render_saved("profiles.json", render_profiles, results.get("signature"))
    lines += render_saved("phrases.json", render_phrases)
    lines += render_saved("load_test.json", render_load, results["signature"])
    lines += render_saved("batch.json", render_batch, results["signature"])
    notes = HERE / "NOTES.md"
    if notes.exists():
        lines += [notes.read_text(encoding="utf-8").rstrip(), ""]
    return "\n".join(lines) + "\n"


def render_families(data: dict) -> list[str]:
    """The headline: every spinner family, scored with trees fitted without it."""
    lines = ["## Spinner families, leave one family out (the headline)", "",
             f"Command: `{data['command']}`: the first {data['paragraphs']} paragraphs of news_{data['split']}, "
             f"each its own document, spun at rate {data['rate']} (seed {data['seed']}) by each registered "
             "family and restored with calibration trees fitted WITHOUT that family "
             "(`scripts/calibrate.py fit --exclude FAMILY`). Per edit: each gold edit judged on its own; per "
             "site: a run of adjacent spun words, all of which must be right. Intervals: paired bootstrap "
             "over documents, 95%. Coverage: share of gold edits whose original is among the decoder's "
             "readings. False/1k: false edits per 1,000 unspun words inside the spun text. Corpus mode: "
             "`restore_many(texts, corpus=True)` over the 200 paragraphs as one crawl; `(alone)` where its "
             "check restored each paragraph alone (too little restored to tell; before 2026-12-07, any crawl "
             "not one spinner's), `(no claims)` where it found an original written many ways and read the "
             "crawl without the claims of one original by two words.", "",
             "| family | independent | P | R | F0.5 per edit | F0.5 per site | coverage | WER spun -> restored "
             "| false/1k | corpus mode F0.5 |", "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, row in data["families"].items():
        edit, site = row["per_edit"], row["per_site"]
        corpus = row.get("corpus", {}).get("per_edit", {}).get("f05")
        alone = crawl_mark(row.get("corpus", {}).get("crawl"))
        lines.append(f"| {name} | {'yes' if row.get('independent') else 'no'} | {edit['precision']:.3f} | "
                     f"{edit['recall']:.3f} | **{edit['f05']:.3f}** {list(edit['f05_interval'])} | "
                     f"{site['f05']:.3f} {list(site['f05_interval'])} | {row['coverage']:.3f} | "
                     f"{row['wer_spun']:.3f} -> {row['wer_restored']:.3f} | {row['false_per_1000_unspun']} | "
                     f"{'' if corpus is None else f'{corpus:.3f}{alone}'} |")
    sample = data["readme_sample"]
    lines += ["", f"Mean F0.5 over the families: **{data['mean_f05_per_edit']:.3f}** per edit, "
              f"**{data['mean_f05_per_site']:.3f}** per site. Clean news_{data['split']} text: "
              f"{data['clean_false_per_1000']} false edits per 1,000 words (shipped trees). The README's real "
              f"sample: {sample['words_right']} of {sample['words']} words right "
              f"({'complete' if sample['complete'] else 'not complete'}): \"{sample['restored']}\"", ""]
    return lines + render_with_phrases(data) + render_baseline(data) + render_family_targets(data)


def render_with_phrases(data: dict) -> list[str]:
    """The same benchmark with the phrase channel on (bench/families_phrases.json), where it was
    run on the same texts: what `--phrases` gives and costs on each family."""
    on = same_texts("families_phrases.json", data)
    if on is None:
        return []
    lines = [f"With the phrase channel on (`{on['command']}`, off by default; for science text):", ""]
    lines += paired_table(data, on, ("off", "on"))
    return lines + [f"Mean F0.5 per edit {data['mean_f05_per_edit']:.3f} off, {on['mean_f05_per_edit']:.3f} on; "
                    f"clean news_{data['split']} text {data['clean_false_per_1000']} off, "
                    f"{on['clean_false_per_1000']} on false edits per 1,000 words.", ""]


def same_texts(name: str, data: dict) -> dict | None:
    """The saved results ``bench/NAME`` where they were measured on the same spun texts as
    ``data`` (split, paragraphs, rate, seed); else None."""
    path = HERE / name
    if not path.exists():
        return None
    other = json.loads(path.read_text(encoding="utf-8"))
    keys = ("split", "paragraphs", "rate", "seed")
    return other if all(other[key] == data[key] for key in keys) else None


def paired_table(first: dict, second: dict, names: tuple[str, str], order: dict | None = None) -> list[str]:
    """Per family (in the order of ``order``, default ``first``), F0.5 per edit and per site
    with intervals and false edits per 1,000 unspun words, ``first`` beside ``second`` (the
    columns named by ``names``)."""
    a, b = names
    lines = [f"| family | F0.5 per edit, {a} | {b} | F0.5 per site, {a} | {b} | false/1k unspun, {a} | {b} |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name in (order or first)["families"]:
        row, other = first["families"].get(name), second["families"].get(name)
        if row is not None and other is not None:
            cells = [f05_with_interval(r, mode) for mode in ("per_edit", "per_site") for r in (row, other)]
            lines.append(f"| {name} | {' | '.join(cells)} | {row['false_per_1000_unspun']} | "
                         f"{other['false_per_1000_unspun']} |")
    return lines + [""]


def f05_with_interval(row: dict, mode: str) -> str:
    return f"{row[mode]['f05']:.3f} {list(row[mode]['f05_interval'])}"


def render_baseline(data: dict) -> list[str]:
    """The families benchmark against a baseline restorer on the same spun texts
    (bench/baseline.json, bench/baseline_bench.py), where one was scored."""
    base = same_texts("baseline.json", data)
    if base is None:
        return []
    return ([f"Against {base['name']} (`{base['signature']}`) on the same spun texts (`{base['command']}`):", ""]
            + paired_table(base, data, ("before", "now"), order=data))


def render_family_targets(data: dict) -> list[str]:
    """The real-spinners issue's targets on the families benchmark, met or not."""
    rows = data["families"]
    new = [name for name, row in rows.items() if row.get("independent")]

    def worst(names, key: str, mode: str | None) -> tuple[float, str]:
        return min(((rows[n][mode][key] if mode else rows[n][key]), n) for n in names)

    checks = []
    if new:
        f, n = worst(new, "f05", "per_edit")
        checks.append(("F0.5 per edit, every independent family", ">= 0.85", f"{f:.3f} (lowest: {n})", f >= 0.85))
        f, n = worst(new, "f05", "per_site")
        checks.append(("F0.5 per site, every independent family", ">= 0.75", f"{f:.3f} (lowest: {n})", f >= 0.75))
    checks.append(("mean F0.5 per edit over the families", ">= 0.88", f"{data['mean_f05_per_edit']:.3f}",
                   data["mean_f05_per_edit"] >= 0.88))
    checks.append(("mean F0.5 per site over the families", ">= 0.80", f"{data['mean_f05_per_site']:.3f}",
                   data["mean_f05_per_site"] >= 0.80))
    if "wordnet" in rows:
        f = rows["wordnet"]["per_edit"]["f05"]
        checks.append(("F0.5 per edit, wordnet (left out)", ">= 0.85", f"{f:.3f}", f >= 0.85))
    f, n = worst(rows, "coverage", None)
    checks.append(("coverage, every family", ">= 0.97", f"{f:.3f} (lowest: {n})", f >= 0.97))
    checks.append(("false edits per 1,000 clean words", "<= 0.5", f"{data['clean_false_per_1000']}",
                   data["clean_false_per_1000"] <= 0.5))
    most = max((row["false_per_1000_unspun"], n) for n, row in rows.items())
    checks.append(("false edits per 1,000 unspun words in spun text, every family", "<= 2",
                   f"{most[0]} (highest: {most[1]})", most[0] <= 2))
    if all("corpus" in row for row in rows.values()):
        gains = [(row["corpus"]["per_edit"]["f05"] - row["per_edit"]["f05"], n) for n, row in rows.items()]
        low = min(gains)
        checks.append(("corpus mode better than one document at a time, every family", "> 0",
                       f"{low[0]:+.3f} (smallest gain: {low[1]})", low[0] > 0))
    lines = ["### Targets (the real-spinners issue)", "", "| target | wanted | measured | met |", "|---|---|---:|---|"]
    lines += [f"| {name} | {wanted} | {got} | {'yes' if ok else '**no**'} |" for name, wanted, got, ok in checks]
    return lines + [""]
def f05_cell(report: dict) -> str:
    """F0.5 in bold, with its bootstrap interval when the results have one."""
    cell = f"**{report['f05']:.3f}**"
    if "bootstrap" in report:
        low, high = report["bootstrap"]["interval"]
        cell += f" [{low:.3f}, {high:.3f}]"
    return cell


def render_targets(results: dict) -> list[str]:
    """Issue 2's measured targets, met or not, on news_test at the default setting."""
    wordnet = condition(results, "test", "wordnet", 0.25) or condition(results, "dev", "wordnet", 0.25)
    clean = results.get("clean_test") or results.get("clean_dev")
    if not wordnet or not clean:
        return []
    rows = [("word-level F0.5, wordnet profile, rate 0.25", ">= 0.85", f"{wordnet['f05']:.3f}", wordnet["f05"] >= 0.85),
            ("false edits per 1,000 clean words", "<= 2", f"{clean['clean_false_per_1000']}",
             clean["clean_false_per_1000"] <= 2),
            ("words/s, warm, one process", ">= 2,000", f"{results['words_per_second']}",
             results["words_per_second"] >= 2000),
            ("cold start (import + load + one sentence)", "<= 3 s", f"{results['cold_start']['wall_s']} s",
             results["cold_start"]["wall_s"] <= 3),
            ("peak memory", "<= 1.5 GB", f"{results['peak_rss_mb']} MB", results["peak_rss_mb"] <= 1536)]
    lines = ["## Targets (issue 2)", "", "| target | wanted | measured | met |", "|---|---|---:|---|"]
    lines += [f"| {name} | {wanted} | {got} | {'yes' if ok else '**no**'} |" for name, wanted, got, ok in rows]
    return lines + [""]


def render_phrases(data: dict) -> list[str]:
    """The phrase channel's own benchmark (bench/phrases_bench.py writes phrases.json)."""
    from phrases_bench import render

    return render(data, data["command"]).rstrip().splitlines() + [""]


def render_saved(name: str, render, signature: str | None = None) -> list[str]:
    """A section from a saved result; with ``signature``, a line under its heading when it
    was measured with another restorer."""
    path = HERE / name
    if not path.exists():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    lines = render(data)
    measured = data.get("signature")
    if signature is None or measured == signature:
        return lines
    said = f"`{measured}`" if measured else "a restorer it did not record"
    return lines[:2] + [f"*Measured with {said}, not the one above; not re-run since.*", ""] + lines[2:]


DETECTION_TARGET = 0.99  # issue 12: ROC AUC spun vs clean at rate 0.1, every family


def render_detection(data: dict) -> list[str]:
    """Is this document spun? ROC AUC of the spun score, spun against clean."""
    encoder = any("encoder" in row for row in data["families"].values())
    what = (f"documents of at least {data['min_words']} words (consecutive paragraphs)" if data.get("min_words")
            else "single paragraphs, each its own document")
    lines = [f"## Document detection: {what}", "",
             f"Command: `{data['command']}`: {data['documents']} {what} (news_{data['split']}), spun at rate "
             f"{data['rate']} (seed 0) by each family (those the spinner changed) against the same documents clean. "
             "ROC AUC of the spun score; `edits only` is the score it replaced (the density of confident edits); "
             "the interval is that of the difference (paired bootstrap over documents, 95%). The score's three "
             "constants were fitted on the own families only (`scripts/fit_spun_score.py`).", "",
             "| family | documents | spun score AUC | edits only (before) | difference [95%] | flagged (before) |"
             + (" encoder (CPU run, not shipped) |" if encoder else ""),
             "|---|---:|---:|---:|---:|---:|" + ("---:|" if encoder else "")]
    for name, row in data["families"].items():
        low, high = row["difference_interval"]
        line = (f"| {name} | {row['documents']} | **{row['restorer']:.3f}** | {row['edits_only']:.3f} | "
                f"{row['restorer'] - row['edits_only']:+.3f} [{low:+.3f}, {high:+.3f}] | "
                + (f"{row['flagged']:.0%} ({row['flagged_before']:.0%}) |" if "flagged" in row else " |"))
        if "encoder" in row:
            line += f" {row['encoder']:.3f}{'' if row.get('encoder_trained_on_it') else ' (unseen)'} |"
        lines.append(line)
    worst = min(data["families"].items(), key=lambda item: item[1]["restorer"])
    met = "yes" if worst[1]["restorer"] >= DETECTION_TARGET else "**no**"
    if "clean" in data:
        lines += ["", f"Flagged: the share of documents scored >= 0.5 (what `unspin batch` counts as spun; before: the "
                  f"old score's 0.5). The same documents clean: {data['clean']['flagged']:.1%} flagged "
                  f"({data['clean']['flagged_before']:.1%} before)."]
    lines += ["", f"Target (issue 12, at rate 0.1, every family): ROC AUC >= {DETECTION_TARGET}; lowest "
              f"{worst[1]['restorer']:.3f} ({worst[0]}): {met}.", ""]
    return lines


def crawl_cell(crawl: dict | None) -> str:
    """Corpus mode's check of a crawl (``CrawlCheck.to_dict``): its numbers, and ``alone``
    where the texts were restored one at a time."""
    if crawl is None:
        return ""
    return f"{crawl['originals']}, {crawl['share']:.3f}" + crawl_mark(crawl)


def crawl_mark(crawl: dict | None) -> str:
    """How corpus mode read a crawl (``CrawlCheck.mode``; results written before it was kept
    restored every crawl that was not one spinner's alone)."""
    if not crawl:
        return ""
    mode = crawl.get("mode", "corpus" if crawl.get("one_spinner", True) else "alone")
    return {"alone": " (alone)", "without claims": " (no claims)"}.get(mode, "")


def render_corpus(data: dict) -> list[str]:
    lines = ["## Corpus mode", "",
             f"Command: `{data['command']}`: the first {data['paragraphs']} paragraphs of each split spun at "
             f"rate {data['rate']} with one spinner seed ({data['seed']}) for all of them, each paragraph its own "
             "document, restored one at a time and then in corpus mode (`restore_many(texts, corpus=True)`, "
             "`unspin batch --corpus`), where every paragraph hears what the others say about each word. "
             "Corpus mode fits a crawl spun by one spinner; the headline numbers above are one document at a time. "
             "Its first pass checks that premise (`Agreement.check`): the share of an original's restorations that "
             "come from its commonest observed word (one spinner writes each original one way); under 0.8, or "
             "with fewer than 10 originals restored more than once, each paragraph is restored alone (`alone` in "
             "the crawl column).",
             "", "| split | profile | F0.5 alone (P / R) | F0.5 corpus mode (P / R) | crawl: originals, share | "
             "words/s alone | words/s corpus |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for row in data["rows"]:
        alone, corpus = row["document"], row["corpus"]
        if row["profile"] == "clean":
            cells = [f"{alone['false_per_1000']} false edits / 1,000 words",
                     f"{corpus['false_per_1000']} false edits / 1,000 words"]
        else:
            cells = [f"{m['f05']:.3f} ({m['precision']:.3f} / {m['recall']:.3f})" for m in (alone, corpus)]
        lines.append(f"| {row['split']} | {row['profile']} | {cells[0]} | {cells[1]} | {crawl_cell(row.get('crawl'))} | "
                     f"{alone['words_per_second']} | {corpus['words_per_second']} |")
    return lines + [""]


def render_profiles(data: dict) -> list[str]:
    """Spinner profiles (bench/profiles_bench.py writes profiles.json and renders it)."""
    from profiles_bench import render

    return render(data)


def render_load(data: dict) -> list[str]:
    return ["## Server load test", "",
            f"Command: `{data.get('command', 'python bench/load_test.py')}` "
            f"({data['clients']} clients for {data['duration_s']} s against `unspin serve --workers "
            f"{data['workers']}` on loopback, endpoint `{data['endpoint']}`, {data['cpu_count']} cores shared "
            "by server and client).", "",
            "| requests | requests/s | p50 ms | p99 ms | errors | server peak RSS (all workers) |",
            "|---:|---:|---:|---:|---:|---:|",
            f"| {data['requests']} | {data['requests_per_s']} | {data['latency_ms']['p50']} | "
            f"{data['latency_ms']['p99']} | {data['errors']} | {data['server_peak_rss_mb']} MB |", ""]


def render_batch(data: dict) -> list[str]:
    lines = ["## Batch throughput", "",
             f"Command: `{data.get('command', 'python bench/batch_bench.py')}`: a {data['slice_mb']} MB slice "
             f"({data['slice_docs']} documents, about {data['words_per_doc']} words each) of spun training news "
             f"(never eval/), {data['cpus']} cores.", "",
             "| engine | workers | documents | words | seconds | words/s | steady words/s | worker PSS MB |",
             "|---|---:|---:|---:|---:|---:|---:|---|"]
    for run in data["runs"]:
        pss = ", ".join(str(round(v)) for v in run.get("worker_pss_mb", []))
        lines.append(f"| {run['engine']} | {run['workers']} | {run['documents']} | {run['words']} | "
                     f"{run['seconds']} | {run['words_per_s']} | {run['steady_words_per_s']} | {pss} |")
    projection = data["projection_100_ray_workers"]
    lines += ["", f"- speed-up of 2 workers over 1 (steady documents/s): {data['speedup_2_over_1']}",
              f"- projection on paper, 100 Ray workers at {projection['per_worker_docs_per_s']} documents/s "
              f"each: {projection['docs_per_day']:,} documents/day, {projection['memory_gb']} GB of memory",
              f"- what limits it: {projection['limits']}", ""]
    return lines


def render_relations(results: dict) -> list[str]:
    lines = ["## Per-relation accuracy (dev, rate 0.25)", "",
             "| profile | relation | sites | fixed | wrong | missed | recall |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for profile in PROFILES:
        r = condition(results, "dev", profile, 0.25)
        for relation, c in (r or {}).get("per_relation", {}).items():
            lines.append(f"| {profile} | {relation} | {c['sites']} | {c['fixed']} | {c['wrong']} | "
                         f"{c['missed']} | {c['recall']:.3f} |")
    return lines + [""]


def render_worst(results: dict) -> list[str]:
    r = condition(results, "dev", "wordnet", 0.25) or {}
    lines = [f"## The {WORST} most frequent misses (dev, wordnet, rate 0.25)", "",
             "`spun -> restored` is what the restorer left; `gold` the original wording.", "",
             "| n | kind | spun | restored | gold | relation | context |", "|---:|---|---|---|---|---|---|"]
    for item in r.get("worst", []):
        cells = [str(item["count"]), item["kind"], item["spun"], item["restored"], item["original"],
                 item["relation"], item["context"]]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return lines + [""]


def render_false(results: dict) -> list[str]:
    items = results.get("clean_dev", {}).get("top_false", [])
    lines = [f"## The {WORST} most frequent edits on clean text (dev)", "",
             "Every edit on unspun text is a false edit; these limit precision at low spin rates.", "",
             "| n | spun | restored | relation | context |", "|---:|---|---|---|---|"]
    for item in items:
        cells = [str(item["count"]), item["spun"], item["restored"], item["relation"], item["context"]]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return lines + [""]


def render_plot(results: dict) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(6, 4))
    for split, style in (("dev", "-o"), ("test", "--s")):
        for profile in PROFILES:
            points = [(rate, condition(results, split, profile, rate)) for rate in RATES]
            points = [(rate, r["f05"]) for rate, r in points if r]
            if points:
                axes.plot(*zip(*points), style, label=f"{profile} ({split})")
    axes.set_xlabel("spin rate")
    axes.set_ylabel("F0.5")
    axes.set_ylim(0, 1)
    axes.set_title("unspin: F0.5 against spin rate (BBC news eval split)")
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(PLOT, dpi=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--paragraphs", type=int, default=200, help="paragraphs per split")
    parser.add_argument("--splits", default="dev,test")
    parser.add_argument("--render-only", action="store_true")
    args = parser.parse_args()
    if args.render_only:
        results = json.loads(RESULTS.read_text(encoding="utf-8"))
    else:
        results = measure(args.paragraphs, args.splits.split(","))
        write_atomic(RESULTS, json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    write_atomic(MARKDOWN, render_markdown(results))
    render_plot(results)
    print(f"wrote {RESULTS.name}, {MARKDOWN.name}, {PLOT.name}")


if __name__ == "__main__":
    main()
