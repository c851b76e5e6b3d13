"""wordnet-walk: WordNet walks from the lemma, chains, re-inflection, its habits and its data."""

from __future__ import annotations

import pytest

from unspin.families import wordnet_walk
from unspin.families.shared import analyse
from unspin.families.wordnet_walk import Graph
from unspin.simulate import render
from unspin.tokenize import tokenize

from families_checks import (all_tags, assert_family_interface, assert_round_trip,
                             edits_by_original, realised_rate, spin_with)

# A ten-synset graph: fight/war, run -> move (hypernym), nearly -> about -> astir, Tell -> archer.
NAMES = (("fight", "war"), ("run",), ("move", "travel"), ("nearly", "about"), ("about", "astir"),
         ("Tell", "William Tell"), ("archer", "bowman"), ("apple", "pome"), ("house", "home"),
         ("house", "family"))
HYPERNYMS = ((), (2,), (), (), (), (6,), (), (), (), ())
INDEX = {"fight": (0,), "war": (0,), "run": (1,), "move": (2,), "travel": (2,), "nearly": (3,),
         "about": (4, 3), "astir": (4,), "tell": (5,), "archer": (6,), "apple": (7,),
         "pome": (7,), "house": (8, 9), "home": (8,), "family": (9,)}
TINY = Graph(NAMES, HYPERNYMS, ((),) * len(NAMES), INDEX, {}, {})
SYNONYMS_ONLY = {"synonym": 1.0}
HYPERNYMS_ONLY = {"hypernym": 1.0}


def tiny(text: str, seed: int = 0, **habits) -> str:
    if habits.get("relations") is HYPERNYMS_ONLY:
        habits["decay"] = 0.0  # the first lemma of the hypernym
    document = tokenize(text)
    return render(document, wordnet_walk.plan(document, TINY, seed, 1.0, **habits))[0]


def test_families_wordnet_walk_interface():
    assert_family_interface(wordnet_walk)


@pytest.mark.parametrize("text, habits, spun", [
    ("they were fighting", {"relations": SYNONYMS_ONLY}, "they were warring"),  # fight -> war
    ("the fights", {"relations": SYNONYMS_ONLY}, "the wars"),
    ("running late", {"relations": HYPERNYMS_ONLY}, "moving late"),  # run -> move
    ("he told them", {"relations": HYPERNYMS_ONLY}, "he archer them"),  # no verb "archer"
    ("nearly done", {"relations": SYNONYMS_ONLY, "depth": (0.0, 1.0), "decay": 0.0},
     "astir done"),  # nearly -> about -> astir: two rules applied in sequence
    ("nearly done", {"relations": SYNONYMS_ONLY, "depth": (1.0,), "decay": 0.0}, "about done"),
])
def test_families_wordnet_walk_reinflects_and_chains(text, habits, spun):
    assert tiny(text, **habits) == spun


def test_families_wordnet_walk_leaves_capitals_and_articles():
    assert tiny("An apple and a House", relations=SYNONYMS_ONLY) == "An pome and a House"
    assert tiny("an apple", relations=SYNONYMS_ONLY) == "an pome"  # a/an never repaired
    spun = tiny("House house", relations=SYNONYMS_ONLY, capitalised=1.0)
    assert spun.split()[0] in ("Home", "Family")  # the capital kept
    assert spun.split()[1] == spun.split()[0].lower()


def test_families_wordnet_walk_fixed_dictionary_and_per_occurrence():
    text = " ".join(["house"] * 40)
    fixed = {tiny(text, seed) for seed in range(10)}
    assert all(len(set(spun.split())) == 1 for spun in fixed)
    assert {spun.split()[0] for spun in fixed} == {"home", "family"}  # seeds differ
    varied = tiny(text, 0, per_occurrence=True)
    assert set(varied.split()) == {"home", "family"}


def test_families_wordnet_walk_real_graph_has_the_quirks(family_data):
    graph = family_data["wordnet-walk"]
    assert "successful" in graph.steps("in")["similar_to"]  # in -> successful
    assert "beryllium" in graph.steps("be")["synonym"]
    assert "helium" in graph.steps("he")["synonym"]
    assert "archer" in graph.steps("tell")["hypernym"]  # told -> archer
    assert "astir" in graph.steps("about")["synonym"]  # nearly -> about -> astir
    assert "war" in graph.steps("fight")["sibling"]  # both kinds of conflict
    assert "move" in graph.steps("run")["synonym"]
    assert "2" in graph.steps("two")["synonym"]


def test_families_wordnet_walk_fighting_becomes_warring(family_data):
    graph = family_data["wordnet-walk"]
    spun = {spin_with(wordnet_walk, graph, "fighting", seed, 1.0, relations={"sibling": 1.0},
                      depth=(1.0,)).spun for seed in range(60)}
    assert "warring" in spun


def test_families_wordnet_walk_round_trip_and_determinism(family_data, news_sample):
    graph = family_data["wordnet-walk"]
    texts = ["He said:\r\n\tthe houses  were\u00a0fighting 👍 nearly… in two \"zones\".",
             *(d.text for d in news_sample[:40])]
    for seed in (0, 1):
        for text in texts:
            result = spin_with(wordnet_walk, graph, text, seed, 0.4)
            assert_round_trip(result)
            assert result == spin_with(wordnet_walk, graph, text, seed, 0.4)


def test_families_wordnet_walk_seeds_make_different_dictionaries(family_data, news_sample):
    graph = family_data["wordnet-walk"]
    text = " ".join(d.text for d in news_sample[:20])
    first, second = (edits_by_original(spin_with(wordnet_walk, graph, text, seed, 0.5))
                     for seed in (0, 1))
    shared = [word for word in first if word in second]
    assert shared and sum(first[w] != second[w] for w in shared) > len(shared) / 3
    assert all(len(spuns) == 1 for spuns in first.values())  # one replacement per type


def test_families_wordnet_walk_inflected_originals_stay_inflected(family_data, news_sample):
    from lemminflect import getAllInflections

    graph = family_data["wordnet-walk"]
    checked = 0
    for document in news_sample[:60]:
        result = spin_with(wordnet_walk, graph, document.text, 3, 1.0)
        for edit in result.edits:
            readings = [r for r in analyse(edit.original) if r[0] in graph.index]
            if not readings or readings[0][0] == edit.original or " " in edit.spun:
                continue
            _, upos, tag = readings[0]
            spun = edit.spun.lower()
            # the same tag where the replacement has that form; else the bare replacement
            assert tag in all_tags(spun) or tag not in getAllInflections(spun, upos=upos), edit
            checked += 1
    assert checked > 100


def test_families_wordnet_walk_capitalised_habit(family_data, news_sample):
    graph = family_data["wordnet-walk"]
    text = " ".join(d.text for d in news_sample[:10])
    default = spin_with(wordnet_walk, graph, text, 0, 1.0)
    assert all(e.original == e.original.lower() for e in default.edits)
    every = spin_with(wordnet_walk, graph, text, 0, 1.0, capitalised=1.0)
    capitals = [e for e in every.edits if e.original[0].isupper()]
    assert len(capitals) > 20 and all(e.spun[0].isupper() for e in capitals)


def test_families_wordnet_walk_rate_on_training_news(family_data, news_sample):
    share = realised_rate(wordnet_walk, family_data["wordnet-walk"], news_sample, 0.25)
    assert 0.25 * 0.7 <= share <= 0.25 * 1.3
    assert realised_rate(wordnet_walk, family_data["wordnet-walk"], news_sample, 0.0) == 0.0


def test_families_wordnet_walk_never_touches_articles(family_data, news_sample):
    graph = family_data["wordnet-walk"]
    for document in news_sample[:40]:
        result = spin_with(wordnet_walk, graph, document.text, 0, 1.0, capitalised=1.0)
        assert not any(e.original.lower() in ("a", "an") for e in result.edits)


def test_families_wordnet_walk_data_is_listed_and_small():
    from unspin.data import BUNDLED, read_manifest, sha256

    path = BUNDLED / wordnet_walk.DATA
    entry = read_manifest(BUNDLED)["files"][wordnet_walk.DATA]
    assert path.stat().st_size == entry["size"] <= 5_000_000
    assert sha256(path) == entry["sha256"] and entry["format"] == "unspin.wordnet_walk/1"
    assert "WordNet" in entry["licence"] and entry["built_by"] == "scripts/build_spinner_data.py"
