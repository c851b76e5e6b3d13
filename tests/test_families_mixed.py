"""mixed: per-document settings drawn from the seed and the text; the families behind it; the
stop-gap hook that lets spin() and `unspin spin --profile` use the independent families."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from click.testing import CliRunner

from unspin.data import BUNDLED
from unspin.families import mixed
from unspin.families.mixed import FAMILIES, INDEPENDENT_FAMILIES, Loaded, settings
from unspin.simulate import spin, spin_command
from unspin.tokenize import tokenize

from families_checks import assert_family_interface, assert_round_trip, realised_rate, spin_with


@pytest.fixture(scope="module")
def loaded(family_data):
    return Loaded(BUNDLED, dict(family_data))  # the channel profiles load when first drawn


def test_families_mixed_interface():
    assert_family_interface(mixed)
    assert mixed.INDEPENDENT is False  # it draws the channel-based profiles too


def test_families_mixed_settings_are_drawn_per_document(news_sample):
    drawn = [settings(d, 0, 0.25) for d in news_sample]
    assert drawn == [settings(d, 0, 0.25) for d in news_sample]  # fixed by seed and text
    assert drawn != [settings(d, 1, 0.25) for d in news_sample]
    assert set(Counter(s.family for s in drawn)) == set(FAMILIES)
    assert all(0.1 - 1e-9 <= s.rate <= 0.4 + 1e-9 for s in drawn)
    walks = [s.habits for s in drawn if s.family == "wordnet-walk"]
    assert {h["per_occurrence"] for h in walks} == {True, False}
    assert any(h == mixed.OPEN_SOURCE for h in walks)  # first lemma of a random synset
    assert len({h.get("depth") for h in walks}) > 1
    theses = [s.habits for s in drawn if s.family == "thesaurus-b"]
    assert len({h["capitalised"] for h in theses}) > 1
    assert all(s.habits == {} for s in drawn if s.family in mixed.CHANNEL_PROFILES)


def test_families_mixed_round_trip_and_rate(loaded, news_sample):
    for document in news_sample[:40]:
        result = spin_with(mixed, loaded, document.text, 0, 0.25)
        assert_round_trip(result)
        assert result == spin_with(mixed, loaded, document.text, 0, 0.25)
    share = realised_rate(mixed, loaded, news_sample, 0.25, seeds=(0,))  # documents vary already
    assert 0.25 * 0.7 <= share <= 0.25 * 1.3


def test_families_mixed_per_occurrence_documents_vary_their_choices(loaded):
    text = " ".join(["The company said the company would sell the company's shares."] * 6)
    document = tokenize(text)
    for seed in range(200):
        chosen = settings(document, seed, 0.25)
        if chosen.family == "wordnet-walk" and chosen.habits.get("per_occurrence"):
            break
    else:
        pytest.fail("no seed drew a per-occurrence wordnet-walk")
    result = spin_with(mixed, loaded, text, seed, 1.0)
    replacements: dict[str, set[str]] = {}
    for edit in result.edits:
        replacements.setdefault(edit.original.lower(), set()).add(edit.spun.lower())
    assert any(len(spuns) > 1 for spuns in replacements.values())


def test_families_mixed_load_needs_no_channel(tmp_path, news_sample):
    for name in ("wordnet_walk.tsv.gz", "thesaurus_b.tsv.gz", "unigrams.tsv"):
        (tmp_path / name).symlink_to(BUNDLED / name)
    resources = mixed.load(tmp_path)  # reads nothing yet
    for document in news_sample[:30]:
        mixed.plan(document, resources, 0, 0.25, families=INDEPENDENT_FAMILIES)
    assert set(resources.resources) == set(INDEPENDENT_FAMILIES)
    drawn = next(d for d in news_sample if settings(d, 0, 0.25).family == "wordnet")
    with pytest.raises(Exception, match="E001|channel"):  # loudly, never another family
        mixed.plan(drawn, resources, 0, 0.25)


def test_families_spin_and_cli_know_the_families(family_data, monkeypatch):
    import unspin.simulate as simulate

    text = "The soldiers were fighting in the houses because people said so."
    for profile in ("wordnet-walk", "thesaurus-b"):
        result = spin(text, profile, seed=1, rate=0.5, resources=family_data[profile])
        assert result.profile == profile and result.edits
        assert_round_trip(result)
    with pytest.raises(Exception, match="E050"):
        spin(text, "nonsense")
    monkeypatch.setattr(simulate, "resources_for", lambda profile, folder=None: family_data[profile])
    out = CliRunner().invoke(spin_command, ["-", "--profile", "wordnet-walk", "--rate", "0.5",
                                            "--format", "jsonl"], input=text + "\n")
    assert out.exit_code == 0, out.output
    row = json.loads(out.output)
    assert row["profile"] == "wordnet-walk" and row["original"] == text and row["edits"]
