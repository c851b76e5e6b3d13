import itertools

from hypothesis import given, settings, strategies as st

from conftest import TINY
from unspin.decode import arc_score, best_path, posteriors
from unspin.lm import ArpaModel
from unspin.types import Arc, Candidate

MODEL = ArpaModel(TINY / "lm.arpa")
VOCAB = ["he", "was", "in", "seoul", "successful", "the", "house", "home", "2019", ".", "two", "2"]


def path_score(path):
    state = MODEL.begin_state()
    total = 0.0
    for arc in path:
        gain, state = arc_score(MODEL, state, arc)
        total += gain
    return total + MODEL.end_score(state)


def brute_force(arcs):
    """Every path through single-token arcs; the best total score."""
    return max(path_score(list(combo)) for combo in itertools.product(*arcs))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.tuples(st.sampled_from(VOCAB), st.floats(-2, 0)), min_size=1, max_size=3),
                min_size=1, max_size=4))
def test_decode_matches_brute_force(choices):
    arcs = [[Arc(i, i + 1, Candidate((word,), "x", prior)) for word, prior in options]
            for i, options in enumerate(choices)]
    path, states = best_path(MODEL, arcs, beam_size=1000)
    assert abs(path_score(path) - brute_force(arcs)) < 1e-9
    assert len(states) == len(path)


def test_decode_phrase_arc_spans_tokens():
    arcs = [
        [Arc(0, 1, Candidate(("he",), "keep", 0.0))],
        [Arc(1, 2, Candidate(("ran",), "keep", -0.1)), Arc(1, 3, Candidate(("was", "in"), "phrase", -0.5))],
        [Arc(2, 3, Candidate(("foo",), "keep", 0.0))],
        [Arc(3, 4, Candidate(("seoul",), "keep", 0.0))],
    ]
    path, _ = best_path(MODEL, arcs, beam_size=5)
    assert [a.candidate.words for a in path] == [("he",), ("was", "in"), ("seoul",)]


def test_decode_posteriors_sum_to_one():
    arcs = [[Arc(0, 1, Candidate(("he",), "keep", 0.0))],
            [Arc(1, 2, Candidate(("was",), "keep", 0.0))],
            [Arc(2, 3, Candidate(("successful",), "keep", -0.02)), Arc(2, 3, Candidate(("in",), "synonym", -1.0))],
            [Arc(3, 4, Candidate(("seoul",), "keep", 0.0))]]
    path, states = best_path(MODEL, arcs, beam_size=5)
    ranked = posteriors(MODEL, path, states, 2, arcs[2])
    assert abs(sum(p for _, p in ranked) - 1.0) < 1e-9
    assert ranked[0][0].candidate.words == ("in",)
