"""Lossless tokenizer: text -> Document of tokens with exact code-point offsets.

Joining ``document.leading`` and every token's ``text + whitespace`` gives back the
input exactly (CRLF, tabs, NBSP, emoji and combining marks included).  Normalisation
for the language model lives in ``Token.norm`` and never touches the offsets.
"""

from __future__ import annotations

import re

from unspin.types import Document, Token

# A word: letters/digits (plus combining marks) joined by inner apostrophes or hyphens.
# A number: digits with inner separators ("1.2", "10,000").  Anything else that is not
# whitespace is a one-character token.
_WORD = r"[^\W_](?:[^\W_]|[\u0300-\u036f])*(?:['’\-][^\W_](?:[^\W_]|[\u0300-\u036f])*)*"
_NUMBER = r"\d+(?:[.,:]\d+)+"
_TOKEN_RE = re.compile(rf"{_NUMBER}|{_WORD}|\S")
# Words written with a leading apostrophe that WordNet lists as synonyms ("between" ->
# "'tween"): one token in text, so that the channel can read them.  The LM's own
# tokenization (lm_words) keeps splitting them, as the corpus it was trained on did.
_ELISION = r"['’](?:tween|twixt)(?![^\W_])"
_TEXT_RE = re.compile(rf"{_ELISION}|{_NUMBER}|{_WORD}|\S", re.IGNORECASE)
_SENTENCE_END = frozenset({".", "!", "?"})
_QUOTE_MAP = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "…": "...", "—": "—"})


def normalize(word: str) -> str:
    """Map a surface token to the form the language model was trained on."""
    return word.translate(_QUOTE_MAP).lower()


def tokenize(text: str) -> Document:
    """Split ``text`` into tokens; every character is kept in a token or its whitespace."""
    spans = [(m.start(), m.end()) for m in _TEXT_RE.finditer(text)]
    tokens = []
    for i, (start, end) in enumerate(spans):
        next_start = spans[i + 1][0] if i + 1 < len(spans) else len(text)
        surface = text[start:end]
        tokens.append(Token(i, start, end, surface, text[end:next_start], normalize(surface)))
    leading = text[: spans[0][0]] if spans else text
    return Document(text, leading, tuple(tokens))


def lm_words(line: str) -> list[str]:
    """Tokens of one line as the language model sees them (used to build the LM too).

    Normalising the whole line first is equivalent to normalising token by token for
    corpus text (which has no "…" left) and several times faster.
    """
    return _TOKEN_RE.findall(normalize(line))


def sentences(document: Document) -> list[tuple[int, int]]:
    """Half-open token index ranges of sentences (split after . ! ? and at blank lines)."""
    ranges = []
    begin = 0
    tokens = document.tokens
    for token in tokens:
        boundary = token.text in _SENTENCE_END or "\n" in token.whitespace
        if boundary and (token.i + 1 >= len(tokens) or not tokens[token.i + 1].text in _SENTENCE_END):
            ranges.append((begin, token.i + 1))
            begin = token.i + 1
    if begin < len(tokens):
        ranges.append((begin, len(tokens)))
    return ranges


def is_word(text: str) -> bool:
    """Letters or digits first ("'tween", an elided word, counts too)."""
    return bool(text) and (text[0].isalpha() or text[0].isdigit()
                           or (text[0] in "'’" and len(text) > 1 and text[1].isalpha()))
