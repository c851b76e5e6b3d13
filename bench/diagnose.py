#!/usr/bin/env python3
"""Where do gold sites go?  Sorts every gold site of N news_dev paragraphs (5 per document,
a spinner seed per document, as bench/quick_dev.py) into: fixed; right on the best path but
under the threshold; a wrong reading on top (with the original among the readings, a
candidate, or absent); kept by the path (original a candidate, or absent / ranked past the
kept candidates).

    python bench/diagnose.py [N] [profile]
"""
import os
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import paragraphs  # noqa: E402
from unspin.passes import proposals  # noqa: E402
from unspin.restorer import Restorer  # noqa: E402
from unspin.simulate import spin  # noqa: E402
from unspin.tokenize import tokenize  # noqa: E402


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 150
    profile = sys.argv[2] if len(sys.argv) > 2 else "wordnet"
    lines = paragraphs("dev", n)
    r = Restorer(os.environ.get("MODEL"))
    s = r.settings
    stats: Counter = Counter()
    absent: Counter = Counter()
    for i in range(0, n, 5):
        gold = spin("\n".join(lines[i : i + 5]), profile=profile, seed=i, rate=0.25)
        found = list(proposals(tokenize(gold.spun), r.lm, r.table, s, r.topics))
        scores = iter(r.calibration.confidences([e for p in found for _c, e in p.readings if e is not None]))
        ranked_at = {}
        for p in found:
            ranked = [(c, p.keep if e is None else next(scores)) for c, e in p.readings]
            ranked_at[(p.tokens[p.begin].start, p.tokens[p.end - 1].end)] = sorted(ranked, key=lambda x: -x[1])
        for edit in gold.edits:
            original = edit.original.lower()
            observed = gold.spun[edit.spun_start : edit.spun_end].lower()
            candidate = any(" ".join(x.words) == original for x in r.table.readings(observed)[: s.max_candidates])
            ranked = ranked_at.get((edit.spun_start, edit.spun_end))
            if ranked is not None and all(c.relation == "keep" for c, _p in ranked):
                ranked = None  # read again, but no reading worth proposing
            if ranked is None:
                kind = "kept by the path, original a candidate" if candidate else "kept by the path, original not a candidate"
                if not candidate:
                    absent[(observed, original)] += 1
            else:
                top, confidence = next((c, p) for c, p in ranked if c.relation != "keep")
                if " ".join(top.words) == original:
                    kind = "fixed" if confidence >= s.threshold else "right on the path, under the threshold"
                elif any(" ".join(c.words) == original for c, _p in ranked):
                    kind = "wrong reading on top, original among the readings"
                else:
                    kind = "wrong reading on top, original " + ("a candidate" if candidate else "not a candidate")
            stats[kind] += 1
    total = sum(stats.values())
    for kind, count in stats.most_common():
        print(f"{count:6d} {count / total:6.1%}  {kind}")
    print("commonest originals that are not candidates:", absent.most_common(15))


if __name__ == "__main__":
    main()
