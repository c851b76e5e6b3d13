"""Restorer and Settings: one check of every setting, and a signature of the settings used."""

import math

import pytest
from conftest import TINY

import unspin
from unspin.errors import UnspinError
from unspin.restorer import Restorer, Settings

BAD = [("threshold", -1), ("threshold", math.nan), ("threshold", math.inf), ("threshold", 5),
       ("threshold", float("1e400")), ("threshold", "0.5"), ("threshold", True), ("beam_size", 0),
       ("beam_size", 2.5), ("max_candidates", -3), ("spin_rate", 1.5), ("spin_rate", math.nan),
       ("alternatives", -1)]


@pytest.mark.parametrize("name, value", BAD, ids=[f"{n}={v!r}" for n, v in BAD])
def test_restorer_issue16_settings_refuse_impossible_values(tiny_restorer, name, value):
    with pytest.raises(UnspinError, match=f"E031.*{name}"):
        Settings(**{name: value})
    with pytest.raises(UnspinError, match="E031"):
        Restorer(TINY, **{name: value})
    with pytest.raises(UnspinError, match="E031"):
        tiny_restorer.restore("He was successful Seoul.", **{name: value})


def test_restorer_issue16_unknown_setting_is_named(tiny_restorer):
    with pytest.raises(UnspinError, match="unknown setting treshold"):
        tiny_restorer.restore("He was here.", treshold=0.5)


def test_restorer_issue16_signature_shows_the_settings_used(tiny_restorer):
    default = tiny_restorer.restore("He was successful Seoul.")
    assert "threshold:0.6" in default.signature
    strict = tiny_restorer.restore("He was successful Seoul.", threshold=0.99, beam_size=2)
    assert "threshold:0.99" in strict.signature and "beam:2" in strict.signature
    assert tiny_restorer.signature == default.signature  # the restorer's own settings are unchanged
    assert Restorer(TINY, threshold=0.7).signature.count("threshold:0.7") == 1


def test_restorer_issue16_function_facade_signature(monkeypatch, tiny_restorer):
    monkeypatch.setattr("unspin.restorer.default_restorer", lambda model=None: tiny_restorer)
    assert "threshold:0.99" in unspin.restore("He was successful Seoul.", threshold=0.99).signature
