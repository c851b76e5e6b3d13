"""Encoder training data and configs (numpy only: no torch needed)."""

import shutil
from pathlib import Path

import numpy as np
import pytest

from unspin.errors import UnspinError
from unspin.scorers.neural import Vocabulary
from unspin.simulate import resources_for
from unspin.tokenize import tokenize
from unspin.training.config import DataSettings, TrainConfig
from unspin.training.examples import (Pack, collate, crop, expand_mixture, make_example, own_families, unseen_families,
                                      validation_families, write_pack)

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "src" / "unspin" / "data"
CONFIGS = ROOT / "configs" / "encoder"
TEXT = ("A former sergeant in the military says that few of the soldiers have been captured while fighting, "
        "because they are told their families will be executed if they are caught alive.")
TOY = [f"{name} was in {city} in {year}. The {role} said the {thing} was in good order."
       for name, city, year, role, thing in zip(
           ["Smith", "Jones", "Brown", "Taylor", "Wilson", "Evans"] * 4,
           ["London", "Paris", "Berlin", "Madrid", "Rome", "Tokyo", "Moscow", "Sydney"] * 3,
           ["2019", "2020", "2018", "2017"] * 6, ["minister", "officer", "manager", "teacher"] * 6,
           ["house", "car", "office", "school", "road", "city"] * 4)]


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return Vocabulary.from_unigrams(BUNDLED / "unigrams.tsv", 3000)


@pytest.fixture(scope="module")
def pack(tmp_path_factory, vocabulary) -> Pack:
    folder = tmp_path_factory.mktemp("pack")
    write_pack(folder, TOY[4:], TOY[:4], vocabulary, BUNDLED, 16,
               {"sources": [{"file": "toy", "first_line": 0, "paragraphs": len(TOY) - 4}]})
    return Pack.load(folder)


@pytest.mark.parametrize("profile", ["wordnet", "thesaurus", "tortured"])
def test_examples_targets_are_the_original_words(profile, vocabulary):
    """Where a spin keeps the token count, the targets are the original's tokens and
    exactly the changed tokens are marked spun."""
    checked = 0
    for seed in range(30):  # at 0.15: the channel's phrase rows change the token count of most spins at 0.4
        example = make_example(TEXT, profile, seed, 0.15, resources_for(profile), vocabulary, 96)
        original = [t.norm for t in tokenize(TEXT).tokens]
        if len(original) != len(example):
            continue
        assert example.targets.tolist() == [vocabulary.id(w) for w in original]
        changed = example.targets != example.token_ids
        assert (example.spun[changed]).all()
        assert (example.token_ids[example.spun & ~changed] < 3).all()  # words spun to and from <unk>
        checked += int(example.spun.any())
    assert checked >= 3


def test_examples_clean_text_is_its_own_target(vocabulary):
    example = make_example(TEXT, "clean", 0, 0.4, None, vocabulary, 96)
    assert (example.targets == example.token_ids).all() and not example.spun.any()


def test_examples_are_cut_at_max_len(vocabulary):
    assert len(make_example(TEXT, "wordnet", 0, 0.4, resources_for("wordnet"), vocabulary, 8)) == 8


def test_examples_crop_keeps_whole_sentences():
    text = "One two three four. Five six seven. Eight nine ten eleven twelve."
    rng = np.random.default_rng(0)
    for _ in range(20):
        cropped = crop(text, rng, 10, 0.0)
        assert cropped in text and len(tokenize(cropped).tokens) <= 10
        assert cropped[0].isupper() and cropped.endswith(".")


def test_examples_collate_trains_every_spun_token_against_its_candidates(pack):
    examples = [make_example(text, "wordnet", i, 0.4, resources_for("wordnet"), pack.vocabulary, 32)
                for i, text in enumerate(TOY[:8])]
    batch = collate(examples, pack, DataSettings(readings=16, negatives=8), np.random.default_rng(0),
                    identity_share=0.0)
    spun_flat = np.flatnonzero(batch["spun"].reshape(-1) > 0)
    assert set(spun_flat) <= set(batch["positions"]) and len(spun_flat) > 0
    observed = batch["token_ids"].reshape(-1)[batch["positions"]]
    assert (batch["candidates"][:, 1] == observed).all()
    assert (batch["candidates"][:, 0] >= 3).all()
    assert batch["negatives"].shape == (8,) and (batch["negatives"] >= 3).all()


def test_examples_pack_readings_are_channel_readings(pack):
    """The readings of "successful" hold "in" (in -> successful is a WordNet spin)."""
    ids = pack.readings[pack.vocabulary.id("successful")]
    assert pack.vocabulary.id("in") in ids.tolist()


def test_examples_pack_refuses_another_channel_table(tmp_path, pack):
    other = tmp_path / "spinner"
    other.mkdir()
    for name in ("channel.tsv.gz", "unigrams.tsv"):
        shutil.copy(BUNDLED / name, other / name)
    (other / "terms.tsv").write_text("# unspin.terms/1\nfuel cell\n", encoding="utf-8")
    with pytest.raises(UnspinError, match="E022"):
        Pack.load(pack.folder, spinner_folder=other)


def test_examples_own_families_are_the_channel_based_ones():
    """issue 12 leave-out: "own" is the families built on the restorer's channel table; the
    independent families and mixed (which draws from them) stay out of training."""
    assert own_families() == ("wordnet", "thesaurus", "tortured")
    assert dict(expand_mixture(DataSettings())) == {"wordnet": 1.0, "thesaurus": 1.0, "tortured": 1.0, "clean": 0.25}
    assert set(unseen_families(DataSettings())) == {"wordnet-walk", "thesaurus-b", "paper-mill", "mixed"}
    assert validation_families(DataSettings())[-4:] == ["wordnet-walk", "thesaurus-b", "paper-mill", "mixed"]
    assert "mixed" not in validation_families(DataSettings(validate_unseen=False))


@pytest.mark.parametrize("name", ["tiny", "cpu", "gpu"])
def test_training_configs_leave_the_independent_families_out(name):
    from unspin.registry import families

    config = TrainConfig.load(CONFIGS / f"{name}.json")
    trained = {family for family, _weight in expand_mixture(config.data)} - {"clean"}
    assert trained == {"wordnet", "thesaurus", "tortured"}
    assert not any(families.get(family).independent for family in trained)


def test_examples_mixture_all_takes_every_registered_family(monkeypatch):
    from unspin.registry import families

    monkeypatch.setattr(families, "names", lambda: ("wordnet", "thesaurus", "tortured", "newfamily"))
    names = dict(expand_mixture(DataSettings(mixture=(("all", 1.0), ("clean", 0.25)))))
    assert {"wordnet", "thesaurus", "tortured", "newfamily", "clean"} <= set(names)
    held_out = dict(expand_mixture(DataSettings(mixture=(("all", 1.0),), exclude_families=("thesaurus",))))
    assert "thesaurus" not in held_out and "newfamily" in held_out


def test_examples_mixture_refuses_an_unknown_family():
    with pytest.raises(UnspinError, match="E030.*nosuchspinner.*wordnet-walk"):
        expand_mixture(DataSettings(mixture=(("nosuchspinner", 1.0),)))


def test_training_without_torch_says_how_to_install_it(monkeypatch):
    import sys

    from unspin.training import require_torch

    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(UnspinError, match=r"E060.*\.\[encoder\]"):
        require_torch()


@pytest.mark.parametrize("name", ["tiny", "cpu", "gpu"])
def test_training_configs_parse(name):
    config = TrainConfig.load(CONFIGS / f"{name}.json")
    assert config.name == name
    assert config.model_config(50_000).d_model % config.model_config(50_000).heads == 0


def test_training_config_refuses_unknown_settings():
    with pytest.raises(UnspinError, match="E030"):
        TrainConfig.from_dict({"name": "x", "data": {"rates": [0.1, 0.2]}})
    with pytest.raises(UnspinError, match="E030"):
        TrainConfig.from_dict({"name": "x", "model": {"width": 3}})


def test_training_gpu_checkpoint_fits_what_the_device_hands_back():
    """float16 shards of <= 15 MiB: four files beside three logs (the device hands back
    eight files, 64 MiB), and one byte per weight in the int8 ONNX is under 60 MB."""
    config = TrainConfig.load(CONFIGS / "gpu.json")
    weights = config.model_config(50_000).parameters()
    assert config.run.checkpoint_dtype == "float16"
    assert weights * 2 <= 4 * 15 * 2**20 - 2**20 and weights < 50e6
