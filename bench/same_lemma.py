#!/usr/bin/env python3
"""Are edits whose reading shares a lemma with the spun word (sale -> sales) right?  For each
family: the first N news_dev paragraphs spun at rate 0.25 (seed 0), restored with the
leave-one-out trees where build/lofo/FAMILY has them (else the shipped ones), every judged
edit counted by (same lemma?, fixed / wrong / false).

    python bench/same_lemma.py wordnet,wordnet-walk,thesaurus-b,thesaurus 150
"""

import sys
from collections import Counter
from pathlib import Path

from common import RATE, SEED, paragraphs  # also puts src/ on the path

from unspin.calibration import Calibration  # noqa: E402
from unspin.candidates import lemmas  # noqa: E402
from unspin.evaluate import judge  # noqa: E402
from unspin.restorer import Restorer  # noqa: E402
from unspin.simulate import spin  # noqa: E402

LOFO = Path(__file__).resolve().parent.parent / "build" / "lofo"


def same_lemma(spun: str, restored: str) -> bool:
    a, b = spun.lower(), restored.lower()
    return " " not in a and " " not in b and bool(({a} | set(lemmas(a))) & ({b} | set(lemmas(b))))


def main() -> None:
    names, count = sys.argv[1].split(","), int(sys.argv[2])
    texts = paragraphs("dev", count)
    for name in names:
        restorer = Restorer()
        trees = LOFO / name / "calibration.json"
        if trees.exists():
            restorer.calibration = Calibration.load(trees, lm_order=restorer.lm.order)
        counts = Counter()
        for text in texts:
            gold = spin(text, name, SEED, RATE)
            for judged in judge(gold, restorer.restore(gold.spun)):
                if judged.kind in ("fixed", "wrong", "false") and judged.restored:
                    counts[(same_lemma(judged.spun, judged.restored), judged.kind)] += 1
        print(name, {f"{'same' if same else 'other'} lemma, {kind}": n for (same, kind), n in sorted(counts.items())},
              flush=True)


if __name__ == "__main__":
    main()
