#!/usr/bin/env python3
"""Spinner profiles (issue 14): learning curves, learning speed, mismatched profiles,
attribution.  Writes bench/profiles.json; ``render`` turns it into a BENCHMARKS.md section.

Every registered family gets a fresh dictionary: spinner seed FRESH_SEED + its index in the
registry (the calibration uses seeds 0 to ~330, the other benchmarks seed 0).  Pages to learn
from are training news (``common.pages``: wmt, fnc1, abc, then bbc without its last 2,000
lines; never eval/), ``--page-words`` words each, spun by that spinner at rate 0.25.  The
held-out texts are the first ``--paragraphs`` paragraphs of news_test, each its own document,
spun by the same spinner.  For each family:

* **learning curve**: F0.5 (per edit and per site, with paired-bootstrap 95% intervals) after
  learning from each of ``--sizes`` pages (each size adds pages to the last: ``learn --update``),
  against no profile and against corpus mode over the same pages plus the held-out texts
  (``passes.gather``, today's corpus mode: everything in one batch);
* **learning speed**: words/s of learning (decode + EM), and with 1 and 2 workers on the same pages;
* **mismatched profile**: F0.5 with the largest profile of every other family against no
  profile (the worst of them is the family's cost), and false edits per 1,000 clean words with
  each family's profile; a profile learned from unspun pages, on clean and on spun text;
* **attribution**: documents of at least 200 words (news_test paragraphs joined), spun by each of
  the five base families, attributed among their five profiles; clean documents and documents
  of a spinner none of them knows (``mixed``, another seed) should get "none".

Calibration: the shipped trees and profile confidence model unless ``--lofo`` names the
leave-one-family-out ones (FAMILY/calibration.json and FAMILY/profile_confidence.json:
``scripts/calibrate.py fit --exclude`` and ``fit-profile --exclude``).

    python bench/profiles_bench.py                 # the default run: sizes 10, 100, 1000
    python bench/profiles_bench.py --sizes 10,100,1000,10000 --paragraphs 200   # the full curve
    python bench/profiles_bench.py --speed-only                     # redo the speed part of bench/profiles.json
    python bench/profiles_bench.py --attribution-only build/profiles  # redo attribution with a --save run's profiles
    python bench/profiles_bench.py --lofo build/lofo --profiles-from build/profiles  # restore again with a --save
        # run's profiles (after a change to how profiles are read); learning and corpus mode come from --out
    python bench/profiles_bench.py --lofo build/lofo --profiles-from build/profiles --corpus-only  # only corpus
        # mode and the profile with corpus mode ("+ corpus"), again, into --out
    python bench/profiles_bench.py --learn-only --save build/profiles   # only learn and keep the profiles, as a
        # --save run learns them (after a change to learning; then --profiles-from measures them)
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BENCH, RATE, documents_of_words, pages, paragraphs  # noqa: E402
from families_bench import restorer_without, scores  # noqa: E402
from unspin.evaluate import words  # noqa: E402
from unspin.evidence import Agreement  # noqa: E402
from unspin.profiles import read, write  # noqa: E402
from unspin.profiles.attribution import attribute, fits  # noqa: E402
from unspin.registry import families  # noqa: E402
from unspin.restorer import Restorer  # noqa: E402
from unspin.simulate import spin  # noqa: E402
from unspin.textio import write_atomic  # noqa: E402
from unspin.tokenize import tokenize  # noqa: E402

RESULTS = BENCH / "profiles.json"
FRESH_SEED = 14001  # family i of the registry spins with seed FRESH_SEED + i
BASE_FAMILIES = ("wordnet", "thesaurus", "tortured", "wordnet-walk", "thesaurus-b")  # attribution's five
UNKNOWN = ("mixed", 14999)  # a spinner none of the five profiles knows
ATTRIBUTION_WORDS = 200
TWO_WORKERS_SPEEDUP = 1.75  # how we read the issue's "two workers nearly double it"
SHORT_DOCUMENTS = 200  # single news paragraphs attributed as documents of their own
SPEED_ROUNDS = 3  # learning speed: best of this many runs of each worker count
TARGETS = {"f05_at_1000": 0.92, "learning_words_per_second": 2000, "mismatched_cost": 0.02,
           "mismatched_false_per_1000": 0.2, "attribution": 0.95}


def seed_of(name: str) -> int:
    return FRESH_SEED + families.names().index(name)


def timed(function, *args, **kwargs):
    began = time.perf_counter()
    value = function(*args, **kwargs)
    return value, time.perf_counter() - began


def word_count(texts) -> int:
    return sum(len(words(text)) for text in texts)


def false_per_1000(restorations, texts) -> float:
    return round(1000 * sum(len(r.edits) for r in restorations) / max(1, word_count(texts)), 3)


def learning_curve(name: str, restorer: Restorer, scorer: Restorer, texts: list[str], all_pages: list[str],
                   sizes: list[int], workers: int, corpus_mode: bool, save: Path | None = None,
                   saved: tuple[Path, dict] | None = None, corpus_again: bool = False):
    """One family's row, and its largest profile.  ``saved``: (the folder of a --save run,
    that run's row of the family): its profiles are read instead of learned, and the learning
    and corpus-mode entries are that run's (corpus mode is run again with ``corpus_again``).
    Corpus mode is ``restore_many(texts, corpus=True)`` over the pages and the held-out texts:
    where that crawl does not read as one spinner's (``Agreement.check``), the texts are
    restored alone."""
    seed = seed_of(name)
    golds = [spin(text, name, seed, RATE) for text in texts]
    spun_pages = [spin(page, name, seed, RATE).spun for page in all_pages]
    spun = [gold.spun for gold in golds]
    restored, seconds = timed(lambda: [scorer.restore(text) for text in spun])
    row = {"seed": seed, "independent": families.get(name).independent, "none": scores(golds, restored),
           "none_words_per_second": round(word_count(spun) / seconds, 1), "sizes": {}}
    profile = None
    learned = 0
    fresh_corpus = corpus_mode and (saved is None or corpus_again)
    crawls = growing_crawl(restorer, spun, spun_pages, sizes) if fresh_corpus else None
    for size in sizes:
        new = spun_pages[learned:size]
        before = saved[1]["sizes"][str(size)] if saved is not None else None  # that run's entry
        if saved is None:
            profile, seconds = timed(restorer.learn, new, workers=workers, update=profile, name=f"{name}-{size}")
        else:
            profile, seconds = read(saved[0] / f"{name}-{size}.tsv.gz"), None
        learned = size
        if save is not None and saved is None:
            write(profile, save / f"{name}-{size}.tsv.gz")
        with_profile = scorer.with_profile(profile)
        restored, restore_seconds = timed(lambda: [with_profile.restore(text) for text in spun])
        entry = {"pages": size, "words": profile.header["words"], "readings": profile.statistics()["entries"],
                 "iterations": profile.header["learned"][-1]["iterations"],
                 "learn_words_per_second": (round(word_count(new) / seconds, 1) if before is None
                                            else before["learn_words_per_second"]),
                 "profile": scores(golds, restored),
                 "profile_words_per_second": round(word_count(spun) / restore_seconds, 1)}
        if before is not None and "corpus" in before and not fresh_corpus:
            entry["corpus"] = before["corpus"]
        elif fresh_corpus:
            _size, evidence, check = next(crawls)
            entry.update(corpus_entries(scorer, profile, evidence, check, golds))
        row["sizes"][str(size)] = entry
        corpus_f05 = entry.get("corpus", {}).get("per_edit", {}).get("f05")
        print(f"{name:>14} {size:>6} pages: profile F0.5 {entry['profile']['per_edit']['f05']:.3f} "
              f"(site {entry['profile']['per_site']['f05']:.3f}), none {row['none']['per_edit']['f05']:.3f}"
              + (f", corpus mode {corpus_f05:.3f}" if corpus_f05 is not None else "")
              + f"; learning {entry['learn_words_per_second']:,.0f} words/s", flush=True)
    return row, profile, golds


def growing_crawl(restorer: Restorer, held_out: list[str], spun_pages: list[str], sizes: list[int]):
    """For each size (rising): the size, and corpus mode's evidence and check over the held-out
    texts plus the first SIZE pages (``Agreement.for_corpus_mode``); each page is read once."""
    corpus = Agreement(corpus=True).merge(restorer.gather(held_out))
    read_up_to = 0
    for size in sizes:
        corpus.merge(restorer.gather(spun_pages[read_up_to:size]))
        read_up_to = size
        yield (size, *corpus.for_corpus_mode())


def corpus_entries(scorer: Restorer, profile, evidence, check, golds) -> dict:
    """Corpus mode over the pages and the held-out texts (``evidence``: None where the crawl's
    check found it not one spinner's), and the same with the profile too: what `unspin batch
    --corpus --profile PROFILE` does with a batch of the spinner's pages."""
    spun = [gold.spun for gold in golds]
    both = scorer.with_profile(profile).with_corpus(evidence)
    return {"corpus": {**scores(golds, [scorer.with_corpus(evidence).restore(text) for text in spun]),
                       "crawl": check.to_dict()},
            "profile_corpus": scores(golds, [both.restore(text) for text in spun])}


def learn_only(args) -> None:
    """--learn-only: learn each family's profiles at every size and write them to --save, as
    ``learning_curve`` learns them (the same pages, seeds and ``--update`` chain); nothing is
    measured."""
    sizes = sorted(int(size) for size in args.sizes.split(","))
    all_pages = pages(sizes[-1], words=args.page_words)
    restorer = Restorer()
    restorer.restore("warm up")
    args.save.mkdir(parents=True, exist_ok=True)
    for name in [name for name in args.families.split(",") if name]:
        spun_pages = [spin(page, name, seed_of(name), RATE).spun for page in all_pages]
        profile, learned = None, 0
        for size in sizes:
            profile = restorer.learn(spun_pages[learned:size], workers=args.workers, update=profile,
                                     name=f"{name}-{size}")
            learned = size
            write(profile, args.save / f"{name}-{size}.tsv.gz")
            print(f"{name:>14} {size:>6} pages: {profile.statistics()['entries']} readings", flush=True)


def corpus_again(args) -> None:
    """--corpus-only: corpus mode, and the profile with corpus mode, again for every family and
    size of --out with the profiles of --profiles-from (learning, the profile alone, mismatched
    profiles, speeds and attribution stay --out's); then the summary, and print the section."""
    results = json.loads(args.out.read_text(encoding="utf-8"))
    texts = paragraphs(results["split"], results["paragraphs"])
    all_pages = pages(max(results["sizes"]), words=results["page_words"])
    restorer = Restorer()
    for name, row in results["families"].items():
        scorer, _trees = restorer_without(name, args.lofo)
        golds = [spin(text, name, row["seed"], RATE) for text in texts]
        spun_pages = [spin(page, name, row["seed"], RATE).spun for page in all_pages]
        for size, evidence, check in growing_crawl(restorer, [gold.spun for gold in golds], spun_pages,
                                                   sorted(results["sizes"])):
            profile = read(args.profiles_from / f"{name}-{size}.tsv.gz")
            entry = row["sizes"][str(size)]
            entry.update(corpus_entries(scorer, profile, evidence, check, golds))
            print(f"{name:>14} {size:>6} pages: profile {entry['profile']['per_edit']['f05']:.3f}, corpus mode "
                  f"{entry['corpus']['per_edit']['f05']:.3f}, profile + corpus mode "
                  f"{entry['profile_corpus']['per_edit']['f05']:.3f}", flush=True)
    results["corpus_again"] = True
    results["corpus_command"] = "python " + " ".join(["bench/profiles_bench.py"] + sys.argv[1:])
    results["summary"] = summary(results)
    write_atomic(args.out, json.dumps(results, indent=1) + "\n")
    print("\n".join(render(results)))


def speed(spun_pages: list[str], held_out: list[str] | None = None, restorer: Restorer | None = None,
          rounds: int = SPEED_ROUNDS) -> dict:
    """Learning words/s with one worker and with two: ``unspin learn --workers N`` on the same
    pages, each run a fresh process (model loading, decoding, EM and discovery, writing the
    profile: the wall time a user waits).  The two are run in turn ``rounds`` times and the
    best of each is reported (every run is recorded): on a shared machine a run that another
    job slowed measures that job, not unspin.  With ``held_out`` (texts of the same spinner),
    also warm restoring words/s in this process with the learned profile and without it (with
    ``restorer``, the one already loaded)."""
    import subprocess
    import tempfile

    found = {"pages": len(spun_pages), "words": word_count(spun_pages), "cpus": os.cpu_count(), "rounds": rounds,
             "how": f"unspin learn PAGES.jsonl --workers N, a fresh process each, wall time, best of {rounds}"}
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "pages.jsonl"
        source.write_text("".join(json.dumps({"text": page}) + "\n" for page in spun_pages), encoding="utf-8")
        for _round in range(rounds):
            for workers in (1, 2):
                load = [round(x, 2) for x in os.getloadavg()]
                command = [sys.executable, "-c", "from unspin.cli import main; main()", "learn", str(source),
                           "--output", str(Path(folder) / f"learned-{workers}.tsv"), "--workers", str(workers)]
                began = time.perf_counter()
                subprocess.run(command, check=True, capture_output=True)
                seconds = time.perf_counter() - began
                found.setdefault(f"runs_{workers}", []).append(
                    {"seconds": round(seconds, 2), "load_average_before": load})
        for workers in (1, 2):
            best = min(run["seconds"] for run in found[f"runs_{workers}"])
            found[f"words_per_second_{workers}"] = round(found["words"] / best, 1)
            found[f"words_per_second_per_worker_{workers}"] = round(found["words"] / best / workers, 1)
        if held_out:
            found["restore"] = restore_speed(restorer or Restorer(), held_out, read(Path(folder) / "learned-1.tsv"))
    return found


def restore_speed(restorer: Restorer, texts: list[str], profile, rounds: int = 3) -> dict:
    """Warm words/s restoring ``texts`` one at a time without and with ``profile`` (both
    read once first, then timed in turn ``rounds`` times: the best of each)."""
    with_profile = restorer.with_profile(profile)
    for text in texts:  # warm: the reading cache and the profile's sums
        restorer.restore(text)
        with_profile.restore(text)
    best = {"none": 0.0, "profile": 0.0}
    words = word_count(texts)
    for _ in range(rounds):
        for name, chosen in (("none", restorer), ("profile", with_profile)):
            began = time.perf_counter()
            for text in texts:
                chosen.restore(text)
            best[name] = max(best[name], words / (time.perf_counter() - began))
    return {"texts": len(texts), "words": words, "rounds": rounds,
            "words_per_second_none": round(best["none"], 1), "words_per_second_profile": round(best["profile"], 1)}


def attribution(profiles: dict, split: str, documents: int, min_words: int = ATTRIBUTION_WORDS) -> dict:
    """Documents of >= ``min_words`` words (news paragraphs joined; 1: each paragraph on its
    own) attributed among the five base profiles."""
    chosen = {name: profiles[name] for name in BASE_FAMILIES if name in profiles}
    docs = documents_of_words(split, min_words, documents)
    found = {"profiles": list(chosen), "documents_per_spinner": len(docs), "min_words": min_words,
             "mean_words": round(sum(len(doc.split()) for doc in docs) / max(1, len(docs)), 1), "spinners": {}}
    right = total = 0
    for name in chosen:
        named = [attribute(fits(tokenize(spin(doc, name, seed_of(name), RATE).spun), chosen)).profile
                 for doc in docs]
        hits = sum(n == name for n in named)
        found["spinners"][name] = {"right": hits, "none": sum(n is None for n in named), "documents": len(named)}
        right += hits
        total += len(named)
    found["accuracy"] = round(right / max(1, total), 4)
    clean = [attribute(fits(tokenize(doc), chosen)).profile for doc in docs]
    found["clean_none"] = round(sum(n is None for n in clean) / max(1, len(clean)), 4)
    unknown_name, unknown_seed = UNKNOWN
    unknown = [attribute(fits(tokenize(spin(doc, unknown_name, unknown_seed, RATE).spun), chosen)).profile
               for doc in docs]
    found["unknown_spinner"] = unknown_name
    found["unknown_none"] = round(sum(n is None for n in unknown) / max(1, len(unknown)), 4)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--families", default=",".join(families.names()))
    parser.add_argument("--sizes", default="10,100,1000", help="pages learned from (comma-separated, rising)")
    parser.add_argument("--paragraphs", type=int, default=100, help="held-out news paragraphs per family")
    parser.add_argument("--split", choices=("dev", "test"), default="test")
    parser.add_argument("--page-words", type=int, default=200)
    parser.add_argument("--workers", type=int, default=1, help="learning workers")
    parser.add_argument("--lofo", type=Path, help="folder of leave-one-out trees (NAME/calibration.json)")
    parser.add_argument("--no-corpus", action="store_true", help="skip corpus mode")
    parser.add_argument("--speed-pages", type=int, default=600, help="pages of the 1-vs-2-worker speed run (0: skip)")
    parser.add_argument("--speed-only", action="store_true",
                        help="only the speed run: update --out's speed and summary, and print the section")
    parser.add_argument("--attribution-documents", type=int, default=40)
    parser.add_argument("--attribution-only", type=Path, default=None, metavar="FOLDER",
                        help="only attribution, with the largest profiles a --save run kept in FOLDER: "
                             "update --out's attribution rows and summary, and print the section")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--save", type=Path, default=None, help="a folder to keep the learned profiles in")
    parser.add_argument("--profiles-from", type=Path, default=None, metavar="FOLDER",
                        help="read the profiles a --save run kept in FOLDER instead of learning them; learning "
                             "speeds and corpus mode are taken from that run's --out")
    parser.add_argument("--corpus-only", action="store_true",
                        help="with --profiles-from: only corpus mode and the profile with corpus mode, again, into --out")
    parser.add_argument("--learn-only", action="store_true",
                        help="only learn every family's profiles and write them to --save (nothing measured)")
    parser.add_argument("--corpus-again", action="store_true",
                        help="with --profiles-from: run corpus mode again (with this code) instead of taking that run's")
    args = parser.parse_args()

    if args.learn_only:
        if args.save is None:
            raise SystemExit("--learn-only writes the profiles to --save")
        learn_only(args)
        return
    if args.corpus_only:
        if args.profiles_from is None:
            raise SystemExit("--corpus-only reads the profiles of --profiles-from")
        corpus_again(args)
        return
    if args.attribution_only or args.speed_only:
        rerun_part(args)
        return
    sizes = sorted(int(size) for size in args.sizes.split(","))
    names = [name for name in args.families.split(",") if name]
    if len(names) < 2:  # each family is restored with the others' profiles, and attributed among them
        raise SystemExit("--families needs at least two families: the mismatched-profile and attribution "
                         "parts compare each family's profile with the others'")
    texts = paragraphs(args.split, args.paragraphs)
    all_pages = pages(sizes[-1], words=args.page_words)
    if len(all_pages) < sizes[-1]:
        raise SystemExit(f"only {len(all_pages)} pages of {args.page_words} words in the training news")
    restorer = Restorer()
    restorer.restore("warm up")
    earlier = json.loads(args.out.read_text(encoding="utf-8")) if args.profiles_from else None
    results = {"command": "python " + " ".join(["bench/profiles_bench.py"] + sys.argv[1:]),
               "date": datetime.date.today().isoformat(), "signature": restorer.signature, "split": args.split,
               "paragraphs": len(texts), "rate": RATE, "page_words": args.page_words, "sizes": sizes,
               # the learning speeds are that run's when the profiles are read from it
               "workers": earlier.get("workers", 1) if earlier else args.workers, "targets": TARGETS, "families": {},
               **({"profiles_from": str(args.profiles_from)} if args.profiles_from else {}),
               **({"corpus_again": True} if args.corpus_again and args.profiles_from else {})}
    profiles = {}
    golds_of = {}
    for name in names:
        scorer, trees = restorer_without(name, args.lofo)
        saved = (args.profiles_from, earlier["families"][name]) if earlier else None
        row, profile, golds = learning_curve(name, restorer, scorer, texts, all_pages, sizes, args.workers,
                                             not args.no_corpus, args.save, saved, args.corpus_again)
        row["trees"] = trees
        results["families"][name] = row
        profiles[name], golds_of[name] = profile, golds
        write_atomic(args.out, json.dumps(results, indent=1) + "\n")  # partial results survive a stop

    # mismatched profiles: another family's largest profile, on spun text with the same trees as
    # "none" (the leave-one-out ones with --lofo), and each family's profile on clean text with
    # the shipped trees (as clean text without a profile)
    clean_plain = [restorer.restore(text) for text in texts]
    mismatched = {"clean_none_false_per_1000": false_per_1000(clean_plain, texts), "families": {}}
    unspun_pages = all_pages[: min(100, len(all_pages))]
    unspun = restorer.learn(unspun_pages, name="unspun")
    mismatched["unspun_profile"] = {
        "pages": len(unspun_pages), "readings": unspun.statistics()["entries"],
        "clean_false_per_1000": false_per_1000([restorer.with_profile(unspun).restore(t) for t in texts], texts),
        "f05": {}}
    for name in names:
        same_trees = restorer_without(name, args.lofo)[0]  # as "none" was restored
        golds = golds_of[name]
        with_unspun = same_trees.with_profile(unspun)
        every = {other: scores(golds, [same_trees.with_profile(profiles[other]).restore(g.spun)
                                       for g in golds])["per_edit"]["f05"] for other in names if other != name}
        none_f05 = results["families"][name]["none"]["per_edit"]["f05"]
        other = min(every, key=every.get)  # the profile that costs most
        entry = {"profile_of": other, "f05": every[other], "none_f05": none_f05, "every": every,
                 "mean_cost": round(sum(none_f05 - f for f in every.values()) / max(1, len(every)), 4),
                 "clean_false_per_1000": false_per_1000([restorer.with_profile(profiles[name]).restore(t)
                                                         for t in texts], texts)}
        entry["cost"] = round(entry["none_f05"] - entry["f05"], 4)
        mismatched["families"][name] = entry
        mismatched["unspun_profile"]["f05"][name] = scores(
            golds, [with_unspun.restore(g.spun) for g in golds])["per_edit"]["f05"]
        print(f"{name:>14} with the {other} profile (the worst of {len(every)}): F0.5 {entry['f05']:.3f} "
              f"(none {entry['none_f05']:.3f}); "
              f"clean text with the {name} profile: {entry['clean_false_per_1000']} false edits / 1,000 words "
              f"(none {mismatched['clean_none_false_per_1000']})", flush=True)
    results["mismatched"] = mismatched
    if earlier is not None:  # learning was not timed again; restoring with a profile is
        for part in ("speed", "speed_command"):
            if part in earlier:
                results[part] = earlier[part]
        if "speed" in results:
            first = names[0]
            largest = f"{first}-{sizes[-1]}"
            results["speed"]["restore"] = dict(
                restore_speed(restorer, [gold.spun for gold in golds_of[first]], profiles[first]), profile=largest)
    elif args.speed_pages:
        first = names[0]
        results["speed"] = speed([spin(page, first, seed_of(first), RATE).spun for page in all_pages[: args.speed_pages]],
                                 [gold.spun for gold in golds_of[first]], restorer)
        print(f"learning speed: {results['speed']}", flush=True)
    results["attribution"] = attribution(profiles, args.split, args.attribution_documents)
    results["attribution_short"] = attribution(profiles, args.split, SHORT_DOCUMENTS, min_words=1)
    print(f"attribution: {results['attribution']}", flush=True)
    results["summary"] = summary(results)
    write_atomic(args.out, json.dumps(results, indent=1) + "\n")
    print("\n".join(render(results)))


def rerun_part(args) -> None:
    """--attribution-only / --speed-only: redo that part of the run saved in --out, then its
    summary, and print the section."""
    results = json.loads(args.out.read_text(encoding="utf-8"))
    command = "python " + " ".join(["bench/profiles_bench.py"] + sys.argv[1:])
    if args.attribution_only:
        largest = max(results["sizes"])
        saved = {name: read(args.attribution_only / f"{name}-{largest}.tsv.gz") for name in BASE_FAMILIES}
        results["attribution"] = attribution(saved, args.split, args.attribution_documents)
        results["attribution_short"] = attribution(saved, args.split, SHORT_DOCUMENTS, min_words=1)
        results["attribution_command"] = command
    if args.speed_only:
        first = next(iter(results["families"]))
        spun = [spin(page, first, seed_of(first), RATE).spun for page in pages(args.speed_pages, words=args.page_words)]
        held_out = [spin(text, first, seed_of(first), RATE).spun for text in paragraphs(args.split, args.paragraphs)]
        results["speed"] = speed(spun, held_out)
        results["speed_command"] = command
    results["summary"] = summary(results)
    write_atomic(args.out, json.dumps(results, indent=1) + "\n")
    print("\n".join(render(results)))


def summary(results: dict) -> dict:
    """The issue's targets, measured."""
    rows = results["families"]
    largest = str(max(results["sizes"]))
    at = {name: row["sizes"][largest]["profile"]["per_edit"]["f05"] for name, row in rows.items()}
    beats = {name: all(entry["profile"]["per_edit"]["f05"] > entry["corpus"]["per_edit"]["f05"]
                       for entry in row["sizes"].values() if "corpus" in entry) for name, row in rows.items()}
    with_corpus = {name: all(entry["profile_corpus"]["per_edit"]["f05"] > entry["corpus"]["per_edit"]["f05"]
                             for entry in row["sizes"].values())
                   for name, row in rows.items()
                   if all("profile_corpus" in entry for entry in row["sizes"].values())}
    workers = results.get("workers", 1)  # the curve's speeds are of all its workers together: per worker
    learning = [entry["learn_words_per_second"] / workers for row in rows.values() for entry in row["sizes"].values()
                if entry["pages"] >= 100] or [entry["learn_words_per_second"] / workers for row in rows.values()
                                              for entry in row["sizes"].values()]
    mismatched = results["mismatched"]["families"]
    return {"largest_size": int(largest), "f05_at_largest": at, "beats_corpus_mode_at_every_size": beats,
            "with_corpus_beats_corpus_mode_at_every_size": with_corpus,
            "learning_words_per_second_median": round(sorted(learning)[len(learning) // 2], 1) if learning else None,
            "mismatched_cost_max": max((e["cost"] for e in mismatched.values()), default=None),
            "mismatched_clean_false_per_1000_max": max((e["clean_false_per_1000"] for e in mismatched.values()),
                                                      default=None),
            "mismatched_clean_false_gain_max": max(
                (round(e["clean_false_per_1000"] - results["mismatched"]["clean_none_false_per_1000"], 3)
                 for e in mismatched.values()), default=None),
            "attribution_accuracy": results["attribution"]["accuracy"],
            "learning_two_workers": ({"per_worker": results["speed"]["words_per_second_per_worker_2"],
                                      # three places: 1.7487 must not pass as 1.75
                                      "speedup": round(results["speed"]["words_per_second_2"]
                                                       / results["speed"]["words_per_second_1"], 3)}
                                     if results.get("speed") else None)}


def render(data: dict) -> list[str]:
    """The BENCHMARKS.md section (bench/run_benchmarks.py can add it with render_saved)."""
    sizes = [str(size) for size in data["sizes"]]
    lines = ["## Spinner profiles (issue 14)", "",
             f"Command: `{data['command']}` ({data['date']}). Each family spins with a fresh dictionary "
             f"(seed {FRESH_SEED} + its place in the registry); a profile is learned (`unspin learn`, each size "
             f"adding pages to the last with `--update`) from pages of {data['page_words']} words of training "
             f"news spun by that spinner, and the first {data['paragraphs']} paragraphs of news_{data['split']}, "
             "spun by the same spinner, are restored with it one at a time. Corpus mode: today's corpus mode "
             "over the same pages plus the held-out paragraphs in one batch (so it also reads the texts it "
             "restores, which a stored profile has never seen). Learning finds readings no channel holds "
             "(`unspin.profiles.discovery`), and readings restored with a profile get their confidence from the "
             "profile confidence model (`profile_confidence.json`; with `--lofo`, the one fitted without the "
             "family). F0.5 per edit [95% paired-bootstrap interval]; per site in the second table."
             + (f" The profiles are read from `{data['profiles_from']}`, learned as a run with `--save` learns "
                "them (`--save`, or `--learn-only --save`); the learning speeds in the curve "
                + ("are the last learning run's; corpus mode was run again." if data.get("corpus_again")
                   else "and corpus mode are the last learning run's.")
                if data.get("profiles_from") else "")
             + " Corpus mode checks that the crawl reads as one spinner's (`Agreement.check`); `(alone)`: it did "
             "not, and the paragraphs were restored one at a time."
             + (" `+ corpus`: the profile and corpus mode together, as `unspin batch --corpus --profile PROFILE` "
                "restores a batch of the spinner's pages (a profile of 100 pages or more, `Profile.seasoned`, reads the "
                "documents it fits alone)" + (f" (corpus mode and `+ corpus`: `{data['corpus_command']}`)"
                                                               if data.get("corpus_command") else "") + "."
                if any("profile_corpus" in entry for row in data["families"].values() for entry in row["sizes"].values())
                else ""), "",
             "| family | none | " + " | ".join(f"{size} pages: profile / corpus mode" for size in sizes)
             + " |", "|---|---:|" + "---:|" * len(sizes)]
    for name, row in data["families"].items():
        cells = []
        for size in sizes:
            entry = row["sizes"].get(size)
            if entry is None:
                cells.append("")
                continue
            edit = entry["profile"]["per_edit"]
            corpus = entry.get("corpus", {}).get("per_edit", {})
            alone = "" if entry.get("corpus", {}).get("crawl", {}).get("one_spinner", True) else " (alone)"
            both = entry.get("profile_corpus", {}).get("per_edit", {})
            cells.append(f"**{edit['f05']:.3f}** {list(edit['f05_interval'])} / "
                         + (f"{corpus['f05']:.3f} {list(corpus['f05_interval'])}{alone}" if corpus else "-")
                         + (f" (+ corpus {both['f05']:.3f} {list(both['f05_interval'])})" if both else ""))
        lines.append(f"| {name} | {row['none']['per_edit']['f05']:.3f} | " + " | ".join(cells) + " |")
    lines += ["", "| family (per site) | none | " + " | ".join(f"{size} pages: profile / corpus" for size in sizes)
              + " |", "|---|---:|" + "---:|" * len(sizes)]
    for name, row in data["families"].items():
        cells = []
        for size in sizes:
            entry = row["sizes"].get(size, {})
            site = entry.get("profile", {}).get("per_site", {}).get("f05")
            corpus = entry.get("corpus", {}).get("per_site", {}).get("f05")
            cells.append(("-" if site is None else f"{site:.3f}") + " / " + ("-" if corpus is None else f"{corpus:.3f}"))
        lines.append(f"| {name} | {row['none']['per_site']['f05']:.3f} | " + " | ".join(cells) + " |")
    mismatched = data.get("mismatched")
    if mismatched:
        lines += ["", f"Mismatched profiles (clean news_{data['split']} text without a profile: "
                  f"{mismatched['clean_none_false_per_1000']} false edits / 1,000 words):", "",
                  "| spun by | profile of (the costliest) | F0.5 with it | F0.5 none | cost | mean cost, every other "
                  "profile | clean text with this family's profile: false / 1,000 words |",
                  "|---|---|---:|---:|---:|---:|---:|"]
        for name, entry in mismatched["families"].items():
            mean = f"{entry['mean_cost']:+.3f} ({len(entry['every'])})" if "every" in entry else "-"
            lines.append(f"| {name} | {entry['profile_of']} | {entry['f05']:.3f} | {entry['none_f05']:.3f} | "
                         f"{entry['cost']:+.3f} | {mean} | {entry['clean_false_per_1000']} |")
        unspun = mismatched.get("unspun_profile")
        if unspun:
            lines += ["", f"A profile learned from {unspun['pages']} unspun pages ({unspun['readings']} readings): "
                      f"{unspun['clean_false_per_1000']} false edits / 1,000 clean words; F0.5 with it: "
                      + ", ".join(f"{n} {f:.3f}" for n, f in unspun["f05"].items()) + "."]
    speed = data.get("speed")
    if speed:
        if "runs_1" in speed:
            runs = "; runs in seconds, one worker: " + ", ".join(
                f"{run['seconds']} (load {run['load_average_before'][0]})" for run in speed["runs_1"]) + "; two: " + \
                ", ".join(f"{run['seconds']} (load {run['load_average_before'][0]})" for run in speed["runs_2"])
        else:
            runs = f"; load average before {speed.get('load_average_1', speed.get('load_average'))}"
        lines += ["", f"Learning speed (`{data.get('speed_command', data['command'])}`: {speed['pages']} pages, "
                  f"{speed['words']:,} words, {speed.get('how', 'in one process')}; {speed['cpus']} CPUs{runs}): "
                  f"{speed['words_per_second_1']:,} words/s with one worker, "
                  f"{speed['words_per_second_2']:,} with two ({speed['words_per_second_per_worker_2']:,} per worker, "
                  f"{speed['words_per_second_2'] / speed['words_per_second_1']:.3f}x)."]
        restore = speed.get("restore")
        if restore:
            lines[-1] += (f" Restoring {restore['texts']} held-out paragraphs of the same spinner warm, one at a time "
                          f"(best of {restore['rounds']}): {restore['words_per_second_none']:,} words/s without a profile, "
                          f"{restore['words_per_second_profile']:,} with "
                          + (f"its {restore['profile']} profile." if "profile" in restore
                             else "the profile learned from those pages."))
    found = data.get("attribution")
    if found:
        lines += ["", f"Attribution among the {len(found['profiles'])} profiles ({', '.join(found['profiles'])})"
                  + (f" (`{data['attribution_command']}`)" if data.get("attribution_command") else "") + ", "
                  f"{found['documents_per_spinner']} documents of >= {found['min_words']} words per spinner: "
                  f"**{found['accuracy']:.1%}** named right; clean documents named none: {found['clean_none']:.0%}; "
                  f"documents of a spinner none knows ({found['unknown_spinner']}) named none: "
                  f"{found['unknown_none']:.0%}."]
    short = data.get("attribution_short")
    if short:
        lines += ["", f"The same for single news paragraphs ({short['documents_per_spinner']} per spinner, "
                  f"{short['mean_words']:.0f} words on average): "
                  f"**{short['accuracy']:.1%}** named right ("
                  + ", ".join(f"{n} {v['right'] / max(1, v['documents']):.0%}" for n, v in short["spinners"].items())
                  + f"); clean named none: {short['clean_none']:.0%}; {short['unknown_spinner']} named none: "
                  f"{short['unknown_none']:.0%}."]
    summary_ = data.get("summary")
    if summary_:
        targets = data["targets"]
        worst = min(summary_["f05_at_largest"].values()) if summary_["f05_at_largest"] else 0.0
        rows = [(f"F0.5 at {summary_['largest_size']:,} pages, every family", f">= {targets['f05_at_1000']}",
                 f"{worst:.3f} (worst)", worst >= targets["f05_at_1000"]),
                ("better than corpus mode at every size", "every family",
                 ", ".join(n for n, ok in summary_["beats_corpus_mode_at_every_size"].items() if not ok) or "all",
                 all(summary_["beats_corpus_mode_at_every_size"].values())),
                *([("... the profile with corpus mode (`+ corpus`) better than corpus mode alone at every size",
                    "every family",
                    ", ".join(n for n, ok in summary_["with_corpus_beats_corpus_mode_at_every_size"].items() if not ok)
                    or "all", all(summary_["with_corpus_beats_corpus_mode_at_every_size"].values()))]
                  if summary_.get("with_corpus_beats_corpus_mode_at_every_size") else []),
                ("learning words/s per worker", f">= {targets['learning_words_per_second']:,}",
                 f"{summary_['learning_words_per_second_median'] or 0:,}",
                 (summary_["learning_words_per_second_median"] or 0) >= targets["learning_words_per_second"]),
                *([("learning with two workers: words/s per worker (speed-up)",
                    f">= {targets['learning_words_per_second']:,} (>= {TWO_WORKERS_SPEEDUP}x: 'nearly double')",
                    f"{summary_['learning_two_workers']['per_worker']:,} ({summary_['learning_two_workers']['speedup']}x)",
                    summary_["learning_two_workers"]["per_worker"] >= targets["learning_words_per_second"]
                    and summary_["learning_two_workers"]["speedup"] >= TWO_WORKERS_SPEEDUP)]
                  if summary_.get("learning_two_workers") else []),
                ("mismatched profile: F0.5 cost", f"<= {targets['mismatched_cost']}",
                 f"{summary_['mismatched_cost_max']:+.3f} (worst)",
                 summary_["mismatched_cost_max"] <= targets["mismatched_cost"]),
                ("a profile on clean text: false edits gained / 1,000 words (most of any family's)",
                 f"<= {targets['mismatched_false_per_1000']}",
                 f"{summary_['mismatched_clean_false_gain_max']:+.3f} "
                 f"({summary_['mismatched_clean_false_per_1000_max']} with it, "
                 f"{data['mismatched']['clean_none_false_per_1000']} without)",
                 summary_["mismatched_clean_false_gain_max"] <= targets["mismatched_false_per_1000"]),
                ("attribution, documents >= 200 words, five profiles", f">= {targets['attribution']:.0%}",
                 f"{summary_['attribution_accuracy']:.1%}", summary_["attribution_accuracy"] >= targets["attribution"])]
        lines += ["", "| target (issue 14) | wanted | measured | met |", "|---|---|---:|---|"]
        lines += [f"| {what} | {wanted} | {got} | {'yes' if ok else ('see note' if ok is None else '**no**')} |"
                  for what, wanted, got, ok in rows]
        lines += ["", "The false-edit target ('clean text gains <= 0.2 false edits per 1,000 words') is the gain: "
                  "clean text with each family's largest profile against the same text without one."]
    return lines + [""]


if __name__ == "__main__":
    main()
