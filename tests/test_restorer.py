"""The Restorer on the tiny fixture model: worker processes restore with what it was built with."""

import pickle

import pytest

from conftest import TINY
from unspin.errors import UnspinError
from unspin.lexicon import Lexicon, Link
from unspin.lm import ArpaModel
from unspin.restorer import Restorer

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
    alone = restorer.restore_many(TEXTS, corpus=True, threshold=0.4)
    assert restorer.restore_many(TEXTS, workers=2, corpus=True, threshold=0.4) == alone
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
