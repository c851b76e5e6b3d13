#!/usr/bin/env python3
"""Byte-identical check for refactors: the same inputs must give the same outputs.

Spins news_dev paragraphs with every profile (seed 0, rate 0.25), restores them with the
bundled model one document at a time, in corpus mode (``restore_many(texts, corpus=True)``)
and with a per-call threshold, restores some clean paragraphs, and writes every spun text
(with its gold edits) and every Restoration (``to_dict``) as one JSON line each.

    python bench/regression_check.py --write BEFORE.jsonl          # before the change
    python bench/regression_check.py --compare BEFORE.jsonl        # after it: exit 1 on a difference

The signature string is compared on its own: a change of its format is reported (each
distinct before -> after pair once) but does not fail the check; any other difference does.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import RATE, SEED, paragraphs  # noqa: E402
from unspin.restorer import Restorer  # noqa: E402
from unspin.simulate import spin  # noqa: E402

PROFILES = ("wordnet", "thesaurus", "tortured")  # fixed here: the check must not follow the registry
PER_PROFILE = 40
CLEAN = 30
OVERRIDES = 10


def records() -> list[dict]:
    texts = paragraphs("dev", PER_PROFILE * len(PROFILES) + CLEAN)
    restorer = Restorer()
    out = []
    golds = []
    for number, profile in enumerate(PROFILES):
        golds += [spin(text, profile, SEED, RATE) for text in texts[number * PER_PROFILE : (number + 1) * PER_PROFILE]]
    for index, gold in enumerate(golds):
        out.append({"section": "document", "index": index, "gold": gold.to_dict(),
                    "restoration": restorer.restore(gold.spun).to_dict()})
    for index, text in enumerate(texts[len(golds) :]):
        out.append({"section": "clean", "index": index, "restoration": restorer.restore(text).to_dict()})
    for index, restoration in enumerate(restorer.restore_many([g.spun for g in golds], corpus=True)):
        out.append({"section": "corpus", "index": index, "restoration": restoration.to_dict()})
    for index, gold in enumerate(golds[:OVERRIDES]):
        out.append({"section": "threshold 0.9", "index": index,
                    "restoration": restorer.restore(gold.spun, threshold=0.9).to_dict()})
    return out


def compare(before: list[dict], after: list[dict]) -> int:
    """Print the differences; return how many records differ (signatures aside)."""
    if len(before) != len(after):
        print(f"{len(before)} records before, {len(after)} after")
        return abs(len(before) - len(after)) or 1
    differing = 0
    signatures: dict[tuple[str, str], int] = {}
    for old, new in zip(before, after):
        old_signature = old["restoration"].pop("signature")
        new_signature = new["restoration"].pop("signature")
        key = (old["section"], old_signature, new_signature)
        signatures[key] = signatures.get(key, 0) + 1
        if old != new:
            differing += 1
            if differing <= 5:
                print(f"differs: {old['section']} #{old['index']}")
                for field in sorted(set(old["restoration"]) | set(new["restoration"])):
                    if old["restoration"].get(field) != new["restoration"].get(field):
                        print(f"  {field}: {str(old['restoration'].get(field))[:200]}")
                        print(f"  {' ' * len(field)}  {str(new['restoration'].get(field))[:200]}")
    for (section, old_signature, new_signature), count in signatures.items():
        same = "unchanged" if old_signature == new_signature else "changed"
        print(f"signature ({section}, {count} records) {same}:\n  before {old_signature}\n  after  {new_signature}")
    print(f"{len(before)} records, {differing} differ (signatures aside)")
    return differing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", type=Path, help="write the records here")
    parser.add_argument("--compare", type=Path, help="compare with records written before")
    args = parser.parse_args()
    if not args.write and not args.compare:
        parser.error("give --write and/or --compare")
    found = records()
    if args.write:
        args.write.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in found), encoding="utf-8")
    if args.compare:
        before = [json.loads(line) for line in args.compare.read_text(encoding="utf-8").splitlines()]
        sys.exit(1 if compare(before, json.loads(json.dumps(found))) else 0)


if __name__ == "__main__":
    main()
