#!/usr/bin/env python3
"""A paired check of a change to learning: learn one family's profile with the code on the
path, restore held-out paragraphs with it, keep the per-document counts; then compare two
such runs (paired bootstrap over documents) and the discovery pairings each found.

    # the code before the change (another checkout) and after it, same family and texts
    PYTHONPATH=OLD/src python bench/profile_pair.py learn wordnet-walk --out build/pair/ww-old
    python bench/profile_pair.py learn wordnet-walk --out build/pair/ww-new
    python bench/profile_pair.py compare build/pair/ww-old.json build/pair/ww-new.json
    # a change to how a profile is read: the same profile, restored again with the new code
    python bench/profile_pair.py restore wordnet-walk --profile build/pair/ww-old.tsv.gz --out build/pair/ww-read

``learn`` spins PAGES pages of training news (``common.pages``, 200 words each) with the
family's profiles-benchmark dictionary (``profiles_bench.seed_of``), learns a profile from
them in one go (as ``unspin learn``), writes it beside the counts (OUT.tsv.gz), and restores
the first N paragraphs of the split (news_dev unless told) spun by the same spinner, with the
shipped trees (``--lofo`` for the leave-one-out ones).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import RATE, pages, paragraphs  # noqa: E402
from families_bench import restorer_without, scores  # noqa: E402
from profiles_bench import seed_of  # noqa: E402
from unspin.evaluate import Counts, bootstrap, document_counts  # noqa: E402
from unspin.profiles import learning, read, write  # noqa: E402
from unspin.simulate import spin  # noqa: E402


def learn(args) -> None:
    found: list = []
    discover = learning.discover

    def recorded(*given):
        profile, pairings = discover(*given)
        found.extend(pairings)
        return profile, pairings

    learning.discover = recorded  # keep the pairings the run finds
    restorer, trees = restorer_without(args.family, args.lofo)
    seed = seed_of(args.family)
    spun_pages = [spin(page, args.family, seed, RATE).spun for page in pages(args.pages, words=200)]
    started = time.perf_counter()
    profile = restorer.learn(spun_pages, name=args.family)
    seconds = time.perf_counter() - started
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write(profile, args.out.with_suffix(".tsv.gz"))
    held_out(args, restorer, trees, profile, {"pages": args.pages, "learn_seconds": round(seconds, 1),
                                              "pairings": found})
    print(f"{len(found)} pairings, learned in {seconds:.0f} s")


def restore(args) -> None:
    """A change to how profiles are read: restore with a profile ``learn`` wrote (no learning)."""
    restorer, trees = restorer_without(args.family, args.lofo)
    held_out(args, restorer, trees, read(args.profile), {"profile": str(args.profile), "pairings": []})


def held_out(args, restorer, trees, profile, facts: dict) -> None:
    """Restore the held-out paragraphs with ``profile``; write OUT.json with their counts."""
    golds = [spin(text, args.family, seed_of(args.family), RATE) for text in paragraphs(args.split, args.paragraphs)]
    with_profile = restorer.with_profile(profile)
    restored = [with_profile.restore(gold.spun) for gold in golds]
    result = {"family": args.family, "split": args.split, "paragraphs": len(golds), "trees": trees, **facts,
              "scores": scores(golds, restored), "counts": [asdict(c) for c in document_counts(golds, restored)]}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"{args.family}: F0.5 per edit {result['scores']['per_edit']['f05']:.4f}")


def compare(args) -> None:
    before, after = (json.loads(Path(path).read_text(encoding="utf-8")) for path in (args.before, args.after))
    counts = [[Counts(**c) for c in run["counts"]] for run in (before, after)]
    difference = bootstrap(counts[1], counts[0])["difference"]
    print(f"{after['family']}: F0.5 per edit {before['scores']['per_edit']['f05']:.4f} -> "
          f"{after['scores']['per_edit']['f05']:.4f}, {difference['f05']:+.4f} {difference['interval']} "
          f"(p {difference['p_value']})")
    pairs = [{tuple(p[:2]) for p in run["pairings"]} for run in (before, after)]
    print("pairings only after:", sorted(pairs[1] - pairs[0]))
    print("pairings only before:", sorted(pairs[0] - pairs[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("learn")
    run.add_argument("family")
    run.add_argument("--out", type=Path, required=True, help="OUT.json (counts) and OUT.tsv.gz (the profile)")
    run.add_argument("--pages", type=int, default=1000)
    run.add_argument("--split", choices=("dev", "test"), default="dev")
    run.add_argument("--paragraphs", type=int, default=100)
    run.add_argument("--lofo", type=Path, help="folder of leave-one-out trees (as bench/families_bench.py)")
    again = commands.add_parser("restore", help="restore with a profile learn wrote (a change to reading profiles)")
    again.add_argument("family")
    again.add_argument("--profile", type=Path, required=True, help="OUT.tsv.gz of a learn run")
    again.add_argument("--out", type=Path, required=True, help="OUT.json (counts)")
    again.add_argument("--split", choices=("dev", "test"), default="dev")
    again.add_argument("--paragraphs", type=int, default=100)
    again.add_argument("--lofo", type=Path, help="folder of leave-one-out trees (as bench/families_bench.py)")
    pair = commands.add_parser("compare")
    pair.add_argument("before")
    pair.add_argument("after")
    args = parser.parse_args()
    {"learn": learn, "restore": restore, "compare": compare}[args.command](args)


if __name__ == "__main__":
    main()
