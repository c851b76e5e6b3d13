"""One list of relations: channel weights, calibration features and reasons agree."""

import json

from conftest import BUNDLED
from unspin import relations
from unspin.calibration import FEATURES


def test_relations_weights_are_the_ones_the_channel_was_built_with():
    manifest = json.loads((BUNDLED / "MANIFEST.json").read_text())
    # thesaurus rows live in their own table (thesaurus.tsv.gz), not in channel.tsv.gz
    channel = {name: weight for name, weight in relations.WEIGHTS.items() if name != relations.THESAURUS}
    assert manifest["files"]["channel.tsv.gz"]["relation_weights"] == channel
    assert manifest["files"]["thesaurus.tsv.gz"]["relation"] == relations.THESAURUS


def test_relations_issue13_phrase_relations_are_not_calibration_features_yet():
    # the shipped calibration.json was fitted without them (a new feature would make it refuse, E021)
    assert relations.PHRASE_TERM not in relations.FEATURE_RELATIONS
    assert relations.THESAURUS not in relations.FEATURE_RELATIONS
    assert relations.PHRASE_TERM not in relations.WEIGHTS  # not a channel row


def test_relations_each_feature_relation_is_a_calibration_feature_in_order():
    named = [name.removeprefix("relation_") for name in FEATURES if name.startswith("relation_")]
    assert named == list(relations.FEATURE_RELATIONS)


def test_relations_every_relation_is_described_and_unlisted_ones_get_a_small_weight():
    assert all(r.description for r in relations.RELATIONS)
    assert relations.weight("synonym") == 1.0 and relations.weight("grammar") == relations.UNLISTED_WEIGHT
    assert relations.base("hypernym+inflection") == "hypernym" and relations.inflected("hypernym+inflection")


def test_relations_describe_a_reason():
    from unspin.surface import reason
    from unspin.types import Candidate

    assert reason("beryllium", Candidate(("be",), "element", 0.0)) == \
        "beryllium: WordNet lemma of a chemical element -> be"
    assert reason("troopers", Candidate(("soldiers",), "synonym+inflection", 0.0)).endswith(
        "WordNet synonym, re-inflected -> soldiers")
