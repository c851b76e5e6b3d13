"""The confidence model: features, the logistic fit, and the shipped weights."""

import json
import random

import numpy as np
import pytest

from unspin.calibration import FORMAT, Calibration, export_trees, fit_trees
from test_evidence import an_evidence as evidence
from unspin.evidence import FEATURES, MIN_POSTERIOR, features
from unspin.data import data_dir
from unspin.errors import UnspinError
from unspin.registry import families


def test_identity_is_the_posterior():
    assert Calibration.identity().confidence(evidence(posterior=0.37)) == 0.37


def model_from(data: dict, tmp_path) -> Calibration:
    path = tmp_path / "calibration.json"
    path.write_text(json.dumps(data))
    return Calibration.load(path)


def test_exported_trees_agree_with_scikit_learn(tmp_path):
    pytest.importorskip("sklearn")
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = random.Random(1)
    samples = []
    for _ in range(3000):
        posterior, rate = rng.random(), rng.random() * 0.4
        right = rng.random() < posterior * (0.5 + rate)  # an interaction a linear model would miss
        samples.append((evidence(posterior=posterior, family=posterior, rate=rate), right))
    rows = np.array([[features(e)[name] for name in FEATURES] for e, _ in samples])
    labels = [right for _, right in samples]
    fitted = HistGradientBoostingClassifier(max_iter=40, max_leaf_nodes=15, random_state=0).fit(rows, labels)
    model = model_from(export_trees(fitted), tmp_path)
    kept = [i for i in range(500) if samples[i][0].posterior >= MIN_POSTERIOR]  # the rest are gated to 0
    ours = model.confidences([samples[i][0] for i in kept])
    theirs = fitted.predict_proba(rows[kept])[:, 1]
    assert np.allclose(ours, theirs, atol=1e-6)
    low, high = model.confidence(evidence(posterior=0.1, family=0.1)), model.confidence(evidence(posterior=0.9, family=0.9))
    assert low < high
    assert model.confidence(evidence(posterior=MIN_POSTERIOR / 2)) == 0.0


def test_fit_trees_gives_a_loadable_model(tmp_path):
    pytest.importorskip("sklearn")
    rows = [[features(evidence(posterior=p / 100))[name] for name in FEATURES] for p in range(1, 100)]
    model = model_from(fit_trees(rows, [p > 50 for p in range(1, 100)], iterations=10), tmp_path)
    assert model.confidence(evidence(posterior=0.9)) > model.confidence(evidence(posterior=0.2))


def test_shipped_model_covers_every_feature():
    path = data_dir(None) / "calibration.json"
    data = json.loads(path.read_text())
    assert data["format"] == FORMAT and data["features"] == list(FEATURES)
    model = Calibration.load(path)
    assert model.roots is not None
    assert 0.0 <= model.confidence(evidence()) <= 1.0
    # strong decoder support with the document behind it beats weak support
    assert model.confidence(evidence(posterior=0.95, family=0.95, keep=0.03, pooled=2)) > model.confidence(
        evidence(posterior=0.3, family=0.3, keep=0.6))


@pytest.mark.parametrize("bad", [{}, {"format": "unspin.calibration/3", "features": list(FEATURES)},
                                 {"format": FORMAT, "features": ["old"]}])
def test_calibration_refuses_a_file_that_does_not_fit_the_code(tmp_path, bad):
    path = tmp_path / "calibration.json"
    path.write_text(json.dumps(bad))
    with pytest.raises(UnspinError, match="E021.*scripts/calibrate.py"):
        Calibration.load(path)


def test_calibration_refuses_another_lm_order(tmp_path):
    pytest.importorskip("sklearn")
    rows = [[features(evidence(posterior=p / 100))[name] for name in FEATURES] for p in range(1, 100)]
    data = fit_trees(rows, [p > 50 for p in range(1, 100)], iterations=5)
    path = tmp_path / "calibration.json"
    path.write_text(json.dumps(data))
    with pytest.raises(UnspinError, match="does not say which language model"):
        Calibration.load(path, lm_order=5)
    path.write_text(json.dumps({**data, "fitted_on": {"lm": {"order": 3}}}))
    assert Calibration.load(path, lm_order=3).fitted_on == {"lm": {"order": 3}}
    with pytest.raises(UnspinError, match="E021.*3-gram.*not this 5-gram"):
        Calibration.load(path, lm_order=5)


def test_calibration_is_the_posterior_without_a_file(tmp_path):
    assert Calibration.load(tmp_path / "calibration.json", lm_order=3).confidence(evidence(posterior=0.42)) == 0.42


def test_calibration_shipped_file_says_what_it_was_fitted_on():
    folder = data_dir(None)
    fitted = Calibration.load(folder / "calibration.json").fitted_on
    manifest = json.loads((folder / "MANIFEST.json").read_text())["files"]
    # the shipped trees saw every family but those held out of every fit (paper-mill)
    assert fitted["families"] == sorted(n for n in families.names() if families.get(n).fitted)
    assert fitted["families"] != sorted(families.names())  # one family stays unseen by any fit
    assert fitted["lm"]["order"] == manifest["lm.binary"]["order"]
    assert fitted["lm"]["meant_for"]["sha256"] == manifest["lm.binary"]["sha256"]
    assert manifest["calibration.json"]["fitted_on"]["lm"] == fitted["lm"]


@pytest.mark.model
def test_calibration_restorer_refuses_trees_fitted_for_another_lm():
    from conftest import TINY
    from unspin.lm import ArpaModel
    from unspin.restorer import Restorer

    restorer = Restorer(lm=ArpaModel(TINY / "lm.arpa"))  # the bundled trees are fitted for a 5-gram LM
    with pytest.raises(UnspinError, match="E021"):
        restorer.restore("He was successful Seoul.")


def test_calibration_fit_can_hold_features_neutral():
    """scripts/calibrate.py fit --neutral: names and prefixes, refused when they match nothing."""
    import importlib.util
    from pathlib import Path

    from unspin.evidence import FEATURES

    path = Path(__file__).resolve().parent.parent / "scripts" / "calibrate.py"
    spec = importlib.util.spec_from_file_location("calibrate_script", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    chosen = module.neutral_features("relation_*, log10_share")
    assert chosen == {name for name in FEATURES if name.startswith("relation_")} | {"log10_share"}
    assert module.neutral_features("") == frozenset()
    with pytest.raises(SystemExit):
        module.neutral_features("relation_nonesuch")


def _calibrate_script():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "scripts" / "calibrate.py"
    spec = importlib.util.spec_from_file_location("calibrate_script", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("mode", ["document", "corpus", "profile", "mismatched"])
def test_calibration_dump_reads_every_mode_as_restoring_does(real_restorer, monkeypatch, mode):
    """scripts/calibrate.py dump decodes each set as restoring would (``edits.document_proposals``:
    a profile's view of the document and its habits; corpus mode after the crawl's check):
    every mode yields labelled evidence (the profile sets once failed on a bare profile)."""
    from unspin.evidence import Evidence
    from unspin.profiles import Profile, Word

    module = _calibrate_script()
    profile = Profile({"successful": Word(40.0, 0.0, {("in",): 40.0}), "volition": Word(30.0, 0.0, {("will",): 30.0})},
                      {"name": "site-q"})
    monkeypatch.setattr(module, "learned_profile", lambda *args, **kwargs: profile)
    lines = ["The soldiers will be home in two weeks, the minister said on Monday.",
             "Their families will be told in writing if they are caught alive."] * 6
    found = list(module.labelled_readings(real_restorer, lines, "wordnet", 0.25, mode))
    assert found and all(isinstance(evidence, Evidence) and isinstance(right, bool) for evidence, right in found)
