"""The shipped spinner families: each family's habits, and the contract every family keeps."""

from __future__ import annotations

from collections import Counter

import pytest

from conftest import BUNDLED
from spinner_fixtures import FREQUENCIES, LEXICON, RESOURCES, TERMS, TEXT, check_edits
from unspin.families.base import Resources, uniform
from unspin.registry import Family, families
from unspin.simulate import spin
from unspin.surface import match_case


def test_families_wordnet_replaces_every_occurrence_of_a_type_the_same_way():
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


def test_families_wordnet_keeps_capitals_whitespace_and_inflection():
    result = spin(TEXT, "wordnet", seed=3, rate=1.0, lexicon=LEXICON)
    assert "Bank." in result.spun  # capitalised words are left alone
    assert "houses," in result.spun  # "houses" has no surface row: no re-inflection
    assert ",\tsuccessful 2.  The" in result.spun  # exact whitespace between tokens


def test_families_thesaurus_reinflects_and_breaks_names():
    result = spin("The soldiers left the West Bank.", "thesaurus", seed=0, rate=1.0,
                  resources=RESOURCES)
    check_edits(result)
    assert "troopers" in result.spun
    assert "West Financial institution" in result.spun or "West Depository" in result.spun


def test_families_thesaurus_prefers_common_synonyms():
    picks = {spin("the house", "thesaurus", seed, 1.0, resources=RESOURCES).spun for seed in range(30)}
    assert picks <= {"the home", "the family"}  # both common; nothing else offered
    forest = Counter(spin("a forest", "thesaurus", seed, 1.0, resources=RESOURCES).spun
                     for seed in range(40))
    assert forest.most_common(1)[0][0] == "a woodland"  # 60 in the corpus against 5


def test_families_thesaurus_grammar_rewrites():
    result = spin("she said they were here", "thesaurus", seed=0, rate=1.0, resources=RESOURCES)
    assert result.spun.startswith("he or she said they had been here")
    assert {e.relation for e in result.edits} == {"grammar"}


def test_families_tortured_replaces_terms_as_one_site():
    result = spin("We trained a random forest and deep learning models.", "tortured", seed=0,
                  rate=0.25, resources=RESOURCES)
    check_edits(result)
    terms = [e for e in result.edits if e.relation == "term"]
    assert [e.original for e in terms] == ["random forest", "deep learning"]
    assert terms[0].spun in {"irregular timberland", "irregular woodland"}
    assert terms[1].spun == "profound acquisition"


def test_families_match_case():
    assert match_case("financial institution", "Bank") == "Financial institution"
    assert match_case("home", "HOUSE") == "HOME"
    assert match_case("home", "house") == "home"


def test_families_uniform_is_stable_across_processes():
    # golden values: a blake2b digest, not Python's per-process salted hash()
    assert uniform(0, "spin", "house") == pytest.approx(0.1745350582451341, abs=1e-15)
    assert uniform(7, "x") == pytest.approx(0.36243616565342307, abs=1e-15)
    assert uniform(1, "spin", "house") != uniform(0, "spin", "house")


def test_families_tortured_leaves_names_that_look_like_terms():
    resources = Resources(LEXICON, FREQUENCIES, TERMS | {("deep", "forest")})
    result = spin("Deep Forest Records and the deep forest.", "tortured", seed=0, rate=0.25,
                  resources=resources)
    assert result.spun.startswith("Deep Forest Records")
    assert [e.original for e in result.edits if e.relation == "term"] == ["deep forest"]


def test_families_are_registered_in_order_with_everything_they_need():
    assert families.names()[:3] == ("wordnet", "thesaurus", "tortured")
    for family in families:
        assert isinstance(family, Family) and family.description and family.files
        assert callable(family.plan) and callable(family.load)
        assert family.coverage is None or 0 < family.coverage <= 1
    assert not any(families.get(name).independent for name in ("wordnet", "thesaurus", "tortured"))


@pytest.mark.parametrize("name", ["wordnet", "thesaurus", "tortured"])
def test_families_load_only_the_files_they_list(tmp_path, name):
    import shutil

    family = families.get(name)
    for file in family.files:
        shutil.copy(BUNDLED / file, tmp_path / file)
    resources = family.load(tmp_path)
    text = "The soldiers said that the random forest model is a good tool because it works in practice."
    result = spin(text, name, seed=1, rate=1.0, resources=resources)
    check_edits(result)
    assert result.edits
