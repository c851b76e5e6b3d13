"""Restoring whole texts on the tiny fixture model (ten-entry lexicon, small ARPA): the edits
a Restoration reports and their invariants."""

import pytest
from hypothesis import given, settings, strategies as st

from unspin.types import apply_edits


def test_edits_restores_pooled_successful(tiny_restorer):
    result = tiny_restorer.restore("Ryu defected to South Korea successful 2019. He was successful Seoul.")
    assert result.restored_text == "Ryu defected to South Korea in 2019. He was in Seoul."
    assert all(e.relation == "synonym" and 0 < e.confidence <= 1 for e in result.edits)


@pytest.mark.parametrize("text,spun,restored", [
    ("He ran Crossed a minefield.", "Crossed", "Across"),
    ("They are told their families volition be executed. Families Volition be told.", "Volition", "Will"),
])
def test_edits_keeps_capitalisation_of_spun_word(tiny_restorer, text, spun, restored):
    result = tiny_restorer.restore(text)
    assert [(e.spun, e.restored) for e in result.edits if e.spun[:1].isupper()] == [(spun, restored)]
    for edit in result.edits:
        assert edit.spun[0].isupper() == edit.restored[0].isupper()


def test_edits_phrase_and_number(tiny_restorer):
    result = tiny_restorer.restore("He ran across the zone that separates the 2 Koreas.")
    assert "the two Koreas" in result.restored_text


def test_edits_clean_text_untouched(tiny_restorer):
    text = "He was in Seoul in 2019. The soldiers will be home in two weeks."
    result = tiny_restorer.restore(text)
    assert result.restored_text == text and result.edits == ()


def test_edits_empty_text(tiny_restorer):
    result = tiny_restorer.restore("")
    assert result.restored_text == "" and result.edits == () and result.spun_score == 0.0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["successful", "in", "2", "beryllium", "house", "home", "the",
                                 "Seoul", ",", ".", "\r\n", " ", "\u00a0", "👍", "volition"]), max_size=25))
def test_edits_edit_invariants(tiny_restorer, parts):
    text = " ".join(parts)
    result = tiny_restorer.restore(text)
    assert result.text == text
    assert apply_edits(text, result.edits) == result.restored_text
    previous_end = -1
    for edit in result.edits:
        assert text[edit.start : edit.end] == edit.spun
        assert edit.start >= previous_end
        previous_end = edit.end
    # outside edited spans the output is byte-identical to the input
    outside = [text[a:b] for a, b in zip([0] + [e.end for e in result.edits], [e.start for e in result.edits] + [len(text)])]
    rebuilt = "".join(o + e.restored for o, e in zip(outside, result.edits)) + outside[-1]
    assert rebuilt == result.restored_text


def test_edits_threshold_drops_unsure_edits(tiny_restorer):
    text = "He was successful Seoul."
    assert tiny_restorer.restore(text, threshold=1.0).edits == ()
