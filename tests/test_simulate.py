"""The spinners: determinism, per-type consistency, offsets, and each profile's habits."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

from unspin.lexicon import Lexicon, Link
from unspin.simulate import (Resources, SpunText, changed_word_share, match_case, spin,
                             spin_command, uniform)
from unspin.tokenize import tokenize

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


def test_simulate_wordnet_replaces_every_occurrence_of_a_type_the_same_way():
    result = spin(TEXT, "wordnet", seed=3, rate=1.0, lexicon=LEXICON)
    check_edits(result)
    by_word: dict[str, set[str]] = {}
    for edit in result.edits:
        by_word.setdefault(edit.original, set()).add(edit.spun)
    assert all(len(spuns) == 1 for spuns in by_word.values())
    assert by_word["in"] == {"successful"}
    assert by_word["two"] == {"2"}  # number words become digits
    assert by_word["is a"] == {"is simply a"}  # phrase rows match token runs
    assert by_word["because"] == {"due to the fact that"}
    assert [e.original for e in result.edits].count("in") == 3


def test_simulate_wordnet_keeps_capitals_whitespace_and_inflection():
    result = spin(TEXT, "wordnet", seed=3, rate=1.0, lexicon=LEXICON)
    assert "Bank." in result.spun  # capitalised words are left alone
    assert "houses," in result.spun  # "houses" has no surface row: no re-inflection
    assert ",\tsuccessful 2.  The" in result.spun  # exact whitespace between tokens


def test_simulate_is_deterministic_and_seed_dependent():
    text = " ".join(["house in two because"] * 3)
    first = [spin(text, "wordnet", seed, 0.5, lexicon=LEXICON) for seed in range(20)]
    again = [spin(text, "wordnet", seed, 0.5, lexicon=LEXICON) for seed in range(20)]
    assert first == again
    assert len({r.spun for r in first}) > 1


def test_simulate_rate_zero_changes_nothing():
    result = spin(TEXT, "thesaurus", seed=1, rate=0.0, resources=RESOURCES)
    assert result.spun == TEXT and result.edits == ()


def test_simulate_thesaurus_reinflects_and_breaks_names():
    result = spin("The soldiers left the West Bank.", "thesaurus", seed=0, rate=1.0,
                  resources=RESOURCES)
    check_edits(result)
    assert "troopers" in result.spun
    assert "West Financial institution" in result.spun or "West Depository" in result.spun


def test_simulate_thesaurus_prefers_common_synonyms():
    picks = {spin("the house", "thesaurus", seed, 1.0, resources=RESOURCES).spun for seed in range(30)}
    assert picks <= {"the home", "the family"}  # both common; nothing else offered
    forest = Counter(spin("a forest", "thesaurus", seed, 1.0, resources=RESOURCES).spun
                     for seed in range(40))
    assert forest.most_common(1)[0][0] == "a woodland"  # 60 in the corpus against 5


def test_simulate_thesaurus_grammar_rewrites():
    result = spin("she said they were here", "thesaurus", seed=0, rate=1.0, resources=RESOURCES)
    assert result.spun.startswith("he or she said they had been here")
    assert {e.relation for e in result.edits} == {"grammar"}


def test_simulate_tortured_replaces_terms_as_one_site():
    result = spin("We trained a random forest and deep learning models.", "tortured", seed=0,
                  rate=0.25, resources=RESOURCES)
    check_edits(result)
    terms = [e for e in result.edits if e.relation == "term"]
    assert [e.original for e in terms] == ["random forest", "deep learning"]
    assert terms[0].spun in {"irregular timberland", "irregular woodland"}
    assert terms[1].spun == "profound acquisition"


def test_simulate_changed_word_share_follows_rate():
    text = " ".join(["in house two"] * 10)
    none = spin(text, "wordnet", 0, 0.0, lexicon=LEXICON)
    every = spin(text, "wordnet", 0, 1.0, lexicon=LEXICON)
    assert changed_word_share([none]) == 0.0
    assert changed_word_share([every]) == 1.0


def test_simulate_match_case():
    assert match_case("financial institution", "Bank") == "Financial institution"
    assert match_case("home", "HOUSE") == "HOME"
    assert match_case("home", "house") == "home"


def test_simulate_uniform_is_stable_across_processes():
    # golden values: a blake2b digest, not Python's per-process salted hash()
    assert uniform(0, "spin", "house") == pytest.approx(0.1745350582451341, abs=1e-15)
    assert uniform(7, "x") == pytest.approx(0.36243616565342307, abs=1e-15)
    assert uniform(1, "spin", "house") != uniform(0, "spin", "house")


def test_simulate_unknown_profile_raises():
    with pytest.raises(Exception, match="E030"):
        spin("text", "nonsense", lexicon=LEXICON)


WORDS = st.sampled_from(["house", "in", "two", "is", "a", "because", "Bank", "soldiers", "random",
                         "forest", "deep", "learning", "she", "were", "émigré", "👍", "x"])
SEPARATORS = st.sampled_from([" ", "  ", "\t", "\r\n", ", ", "\u00a0", ".", " - "])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(WORDS, SEPARATORS), max_size=25), st.sampled_from(["wordnet", "thesaurus",
       "tortured"]), st.integers(0, 5), st.sampled_from([0.1, 0.5, 1.0]))
def test_simulate_gold_edits_round_trip(pieces, profile, seed, rate):
    text = "".join(word + separator for word, separator in pieces)
    result = spin(text, profile, seed, rate, resources=RESOURCES)
    check_edits(result)
    assert result.original == text
    tokenize(result.spun)  # the spun text tokenizes losslessly too
    assert all(a.orig_end <= b.orig_start for a, b in zip(result.edits, result.edits[1:]))


def test_simulate_spin_command_writes_jsonl(monkeypatch):
    import unspin.simulate as simulate

    monkeypatch.setattr(simulate, "default_resources", lambda model=None: RESOURCES)
    runner = CliRunner()
    out = runner.invoke(spin_command, ["-", "--seed", "1", "--rate", "1.0", "--format", "jsonl"],
                        input="in the house\nbecause two\n")
    assert out.exit_code == 0, out.output
    rows = [json.loads(line) for line in out.output.splitlines()]
    assert [r["spun"] for r in rows] == ["successful the home", "due to the fact that 2"] or \
        [r["spun"] for r in rows] == ["successful the family", "due to the fact that 2"]
    assert set(rows[0]) == {"original", "spun", "profile", "seed", "rate", "edits"}
    assert set(rows[0]["edits"][0]) == {"orig_start", "orig_end", "spun_start", "spun_end",
                                        "original", "spun", "relation"}
    assert SpunText.from_dict(rows[1]).edits[0].relation == "phrase"
    text = runner.invoke(spin_command, ["-", "--seed", "1", "--rate", "1.0"], input="in two\n")
    assert text.output == "successful 2\n"


def test_simulate_tortured_leaves_names_that_look_like_terms():
    resources = Resources(LEXICON, FREQUENCIES, TERMS | {("deep", "forest")})
    result = spin("Deep Forest Records and the deep forest.", "tortured", seed=0, rate=0.25,
                  resources=resources)
    assert result.spun.startswith("Deep Forest Records")
    assert [e.original for e in result.edits if e.relation == "term"] == ["deep forest"]
