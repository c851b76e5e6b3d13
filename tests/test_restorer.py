"""The Restorer on the tiny fixture model: one check of every setting, a signature of the
settings used, and worker processes that restore with what it was built with."""

import math
import pickle

import pytest
from conftest import TINY

import unspin
from unspin.errors import UnspinError
from unspin.lexicon import Lexicon, Link
from unspin.lm import ArpaModel
from unspin.restorer import Restorer, Settings

# Unlike the folder's table, "successful" may stand for "across" here (and not for "in").
INJECTED = Lexicon([Link("across", "successful", "synonym", ""), Link("house", "home", "synonym", ""),
                    Link("will", "volition", "synonym", "")], name="injected")
TEXTS = ["He ran successful a minefield in the zone.", "He was successful Seoul successful 2019.",
         "They are told their families volition be executed.", "It is a good home.", ""]


def injected_restorer(**settings) -> Restorer:
    return Restorer(TINY, lm=ArpaModel(TINY / "lm.arpa"), lexicon=INJECTED, **settings)


def test_restorer_workers_restore_with_the_injected_lexicon():
    restorer = injected_restorer()
    alone = restorer.restore_many(TEXTS)
    assert restorer.restore_many(TEXTS, workers=2) == alone
    from_folder = Restorer(TINY, lm=ArpaModel(TINY / "lm.arpa")).restore_many(TEXTS)
    assert [r.restored_text for r in alone] != [r.restored_text for r in from_folder]
    assert alone[0].restored_text == "He ran across a minefield in the zone."


def test_restorer_workers_keep_corpus_evidence_and_overrides():
    restorer = injected_restorer(threshold=0.5)
    alone = restorer.restore_many(TEXTS, corpus=True, assume_one_spinner=True, threshold=0.4)
    assert restorer.restore_many(TEXTS, workers=2, corpus=True, assume_one_spinner=True, threshold=0.4) == alone
    assert all(r.signature.endswith("|threshold:0.4|rate:auto|corpus") for r in alone)


def test_restorer_refuses_to_send_what_cannot_be_pickled():
    class LocalModel(ArpaModel):  # a class defined in a function cannot be pickled
        pass

    restorer = Restorer(TINY, lm=LocalModel(TINY / "lm.arpa"))
    with pytest.raises(UnspinError, match="E030.*injected language model \\(LocalModel\\).*workers=1"):
        restorer.restore_many(TEXTS, workers=2)
    assert len(restorer.restore_many(TEXTS)) == len(TEXTS)  # in-process it works


def test_restorer_spec_builds_the_same_restorer():
    restorer = injected_restorer(threshold=0.7)
    spec = pickle.loads(pickle.dumps(restorer.spec(beam_size=2)))
    rebuilt = spec.build()
    assert rebuilt.settings.threshold == 0.7 and rebuilt.settings.beam_size == 2
    assert rebuilt.lexicon.name == "injected" and rebuilt.folder == restorer.folder
    assert rebuilt.restore(TEXTS[0]) == restorer.restore(TEXTS[0], beam_size=2)


BAD = [("threshold", -1), ("threshold", math.nan), ("threshold", math.inf), ("threshold", 5),
       ("threshold", float("1e400")), ("threshold", "0.5"), ("threshold", True), ("beam_size", 0),
       ("beam_size", 2.5), ("max_candidates", -3), ("spin_rate", 1.5), ("spin_rate", math.nan),
       ("alternatives", -1), ("phrases", 1), ("phrases", "yes")]


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
    assert strict.signature == str(tiny_restorer.describe(Settings(threshold=0.99, beam_size=2)))
    assert tiny_restorer.signature == default.signature  # the restorer's own settings are unchanged
    assert Restorer(TINY, threshold=0.7).signature.count("threshold:0.7") == 1


def test_restorer_issue16_function_facade_signature(monkeypatch, tiny_restorer):
    monkeypatch.setattr("unspin.restorer.default_restorer", lambda model=None: tiny_restorer)
    assert "threshold:0.99" in unspin.restore("He was successful Seoul.", threshold=0.99).signature


def test_restorer_issue13_phrases_need_a_term_inventory(tiny_restorer):
    # the tiny model has no inventory.tsv.gz: asking for phrases fails plainly, never silently off
    with pytest.raises(UnspinError, match="E001.*inventory"):
        tiny_restorer.restore("He was successful Seoul.", phrases=True)
    assert tiny_restorer.restore("He was successful Seoul.").restored_text == "He was in Seoul."
