"""Capitalised words in a spinner profile.

A spinner either rewrites capitalised words like any other word ("Later" for "After", "He or
she" for "He") or leaves them alone, and its pages say which.  A profile holds a capitalised
occurrence (capital first letter, not all capitals) apart from the lowercase ones, under the
lowercase words with the first letter capitalised ("Later"), and its originals capitalised the
same way (("After",)).  The two never share sums, so a spinner that leaves "Later" alone keeps
its lowercase "later" -> "after", and a profile learned without capitalised entries reads
capitalised words with the generic channel.  Pure string functions: the lattice
(``candidates``), learning and the profile's evidence all read keys through here.
"""

from __future__ import annotations

from unspin.tokenize import is_word


def eligible(token) -> bool:
    """A lowercase word: what the gate's suspects, ``Profile.also`` and discovery's contexts
    read (most spinners leave capitalised words alone, so capitalised occurrences say little of
    which spinner wrote a page)."""
    return is_word(token.text) and not token.text[0].isupper()


def cased(token) -> bool:
    """A capitalised word a profile learns apart ("Later", "He"; not "NATO", which names)."""
    text = token.text
    return is_word(text) and text[:1].isupper() and not (len(text) > 1 and text.isupper())


def learnable(token) -> bool:
    """A token a profile learns from: a lowercase word, or a capitalised one (``cased``)."""
    return eligible(token) or cased(token)


def key(observed: str, capitalised: bool) -> str:
    """Where a profile holds the lowercase words ``observed`` (space-joined), written with a
    capital first letter when ``capitalised``."""
    return observed[:1].upper() + observed[1:] if capitalised else observed


def titled(words: tuple[str, ...]) -> tuple[str, ...]:
    """Original words as a capitalised entry holds them (the first word's first letter
    capitalised)."""
    return (words[0][:1].upper() + words[0][1:],) + tuple(words[1:]) if words else words


def untitled(words: tuple[str, ...]) -> tuple[str, ...]:
    """``titled`` undone: the lowercase words a capitalised entry's original stands for."""
    return (words[0][:1].lower() + words[0][1:],) + tuple(words[1:]) if words else words
