"""One list of phrase rewrites: the shipped channel has every one, the simulator uses them."""

import pytest

from unspin import rewrites


@pytest.mark.model
def test_rewrites_are_phrase_rows_of_the_shipped_channel(real_restorer):
    lexicon = real_restorer.lexicon
    for original, spun in rewrites.ALL:
        assert any(link.original == original and link.relation == "phrase" for link in lexicon.backward(spun)), spun


def test_rewrites_single_word_grammar_is_what_a_word_spinner_can_write():
    grammar = rewrites.single_word_grammar()
    assert grammar == {"she": "he or she", "he": "he or she", "were": "had been", "cannot": "can not"}
