"""A small hand-made channel, corpus counts and term list for the spinner tests."""

from unspin.families.base import Resources
from unspin.lexicon import Lexicon, Link
from unspin.simulate import SpunText

LINKS = [
    Link("house", "home", "synonym", "house.n.01"),
    Link("house", "family", "synonym", "house.n.02"),
    Link("in", "successful", "similar_to", "in.s.01"),
    Link("two", "2", "number", "digits"),
    Link("two", "deuce", "synonym", "two.n.01"),
    Link("is a", "is simply a", "phrase", "rewrite"),
    Link("because", "due to the fact that", "phrase", "rewrite"),
    Link("soldier", "trooper", "synonym", "soldier.n.01"),
    Link("bank", "financial institution", "synonym", "bank.n.01"),
    Link("bank", "depository financial institution", "synonym", "bank.n.01"),
    Link("random", "irregular", "similar_to", "random.a.01"),
    Link("forest", "timberland", "synonym", "forest.n.01"),
    Link("forest", "woodland", "synonym", "forest.n.01"),
    Link("deep", "profound", "synonym", "deep.a.01"),
    Link("learning", "acquisition", "synonym", "learning.n.01"),
]
LEXICON = Lexicon(LINKS, name="test")
FREQUENCIES = {"home": 900, "family": 800, "trooper": 50, "financial": 400, "institution": 300,
               "irregular": 40, "timberland": 5, "woodland": 60, "profound": 80, "acquisition": 90}
TERMS = frozenset({("random", "forest"), ("deep", "learning")})
RESOURCES = Resources(LEXICON, FREQUENCIES, TERMS)
TEXT = "He is a man in the house because two houses,\tin two.  The house  in Bank."


def check_edits(result: SpunText) -> None:
    """Gold edits point at their text in both versions and rebuild each from the other."""
    for edit in result.edits:
        assert result.original[edit.orig_start : edit.orig_end] == edit.original
        assert result.spun[edit.spun_start : edit.spun_end] == edit.spun
    rebuilt, position = [], 0
    for edit in result.edits:
        rebuilt.append(result.original[position : edit.orig_start] + edit.spun)
        position = edit.orig_end
    assert "".join(rebuilt) + result.original[position:] == result.spun
    back, position = [], 0
    for edit in result.edits:
        back.append(result.spun[position : edit.spun_start] + edit.original)
        position = edit.spun_end
    assert "".join(back) + result.spun[position:] == result.original
