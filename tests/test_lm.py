import math

import pytest

from conftest import TINY
from unspin.lm import ArpaModel, KenLMModel, sentence_log10

SENTENCES = [
    "he was in seoul in 2019 .".split(),
    "the soldiers will be home .".split(),
    "an unknown wordzz here".split(),
]


@pytest.mark.parametrize("words", SENTENCES)
def test_lm_incremental_equals_kenlm_full_sentence(words):
    kenlm = pytest.importorskip("kenlm")
    full = kenlm.Model(str(TINY / "lm.arpa")).score(" ".join(words), bos=True, eos=True)
    assert math.isclose(sentence_log10(KenLMModel(TINY / "lm.arpa"), words), full, abs_tol=1e-4)
    assert math.isclose(sentence_log10(ArpaModel(TINY / "lm.arpa"), words), full, abs_tol=1e-4)


def test_lm_prefers_fluent_text():
    model = ArpaModel(TINY / "lm.arpa")
    good = sentence_log10(model, "he was in seoul .".split())
    bad = sentence_log10(model, "he was successful seoul .".split())
    assert good > bad


@pytest.mark.parametrize("first, second, known", [("ryu", "defected", True), ("defected", "ryu", False),
                                                  ("ryu", "wordzz", False)])
def test_lm_bigram_known_says_whether_the_pair_was_seen(first, second, known):
    assert ArpaModel(TINY / "lm.arpa").bigram_known(first, second) is known
    pytest.importorskip("kenlm")
    assert KenLMModel(TINY / "lm.arpa").bigram_known(first, second) is known


def test_lm_kenlm_model_travels_as_its_path():
    import pickle

    pytest.importorskip("kenlm")
    model = pickle.loads(pickle.dumps(KenLMModel(TINY / "lm.arpa")))
    assert model.path == TINY / "lm.arpa" and model.order == 3
    assert math.isclose(sentence_log10(model, SENTENCES[0]), sentence_log10(ArpaModel(TINY / "lm.arpa"), SENTENCES[0]),
                        abs_tol=1e-4)


def test_lm_ngram_scorer_loads_the_folder_model():
    from unspin.registry import scorers

    assert scorers.get("ngram").load(TINY).path.name == "lm.arpa"
