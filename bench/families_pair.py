#!/usr/bin/env python3
"""A paired check of a change to restoring one document at a time: restore the families
benchmark's texts (the first N paragraphs of a split, each its own document, spun by every
registered family at rate 0.25 with seed 0) with the code on the path, keep each document's
counts; then compare two such runs (paired bootstrap over documents, per family).

    # the code before the change (another checkout) and after it
    PYTHONPATH=OLD/src python bench/families_pair.py restore --out build/pair/before
    python bench/families_pair.py restore --out build/pair/after
    python bench/families_pair.py compare build/pair/before.json build/pair/after.json

Shipped trees unless ``--lofo`` names the leave-one-out ones (as bench/families_bench.py).

Habits: a family that takes them can be named with one, ``NAME:HABIT`` (HABITS below:
``wordnet-walk:per-occurrence``, ``thesaurus-b:per-occurrence``, ``wordnet-walk:open-source``:
the spinners that choose anew at every occurrence; ``NAME:capitalised``: one that spins
capitalised words too), and ``--per-document N`` joins N paragraphs into each document (a word
occurs more than once in longer documents), and ``--corpus`` restores each family's documents as
one crawl (``restore_many(corpus=True)``: corpus mode where the crawl reads as one spinner's,
each document alone where it does not, and the crawl's habit priors lent to every document):

    python bench/families_pair.py restore --out build/pair/anew --per-document 3 --paragraphs 300 \
        --families wordnet-walk,thesaurus-b,wordnet-walk:per-occurrence,thesaurus-b:per-occurrence,\
wordnet-walk:open-source
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import RATE, paragraphs  # noqa: E402
from families_bench import restorer_without, scores  # noqa: E402
from unspin.evaluate import Counts, bootstrap, document_counts  # noqa: E402
from unspin.families.mixed import OPEN_SOURCE  # noqa: E402
from unspin.registry import families  # noqa: E402
from unspin.simulate import spin  # noqa: E402


HABITS = {"per-occurrence": {"per_occurrence": True},  # a new choice at every occurrence
          "capitalised": {"capitalised": 1.0},  # capitalised words spun as often as the others
          "open-source": OPEN_SOURCE}  # first lemma of a random synset, capitalised words too, anew each time


def restore(args) -> None:
    lines = paragraphs(args.split, args.paragraphs)
    texts = ["\n".join(lines[i : i + args.per_document]) for i in range(0, len(lines), args.per_document)]
    found = {"split": args.split, "paragraphs": len(lines), "per_document": args.per_document,
             "corpus": args.corpus, "families": {}}
    for name in args.families.split(",") if args.families else families.names():
        family, _, habit = name.partition(":")
        restorer, trees = restorer_without(family, args.lofo)
        golds = [spin(text, family, 0, RATE, habits=HABITS[habit] if habit else None) for text in texts]
        restored = (restorer.restore_many([gold.spun for gold in golds], corpus=True) if args.corpus
                    else [restorer.restore(gold.spun) for gold in golds])
        found["families"][name] = {"trees": trees, "scores": scores(golds, restored),
                                   "counts": [asdict(c) for c in document_counts(golds, restored)]}
        print(f"{name}: F0.5 per edit {found['families'][name]['scores']['per_edit']['f05']:.4f}", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps(found) + "\n", encoding="utf-8")


def compare(args) -> None:
    before, after = (json.loads(Path(path).read_text(encoding="utf-8")) for path in (args.before, args.after))
    for name, run in after["families"].items():
        if name not in before["families"]:
            continue
        counts = [[Counts(**c) for c in r["counts"]] for r in (before["families"][name], run)]
        found = bootstrap(counts[1], counts[0])
        change = found["difference"]
        print(f"{name}: F0.5 per edit {found['baseline']['f05']:.4f} -> {found['f05']:.4f}, "
              f"{change['f05']:+.4f} {change['interval']} (p {change['p_value']})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("restore")
    run.add_argument("--out", type=Path, required=True, help="OUT.json (per-document counts)")
    run.add_argument("--split", choices=("dev", "test"), default="test")
    run.add_argument("--paragraphs", type=int, default=200)
    run.add_argument("--families", help="comma-separated, each NAME or NAME:HABIT (default: every registered family)")
    run.add_argument("--per-document", type=int, default=1, help="paragraphs joined into each document")
    run.add_argument("--corpus", action="store_true", help="restore each family's documents as one crawl (restore_many(corpus=True))")
    run.add_argument("--lofo", type=Path, help="folder of leave-one-out trees (as bench/families_bench.py)")
    pair = commands.add_parser("compare")
    pair.add_argument("before")
    pair.add_argument("after")
    args = parser.parse_args()
    {"restore": restore, "compare": compare}[args.command](args)


if __name__ == "__main__":
    main()
