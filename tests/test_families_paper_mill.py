"""The paper-mill family: terms swapped word by word through its own thesaurus (MyThes, as
shipped for thesaurus-b)."""

from __future__ import annotations

import pytest

from families_checks import assert_family_interface, assert_round_trip
from unspin.families import paper_mill
from unspin.families.paper_mill import PaperMillResources, from_meanings, plan
from unspin.families.thesaurus_b import Meaning
from unspin.registry import families
from unspin.simulate import render
from unspin.tokenize import tokenize

# headword -> meanings (pos, synonyms, generic terms, similar terms, related terms), as
# thesaurus_b.tsv.gz holds them (antonyms are never there)
ENTRIES = {
    "random": (Meaning("a", (), (), ("haphazard", "stochastic"), ()), Meaning("a", (), (), ("unselected",), ())),
    "forest": (Meaning("n", ("wood", "woods"), ("vegetation",), (), ()), Meaning("n", ("timberland", "woodland"), (), (), ())),
    "deep": (Meaning("a", (), (), ("profound",), ()),),
    "learning": (Meaning("n", ("acquisition",), ("basic cognitive process",), (), ()),),
    "random forest": (Meaning("n", ("random decision forest",), (), (), ()),),
    "public opinion": (Meaning("n", ("popular opinion", "opinion", "vox populi"), (), (), ()),),
}


@pytest.fixture(scope="module")
def resources() -> PaperMillResources:
    thesaurus, multiword = from_meanings(ENTRIES)
    return PaperMillResources(thesaurus, multiword | {("deep", "learning")})


def spun(text: str, resources, seed: int = 1, rate: float = 0.25, **habits):
    document = tokenize(text)
    return render(document, plan(document, resources, seed, rate, **habits))


def test_paper_mill_reads_multiword_nouns_and_synonyms(resources):
    assert ("random", "forest") in resources.terms and ("public", "opinion") in resources.terms
    synonyms = dict(resources.thesaurus.synonyms("random", "ADJ"))
    assert "haphazard" in synonyms
    assert "vegetation" not in dict(resources.thesaurus.synonyms("forest", "NOUN"))  # nor generic terms
    # a synonym holding the word itself is no replacement ("opinion" -> "public opinion")
    assert all("opinion" not in w for w, _ in resources.thesaurus.synonyms("opinion", "NOUN"))


def test_paper_mill_spins_each_word_of_a_term_once(resources):
    text, edits = spun("We trained a random forest and used deep learning.", resources)
    assert [e.relation for e in edits] == ["term", "term"]
    forest, learning = edits
    assert forest.original == "random forest" and len(forest.spun.split()) >= 2
    assert forest.spun.split()[0] in {"haphazard", "stochastic", "unselected"}
    assert forest.spun.split()[-1] in {"wood", "woods", "timberland", "woodland"}
    assert learning.original == "deep learning" and learning.spun == "profound acquisition"
    assert text.startswith("We trained a ") and text.endswith(".")


def test_paper_mill_keeps_the_head_noun_number_and_case(resources):
    _text, (edit,) = spun("Random forests work.", resources)
    first, last = edit.spun.split(" ", 1)[0], edit.spun.rsplit(" ", 1)[-1]
    assert first[0].isupper() and last.endswith("s")


def test_paper_mill_leaves_names_and_plain_words(resources):
    text = "The Random Forest Trust planted a forest."
    assert spun(text, resources) == (text, ())


def test_paper_mill_is_deterministic_and_rate_zero_changes_nothing(resources):
    text = "A random forest beats deep learning here."
    assert spun(text, resources, seed=4) == spun(text, resources, seed=4)
    assert spun(text, resources, rate=0.0) == (text, ())


def test_paper_mill_words_habit_spins_other_words(resources):
    _text, edits = spun("The deep forest is random.", resources, rate=1.0, words=1.0)
    assert {e.relation for e in edits} == {"thesaurus"}


def test_paper_mill_is_a_registered_independent_family():
    assert_family_interface(paper_mill)
    family = families.get("paper-mill")
    assert family.independent and family.plan is plan and "thesaurus_b.tsv.gz" in family.files
    assert family.coverage == paper_mill.COVERAGE and "MyThes" in family.description


def test_paper_mill_profile_in_the_simulator():
    from unspin.simulate import spin

    result = spin("Deep learning and linear regression are used in artificial intelligence.",
                  profile="paper-mill", seed=0, rate=0.25)
    assert result.profile == "paper-mill" and result.edits
    assert all(e.relation == "term" for e in result.edits)
    assert_round_trip(result)
