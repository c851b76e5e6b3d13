"""Lattice + language model -> best path, and per-edit posteriors.

A left-to-right beam search over token positions.  Hypotheses that reach the same
position with the same LM state are recombined (Viterbi); each position keeps the
``beam_size`` best.  Scores are log10: LM log-probability plus channel log-prior.
"""

from __future__ import annotations

from dataclasses import dataclass

from unspin.lm import LanguageModel
from unspin.types import Arc


@dataclass(frozen=True, slots=True)
class Hypothesis:
    score: float
    state: object
    arc: Arc | None
    previous: "Hypothesis | None"


def arc_score(lm: LanguageModel, state, arc: Arc) -> tuple[float, object]:
    """LM log10 of the arc's words from ``state`` plus its channel prior; the new state."""
    total = arc.candidate.log10_prior
    for word in arc.candidate.words:
        log10_prob, state = lm.score(state, word)
        total += log10_prob
    return total, state


def _by_score(hypothesis: Hypothesis) -> float:
    return -hypothesis.score


def best_path(lm: LanguageModel, arcs: list[list[Arc]], beam_size: int) -> tuple[list[Arc], list]:
    """The highest-scoring arcs covering every position, and the LM state before each."""
    size = len(arcs)
    buckets: list[dict] = [dict() for _ in range(size + 1)]
    start = Hypothesis(0.0, lm.begin_state(), None, None)
    buckets[0][start.state] = start
    score_word = lm.score
    for position in range(size):
        bucket = buckets[position]
        if not bucket:
            continue
        survivors = sorted(bucket.values(), key=_by_score)[:beam_size] if len(bucket) > 1 else bucket.values()
        for hypothesis in survivors:
            for arc in arcs[position]:
                score = hypothesis.score + arc.candidate.log10_prior
                state = hypothesis.state
                for word in arc.candidate.words:
                    log10_prob, state = score_word(state, word)
                    score += log10_prob
                target = buckets[arc.end]
                held = target.get(state)
                if held is None or held.score < score:
                    target[state] = Hypothesis(score, state, arc, hypothesis)
        buckets[position] = None
    final = max(buckets[size].values(), key=lambda h: h.score + lm.end_score(h.state))
    path, states = [], []
    while final.arc is not None:
        path.append(final.arc)
        states.append(final.previous.state)
        final = final.previous
    return path[::-1], states[::-1]


def window_score(lm: LanguageModel, path: list[Arc], states: list, index: int, replacement: Arc) -> float:
    """Score of ``path`` with arc ``index`` swapped for ``replacement``, up to a constant.

    Only what can change is scored: the arc itself and the next ``order - 1`` words.
    """
    total, state = arc_score(lm, states[index], replacement)
    after = 0
    for arc in path[index + 1 :]:
        gain, state = arc_score(lm, state, arc)
        total += gain - arc.candidate.log10_prior
        after += len(arc.candidate.words)
        if after >= lm.order - 1:
            return total
    return total + lm.end_score(state)


def posteriors(lm: LanguageModel, path: list[Arc], states: list, index: int,
               rivals: list[Arc]) -> list[tuple[Arc, float]]:
    """Normalised posterior of each rival reading of the span of ``path[index]``.

    Rivals must cover the same tokens as ``path[index]`` (the keep arc and the other
    candidates); the rest of the path is held fixed.
    """
    scores = [window_score(lm, path, states, index, rival) for rival in rivals]
    top = max(scores)
    weights = [10 ** (score - top) for score in scores]
    total = sum(weights)
    return sorted(((rival, w / total) for rival, w in zip(rivals, weights)), key=lambda x: -x[1])
