"""Where the tortured-list rows are lost (issue 13): one row per stage of the phrase channel.

Each row of one part of bench/tortured_split.py (``fit`` by default: diagnose on the part
settings may be chosen on; ``dev`` only to report) is put in the first carrier of bench/phrases_bench.py
and restored with phrases on; a row that is not restored exactly is put in the first stage
that loses it:

1. the term is not in the inventory (MIN_TERM_COUNT times): out of reach of the channel;
2. no reading: no synonym source links a spun word to the term's word (or the term is not
   10**MIN_LOG10_RATIO times as common as the run);
3. the fitted gate drops the reading (it is there with the gate off);
4. no new word pair: the language model has seen every pair of the run;
5. the decoder or the confidence: the channel reads the term (first, or ranked lower), but
   the restore does not write it (a word reading wins, or its confidence is under the
   threshold).

    python bench/phrases_funnel.py [--part fit|dev] [--rows N] [--examples 8]
"""

from __future__ import annotations

import argparse
from collections import Counter

from phrases_bench import CARRIERS
from tortured_split import rows as tortured_rows
from unspin import phrases
from unspin.phrases import PhraseChannel
from unspin.restorer import Restorer
from unspin.tokenize import lm_words

STAGES = ("fixed", "term not in the inventory", "no reading (no link, or the count ratio)", "dropped by the gate",
          "no new word pair", "read first, not restored", "read, ranked lower, not restored")


def stage(restorer: Restorer, ungated: PhraseChannel, tortured: str, expected: str) -> str:
    template = CARRIERS[0]
    if restorer.restore(template.format(tortured)).restored_text.lower() == template.format(expected).lower():
        return STAGES[0]
    channel = restorer.phrase_channel
    words, term = tuple(lm_words(tortured.lower())), tuple(lm_words(expected.lower()))
    if channel.inventory.count(" ".join(term)) < phrases.MIN_TERM_COUNT:
        return STAGES[1]
    ranks = [i for i, m in enumerate(channel.matches(words)) if m.words == term and m.length == len(words)]
    if not ranks:
        return STAGES[3] if any(m.words == term for m in ungated.matches(words)) else STAGES[2]
    if not any(channel._new_pair(a, b) for a, b in zip(words, words[1:])):
        return STAGES[4]
    return STAGES[5] if ranks[0] == 0 else STAGES[6]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--part", choices=("fit", "dev"), default="fit")
    parser.add_argument("--rows", type=int, default=None, help="rows of the part (default: all)")
    parser.add_argument("--examples", type=int, default=8, help="examples shown per stage")
    args = parser.parse_args()
    restorer = Restorer(phrases=True)
    channel = restorer.phrase_channel
    ungated = PhraseChannel(channel.inventory, channel.lexicon, channel.lm, None)
    rows = tortured_rows(args.part)[: args.rows]
    found: dict[str, list[str]] = {}
    counts: Counter = Counter()
    for tortured, expected in rows:
        where = stage(restorer, ungated, tortured, expected)
        counts[where] += 1
        found.setdefault(where, []).append(f"{tortured} -> {expected}")
    print(f"{len(rows)} {args.part} rows, carrier {CARRIERS[0]!r}, signature {restorer.signature}\n")
    print("| stage | rows | share |\n|---|---:|---:|")
    for name in STAGES:
        print(f"| {name} | {counts[name]} | {100 * counts[name] / len(rows):.1f}% |")
    for name in STAGES:
        if found.get(name):
            print(f"\n{name}: " + "; ".join(found[name][: args.examples]))


if __name__ == "__main__":
    main()
