"""The profile confidence model (unspin.profiles.confidence): it reads only readings restored
with a profile, loads without pickle, refuses other versions, and shows in the signature."""

import dataclasses
import json
import shutil

import numpy as np
import pytest
from conftest import BUNDLED, TINY

from unspin.calibration import fit_trees
from unspin.errors import UnspinError
from unspin.evidence import Agreement, Evidence
from unspin.lm import ArpaModel
from unspin.profiles.confidence import FEATURES, FORMAT, MODEL_FILE, ProfileCalibration, ProfileModel, features
from unspin.restorer import Restorer

from test_profiles import HELD_OUT, PAGES

BASE = Evidence("synonym", .5, .5, .5, .5, 0, 0, 0, 0, False, False, 1, None, False, False, .1, 1, 1)


def trusting_model() -> dict:
    """A model that says a reading is right exactly when the pages say so (share > 0.5)."""
    rng = np.random.default_rng(0)
    rows, labels = [], []
    for _ in range(2000):
        share, first = float(rng.random()), float(rng.uniform(0.01, 0.99))
        evidence = dataclasses.replace(BASE, posterior=first, profile_share=share, profile_spun=max(share, 0.5),
                                       profile_count=int(rng.integers(0, 500)), profile_fit=20.0)
        rows.append(features(evidence, first))
        labels.append(share > 0.5)
    return {**fit_trees(rows, labels, iterations=30, max_leaf_nodes=7, max_depth=3, format=FORMAT, names=FEATURES),
            "fitted_on": {"families": ["synthetic"]}}


class Fixed:
    """A first calibration that gives every reading the same confidence."""

    def confidences(self, evidence):
        return [0.3] * len(evidence)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    found = tmp_path_factory.mktemp("model") / "tiny"
    shutil.copytree(TINY, found)
    (found / MODEL_FILE).write_text(json.dumps(trusting_model()), encoding="utf-8")
    return found


def test_profile_confidence_reads_only_readings_restored_with_a_profile(folder):
    model = ProfileModel.load(folder)
    calibration = ProfileCalibration(Fixed(), model)
    strong = dataclasses.replace(BASE, corpus=Agreement.PROFILE, profile_share=0.97, profile_spun=0.97,
                                 profile_count=300, profile_fit=30.0)
    weak = dataclasses.replace(strong, profile_share=0.02)
    alone = dataclasses.replace(strong, corpus=Agreement.DOCUMENT)  # the document did not fit the profile
    corpus = dataclasses.replace(strong, corpus=Agreement.CORPUS)
    found = calibration.confidences([strong, alone, weak, corpus])
    assert found[1] == found[3] == 0.3  # never reached the profile model
    assert found[0] > 0.9 > 0.1 > found[2]


def test_profile_confidence_missing_file_keeps_the_first_confidence(tmp_path):
    assert ProfileModel.load(tmp_path) is None


@pytest.mark.parametrize("change", [{"format": "unspin.profile-confidence/0"}, {"features": ["logit_confidence"]}])
def test_profile_confidence_refuses_another_version(tmp_path, change):
    (tmp_path / MODEL_FILE).write_text(json.dumps({**trusting_model(), **change}), encoding="utf-8")
    with pytest.raises(UnspinError, match="E021.*fit-profile"):
        ProfileModel.load(tmp_path)


def test_profile_confidence_restores_with_the_model_and_names_it(folder):
    plain = Restorer(TINY, lm=ArpaModel(TINY / "lm.arpa"))
    restorer = Restorer(folder, lm=ArpaModel(folder / "lm.arpa"))
    profile = restorer.learn(PAGES, name="site-a")
    # without a profile, the model is never read: the same restoration, the same signature
    assert restorer.restore(HELD_OUT).edits == plain.restore(HELD_OUT).edits
    assert ",profile_confidence" not in restorer.restore(HELD_OUT).signature
    with_model = restorer.with_profile(profile).restore(HELD_OUT)
    without = plain.with_profile(profile).restore(HELD_OUT)
    assert "|profile:site-a+" in with_model.signature and f",{MODEL_FILE}+" in with_model.signature
    assert f",{MODEL_FILE}" not in without.signature
    # the pages say what "volition" and "successful" stand for: the model trusts them
    assert [e.restored for e in with_model.edits] == [e.restored for e in without.edits]
    assert all(e.confidence > 0.9 for e in with_model.edits)


@pytest.mark.model
def test_profile_confidence_shipped_model_loads_and_is_in_the_manifest():
    model = ProfileModel.load(BUNDLED)
    assert model is not None and "paper-mill" not in model.fitted_on["families"]
    manifest = json.loads((BUNDLED / "MANIFEST.json").read_text(encoding="utf-8"))
    assert manifest["files"][MODEL_FILE]["built_by"] == "scripts/calibrate.py fit-profile"
