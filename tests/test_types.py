import pytest

from unspin.errors import UnspinError
from unspin.types import Edit, apply_edits


def test_types_apply_edits_replaces_spans():
    text = "He was successful Seoul."
    edits = [Edit(7, 17, "successful", "in", 0.9, "synonym")]
    assert apply_edits(text, edits) == "He was in Seoul."


def test_types_apply_edits_rejects_mismatch_and_overlap():
    text = "abc def"
    with pytest.raises(UnspinError):
        apply_edits(text, [Edit(0, 3, "xyz", "q", 1.0, "synonym")])
    with pytest.raises(UnspinError):
        apply_edits(text, [Edit(0, 3, "abc", "q", 1.0, "synonym"), Edit(2, 5, "c d", "q", 1.0, "synonym")])


def test_types_splice_puts_pieces_in_a_window():
    from unspin.types import splice

    text = "He was successful the home."
    assert splice(text, [(22, 26, "house"), (7, 17, "in")]) == "He was in the house."
    assert splice(text, [(7, 17, "in")], 3, 22) == "was in the "
    assert splice(text, []) == text
