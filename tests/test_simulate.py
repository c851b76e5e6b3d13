"""The spinners: determinism, per-type consistency, offsets, and each profile's habits."""

from __future__ import annotations

import json
import pytest
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

from spinner_fixtures import LEXICON, RESOURCES, TEXT, check_edits
from unspin.simulate import SpunText, changed_word_share, spin, spin_command
from unspin.tokenize import tokenize

def test_simulate_is_deterministic_and_seed_dependent():
    text = " ".join(["house in two because"] * 3)
    first = [spin(text, "wordnet", seed, 0.5, lexicon=LEXICON) for seed in range(20)]
    again = [spin(text, "wordnet", seed, 0.5, lexicon=LEXICON) for seed in range(20)]
    assert first == again
    assert len({r.spun for r in first}) > 1


def test_simulate_rate_zero_changes_nothing():
    result = spin(TEXT, "thesaurus", seed=1, rate=0.0, resources=RESOURCES)
    assert result.spun == TEXT and result.edits == ()


def test_simulate_changed_word_share_follows_rate():
    text = " ".join(["in house two"] * 10)
    none = spin(text, "wordnet", 0, 0.0, lexicon=LEXICON)
    every = spin(text, "wordnet", 0, 1.0, lexicon=LEXICON)
    assert changed_word_share([none]) == 0.0
    assert changed_word_share([every]) == 1.0


def test_simulate_unknown_profile_raises_listing_the_families():
    with pytest.raises(Exception, match="E050.*wordnet, thesaurus, tortured"):
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

    monkeypatch.setattr(simulate, "resources_for", lambda profile, model=None: RESOURCES)
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
