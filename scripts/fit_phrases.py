#!/usr/bin/env python3
"""Fit the phrase channel's confidence (src/unspin/data/phrases.json).

A phrase reading (relation ``phrase_term``) is right when the decoder's choice restores the
words the spinner replaced.  Gradient-boosted trees (the calibration's, smaller) over what
is known about the reading give that probability (unspin.phrases.PHRASE_FEATURES):

* the term and the match (PHRASE_STATIC, known before decoding): the term's count and PMI,
  how much more common it is than the run, the channel shares of the changed pieces, how
  many pieces changed, stayed, were re-inflected or are WordNet links (the others come from
  Moby alone); a logistic regression over these alone is the channel's gate (it keeps
  GATE_KEEPS of the right readings) and, weighted, part of the reading's prior.  The gate is
  fitted on the readings decoded with no gate, the trees on those decoded with the new one;
* the decoding (PHRASE_CONTEXT): the reading's posterior, the kept words' posterior, the
  document's spin rate, the topic fit, how much commoner the restored words are.

Fitted on (never on the paper-mill family, which the phrase benchmark measures, nor on the
dev part of the tortured list):
* the fit part of ../shared/tortured/train.tsv (bench/tortured_split.py) in two carrier
  sentences of FIT_CARRIERS (bench/phrases_bench.py uses other carriers);
* clean paragraphs (every reading there is wrong) and the same paragraphs spun by the
  ``tortured`` family (WordNet synonyms of technical terms): OpenStax and Wikipedia lines
  that the term inventory read (not unspin.data.PHRASE_HOLDOUT);
* ABC and WMT news lines spun by the ``wordnet`` and ``thesaurus`` families, where phrase
  readings compete with word readings.

    python scripts/fit_phrases.py [--rows N] [--paragraphs N]
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from common import CORPUS, DATA  # noqa: E402  (also puts src/ on the path)
from tortured_split import rows as tortured_rows  # noqa: E402
from unspin.calibration import fit_trees  # noqa: E402
from unspin.data import phrase_held_out, update_manifest  # noqa: E402
from unspin.passes import proposals  # noqa: E402
from unspin.phrases import (PHRASE_FEATURES, PHRASE_FORMAT, PHRASE_STATIC, PHRASES_MODEL,  # noqa: E402
                            gate_of, phrase_features)
from unspin.relations import PHRASE_TERM  # noqa: E402
from unspin.restorer import Restorer  # noqa: E402
from unspin.simulate import GoldEdit, SpunText, spin  # noqa: E402
from unspin.tokenize import lm_words, tokenize  # noqa: E402

ITERATIONS, LEAVES, DEPTH = 150, 15, 4
GATE_KEEPS = 0.97
FIT_CARRIERS = ("Recent studies have applied {} to several problems.",
                "{} is described in the next section.")


def corpus_paragraphs(name: str, limit: int, skip: int = 0) -> list[str]:
    """Lines of a corpus file that the inventory read (not held out), from line ``skip`` on."""
    found = []
    with lzma.open(CORPUS / name, "rt", encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if number >= skip and not phrase_held_out(name, number) and 40 <= len(line) <= 1200:
                found.append(line.strip())
                if len(found) >= limit:
                    break
    return found


def carrier(tortured: str, expected: str, template: str) -> SpunText:
    """A carrier sentence with the tortured phrase, and the gold edit that undoes it."""
    before, after = template.split("{}")
    if not before:
        tortured, expected = tortured[:1].upper() + tortured[1:], expected[:1].upper() + expected[1:]
    spun, original = before + tortured + after, before + expected + after
    edit = GoldEdit(len(before), len(before) + len(expected), len(before), len(before) + len(tortured),
                    expected, tortured, "term")
    return SpunText(original, spun, "carrier", 0, 0.0, (edit,))


def original_words(gold: SpunText, start: int, end: int) -> tuple[str, ...] | None:
    """The original's words at spun characters [start, end), where the tokens align one to one
    (outside the gold edits, and inside edits that kept the number of words); else None."""
    words: list[str] = []
    position = start
    for edit in sorted(gold.edits, key=lambda e: e.spun_start):
        if edit.spun_end <= position or edit.spun_start >= end:
            continue
        words += lm_words(gold.spun[position : edit.spun_start])
        spun_words, original = lm_words(edit.spun), lm_words(edit.original)
        inside = lm_words(gold.spun[max(position, edit.spun_start) : min(end, edit.spun_end)])
        if edit.spun_start >= position and edit.spun_end <= end:
            words += original
        elif len(spun_words) == len(original):
            offset = len(lm_words(gold.spun[edit.spun_start : max(position, edit.spun_start)]))
            words += original[offset : offset + len(inside)]
        else:
            return None
        position = min(end, edit.spun_end)
    return tuple(words + lm_words(gold.spun[position:end]))


def examples(restorer: Restorer, golds: list[SpunText]) -> list[tuple[list[float], bool, str]]:
    """(features, right, description) of every phrase reading the decoder proposes."""
    found = []
    for gold in golds:
        document = tokenize(gold.spun)
        for proposal in proposals(document, restorer.lm, restorer.table, restorer.settings, restorer.topics):
            tokens = proposal.tokens[proposal.begin : proposal.end]
            for candidate, evidence in proposal.readings:
                if evidence is not None and candidate.relation == PHRASE_TERM:
                    right = original_words(gold, tokens[0].start, tokens[-1].end) == candidate.words
                    found.append((phrase_features(evidence), right,
                                  f"{' '.join(t.norm for t in tokens)} -> {' '.join(candidate.words)}"))
    return found


def fit_gate(x: list[list[float]], y: list[bool]) -> dict:
    """A logistic regression over the term's facts alone, and the log-odds above which
    GATE_KEEPS of the right readings lie: the channel drops the readings under it."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    static = np.asarray(x, dtype=np.float64)[:, : len(PHRASE_STATIC)]
    right = np.asarray(y, dtype=bool)
    model = LogisticRegression(C=1.0, max_iter=5000).fit(static, right)
    logits = model.decision_function(static)
    return {"features": list(PHRASE_STATIC), "intercept": float(model.intercept_[0]),
            "weights": [float(w) for w in model.coef_[0]], "keeps": GATE_KEEPS,
            "least": float(np.quantile(logits[right], 1.0 - GATE_KEEPS)),
            "wrong_kept": float((logits[~right] >= np.quantile(logits[right], 1.0 - GATE_KEEPS)).mean())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DATA)
    parser.add_argument("--model", type=Path, default=None, help="model folder to decode with (default: OUT)")
    parser.add_argument("--rows", type=int, default=2000, help="fit rows of the tortured list")
    parser.add_argument("--paragraphs", type=int, default=300, help="clean paragraphs per corpus file")
    parser.add_argument("--news", type=int, default=300,
                        help="news paragraphs per news file (spun by wordnet, thesaurus)")
    parser.add_argument("--dump", type=Path, default=None, help="also write the examples as TSV")
    args = parser.parse_args()

    restorer = Restorer(args.model or args.out, threshold=0.0, phrases=True)
    rows = tortured_rows("fit")
    random.Random(13).shuffle(rows)
    golds = [carrier(t, e, FIT_CARRIERS[i % 2]) for i, (t, e) in enumerate(rows[: args.rows])]
    clean = (corpus_paragraphs("openstax_textbooks.txt.xz", args.paragraphs, skip=20_000)
             + corpus_paragraphs("wikipedia_en.txt.xz", args.paragraphs, skip=400_000))
    golds += [SpunText(text, text, "clean", 0, 0.0, ()) for text in clean]
    golds += [spin(text, "tortured", seed=i, rate=0.25) for i, text in enumerate(clean)]
    # phrase readings must also hold their own among the word readings of spun news
    news = (corpus_paragraphs("abc_news.txt.xz", args.news, skip=5_000)
            + corpus_paragraphs("wmt_news.txt.xz", args.news, skip=5_000))
    golds += [spin(text, ("wordnet", "thesaurus")[i % 2], seed=i, rate=0.25) for i, text in enumerate(news)]
    # The gate is fitted on every reading the channel can make (the gate off), so that a refit
    # does not see only what the last gate let through (each refit would drop GATE_KEEPS of
    # what the last one kept); the trees, on the readings the new gate lets into the lattice.
    channel = restorer.phrase_channel
    channel.use_gate(None)
    everything = examples(restorer, golds)
    gate = fit_gate([x for x, _y, _t in everything], [y for _x, y, _t in everything])
    channel.use_gate(gate_of(gate))
    data = examples(restorer, golds)
    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as handle:
            handle.write("\t".join(PHRASE_FEATURES + ("right", "reading")) + "\n")
            for x, y, text in data:
                handle.write("\t".join(f"{v:.4g}" for v in x) + f"\t{int(y)}\t{text}\n")

    x = [features for features, _y, _t in data]
    y = [right for _x, right, _t in data]
    out = {**fit_trees(x, y, iterations=ITERATIONS, max_leaf_nodes=LEAVES, max_depth=DEPTH, format=PHRASE_FORMAT,
                       names=PHRASE_FEATURES), "gate": gate}
    path = args.out / PHRASES_MODEL
    partial = path.with_name(path.name + ".part")
    partial.write_text(json.dumps(out) + "\n", encoding="utf-8")
    os.replace(partial, path)
    update_manifest(args.out, PHRASES_MODEL, {
        "format": PHRASE_FORMAT, "examples": len(y), "right": sum(y),
        "gate_examples": len(everything), "gate_right": sum(1 for _x, y_, _t in everything if y_),
        "model": f"scikit-learn HistGradientBoostingClassifier ({ITERATIONS} trees, {LEAVES} leaves, depth {DEPTH}) "
                 "as flat arrays",
        "fitted_on": [f"{min(args.rows, len(rows))} fit rows of shared/tortured/train.tsv (bench/tortured_split.py) "
                      f"in carriers {list(FIT_CARRIERS)}",
                      f"{len(clean)} clean OpenStax and Wikipedia lines the inventory read (from line 20,000 and "
                      "400,000), and the same lines spun by the tortured family (seed = line, rate 0.25)",
                      f"{len(news)} ABC and WMT news lines (from line 5,000) spun by the wordnet and thesaurus "
                      "families in turn (rate 0.25)"],
        "decoded_with": restorer.signature, "built_by": "scripts/fit_phrases.py", "used_by": "unspin.phrases"})
    print(f"wrote {path}: {len(y)} readings, {sum(y)} right")


if __name__ == "__main__":
    main()
