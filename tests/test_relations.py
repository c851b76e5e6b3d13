"""One list of relations: channel weights, calibration features and reasons agree."""

import json

from conftest import BUNDLED
from unspin import relations
from unspin.calibration import FEATURES


def test_relations_weights_are_the_ones_the_channel_was_built_with():
    manifest = json.loads((BUNDLED / "MANIFEST.json").read_text())
    assert manifest["files"]["channel.tsv.gz"]["relation_weights"] == relations.WEIGHTS


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
