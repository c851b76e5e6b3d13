import pytest
from hypothesis import given, strategies as st

from unspin.tokenize import is_word, lm_words, normalize, sentences, tokenize

CASES = [
    "",
    "   ",
    "Hello, world!",
    "line one\r\nline two\r\n",
    "tab\tseparated\tvalues",
    "no\u00a0break space",
    "emoji 👍🏽 and café and cafe\u0301",
    "quotes “like” ‘these’ — and… odd ¶ punctuation ⁂",
    "  leading and trailing  ",
]


@pytest.mark.parametrize("text", CASES)
def test_tokenize_round_trip_cases(text):
    document = tokenize(text)
    assert document.leading + "".join(t.text + t.whitespace for t in document.tokens) == text
    for token in document.tokens:
        assert text[token.start : token.end] == token.text


@given(st.text())
def test_tokenize_round_trip_property(text):
    document = tokenize(text)
    assert document.leading + "".join(t.text + t.whitespace for t in document.tokens) == text
    assert all(text[t.start : t.end] == t.text for t in document.tokens)


def test_tokenize_words_and_numbers():
    words = [t.text for t in tokenize("It's 1.2% of 10,000 well-known soldiers.").tokens]
    assert words == ["It's", "1.2", "%", "of", "10,000", "well-known", "soldiers", "."]


def test_tokenize_keeps_elided_words_whole_but_not_quotes():
    words = [t.text for t in tokenize("The gap 'tween them, ’Twixt us, a 'quote' and 'tweeny.").tokens]
    assert "'tween" in words and "’Twixt" in words
    assert words[words.index("a") + 1 : words.index("a") + 4] == ["'", "quote", "'"]
    assert "'" in words and "tweeny" in words  # not an elision: the quote stays its own token
    assert is_word("'tween") and not is_word("'")
    assert lm_words("the gap 'tween them") == ["the", "gap", "'", "tween", "them"]  # as the LM was built


def test_tokenize_norm_maps_typographic_quotes():
    assert normalize("They’re") == "they're"
    assert lm_words("“Told” them") == ['"', "told", '"', "them"]


def test_tokenize_sentences_split_on_punctuation_and_lines():
    document = tokenize("One two. Three four!\nFive six")
    spans = [[t.text for t in document.tokens[b:e]] for b, e in sentences(document)]
    assert spans == [["One", "two", "."], ["Three", "four", "!"], ["Five", "six"]]
