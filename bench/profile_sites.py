#!/usr/bin/env python3
"""Where do gold sites go when a text is restored with a spinner profile?

Spins the first N news paragraphs (``--split``: news_test, or news_dev for diagnosis) with FAMILY (the profiles benchmark's fresh seed),
restores each with PROFILE (a file ``unspin learn`` or ``bench/profiles_bench.py --save``
wrote) and sorts every gold site by what became of it (fixed, wrong, missed) and by what the
profile says of the observed words: its top reading is the original ("top", with the share of
the word's occurrences in the pages that stand for it, in fifths), the original is one of its
readings ("known"), the profile holds the words but not the original ("notknown": no channel
proposed it), or never saw them ("absent").  Then the commonest examples of each kind, and
the false edits with the profile's spun share of the word.

    python bench/profile_sites.py wordnet-walk build/profiles/wordnet-walk-1000.tsv.gz --lofo build/lofo
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import RATE, paragraphs  # noqa: E402
from families_bench import restorer_without, scores  # noqa: E402
from profiles_bench import seed_of  # noqa: E402
from unspin.evaluate import judge  # noqa: E402
from unspin.profiles import read  # noqa: E402
from unspin.simulate import spin  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("family")
    parser.add_argument("profile", type=Path)
    parser.add_argument("--paragraphs", type=int, default=100)
    parser.add_argument("--split", choices=("dev", "test"), default="test")
    parser.add_argument("--lofo", type=Path, help="folder of leave-one-out models (as bench/families_bench.py)")
    parser.add_argument("--examples", type=int, default=20)
    args = parser.parse_args()

    restorer, _trees = restorer_without(args.family, args.lofo)
    profile = read(args.profile)
    golds = [spin(text, args.family, seed_of(args.family), RATE) for text in paragraphs(args.split, args.paragraphs)]
    restored = [restorer.with_profile(profile).restore(gold.spun) for gold in golds]
    print(scores(golds, restored)["per_edit"])
    kinds: Counter = Counter()
    examples: dict = {}
    for gold, restoration in zip(golds, restored):
        verdicts = judge(gold, restoration)  # as the benchmark judges: overlapping edits count
        fates = {(j.start, j.end): j for j in verdicts if j.kind != "false"}
        for site in gold.edits:
            observed = gold.spun[site.spun_start : site.spun_end].lower()
            original = tuple(site.original.lower().split())
            word = profile.words.get(observed)
            share = word.originals.get(original, 0.0) / word.count if word is not None and word.count else 0.0
            top = profile.known(observed)[:1]
            said = ("top" if top and top[0] == original else "known" if share else
                    "absent" if word is None else "notknown")
            verdict = fates[(site.spun_start, site.spun_end)]
            fate = verdict.kind
            kinds[(fate, said, min(int(share * 5), 4) if said in ("top", "known") else None)] += 1
            if fate != "fixed":
                examples.setdefault((fate, said), Counter())[
                    (observed, site.original, verdict.restored if fate == "wrong" else None, round(share, 2),
                     round(word.count) if word else 0)] += 1
        for verdict in verdicts:
            if verdict.kind == "false":
                observed = verdict.spun.lower()
                kinds[("false", "spun share", min(int(profile.spun_share(observed) * 5), 4))] += 1
                examples.setdefault(("false", ""), Counter())[
                    (observed, verdict.restored, round(profile.spun_share(observed), 2))] += 1
    total = sum(kinds.values())
    for kind, count in kinds.most_common():
        print(f"{count:6d} {count / total:6.1%}  {kind}")
    for kind, found in examples.items():
        print(kind, sum(found.values()), found.most_common(args.examples))


if __name__ == "__main__":
    main()
