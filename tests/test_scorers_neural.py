"""The neural scorer's runtime (onnxruntime, no torch) on a random-weight fixture."""

import shutil
from pathlib import Path

import numpy as np
import pytest

from unspin.errors import UnspinError
from unspin.scorers.neural import (CASE_LOWER, CASE_MIXED, CASE_TITLE, CASE_UPPER, NUM, UNK, NeuralScorer, Site,
                                   Vocabulary, align, case_class, load)
from unspin.tokenize import tokenize

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "tiny_encoder"  # max_len 16


def words(text: str) -> list[str]:
    return [t.text for t in tokenize(text).tokens]


@pytest.fixture(scope="module")
def scorer() -> NeuralScorer:
    return load(FIXTURE)


@pytest.mark.parametrize("text, expected", [
    ("in", CASE_LOWER), ("2019", CASE_LOWER), (",", CASE_LOWER), ("Seoul", CASE_TITLE),
    ("NATO", CASE_UPPER), ("A", CASE_TITLE), ("iPhone", CASE_MIXED), ("McDonald", CASE_MIXED),
])
def test_neural_case_classes(text, expected):
    assert case_class(text) == expected


@pytest.mark.parametrize("tokens, words_, expected", [
    (1, 1, (0,)), (2, 2, (0, 1)), (5, 1, (0, 0, 0, 0, 0)), (1, 3, (0,)), (3, 2, (0, 0, 1)), (2, 3, (0, 1)),
])
def test_neural_alignment_scores_every_reading_at_every_site_token(tokens, words_, expected):
    assert align(tokens, words_) == expected


def test_neural_vocabulary_round_trip_and_unknown_words(tmp_path):
    vocabulary = Vocabulary.load(FIXTURE / "encoder.vocab")
    path = tmp_path / "v"
    path.write_text(vocabulary.text(), encoding="utf-8")
    assert Vocabulary.load(path).words == vocabulary.words
    assert vocabulary.id("the") > NUM
    assert vocabulary.id("zyzzogeton") == UNK
    assert vocabulary.id("1,234") == NUM
    with pytest.raises(UnspinError, match="E020"):
        Vocabulary(["the", "of"])


def test_neural_detect_gives_a_probability_per_token(scorer):
    sentences = [words("He was successful Seoul successful 2019."), words("Short."), []]
    spun = scorer.detect(sentences)
    assert [len(s) for s in spun] == [len(s) for s in sentences]
    assert all(((p >= 0) & (p <= 1)).all() for p in spun)


def test_neural_detect_reads_sentences_longer_than_the_model_in_windows(scorer):
    long = words(" ".join(["the cat sat on the mat ."] * 6))  # 42 tokens, max_len 16
    spun = scorer.detect([long])[0]
    assert len(spun) == len(long) and (spun > 0).all()
    # each 16-token window is read on its own: the first window equals a sentence of its tokens
    assert np.allclose(spun[:16], scorer.detect([long[:16]])[0], atol=1e-5)


def test_neural_scores_are_log10_probabilities_over_the_site_readings(scorer):
    sentences = [words("He was successful Seoul successful 2019.")]
    sites = [Site(0, 2, 3, (("successful",), ("in",), ("made",))), Site(0, 4, 5, (("successful",),))]
    scores = scorer.score(sentences, sites)
    assert [len(s) for s in scores] == [3, 1]
    assert abs(float((10.0 ** scores[0].astype(np.float64)).sum()) - 1.0) < 1e-5
    assert scores[1][0] == pytest.approx(0.0, abs=1e-6)


def test_neural_multiword_sites_and_readings(scorer):
    sentences = [words("It rained due to the fact that it was winter.")]
    site = Site(0, 2, 7, (("due", "to", "the", "fact", "that"), ("because",), ("as", "well")))
    scores = scorer.score(sentences, [site])[0]
    assert scores.shape == (3,) and np.isfinite(scores).all()
    assert abs(float((10.0 ** scores.astype(np.float64)).sum()) - 1.0) < 1e-5


def test_neural_a_site_scores_the_same_alone_and_in_a_batch(scorer):
    sentence = words("He was successful Seoul successful 2019.")
    site = Site(0, 2, 3, (("successful",), ("in",), ("the",)))
    alone = scorer.score([sentence], [site])[0]
    others = [words("A former sergeant in the military says so."), words("Few soldiers have been captured.")] * 5
    crowd = [*others, sentence]
    moved = Site(len(crowd) - 1, 2, 3, site.readings)
    together = scorer.run(crowd, [Site(0, 1, 2, (("former",), ("erstwhile",))), moved])[1][1]
    assert np.allclose(alone, together, atol=1e-5)


def test_neural_sites_in_long_sentences_get_a_window_around_them(scorer):
    long = words(" ".join(["the cat sat on the mat ."] * 6))
    sites = [Site(0, 0, 1, (("the",), ("a",))), Site(0, 30, 31, (("the",), ("a",))), Site(0, 41, 42, ((".",), (",",)))]
    scores = scorer.score([long], sites)
    assert all(np.isfinite(s).all() and s.shape == (2,) for s in scores)


@pytest.mark.parametrize("site", [Site(0, 3, 3, (("a",),)), Site(0, 0, 9, (("a",),)), Site(0, 0, 1, ()),
                                  Site(0, 0, 1, (("a",), ()))])
def test_neural_a_site_that_does_not_fit_is_refused(scorer, site):
    with pytest.raises(UnspinError, match="E030"):
        scorer.score([words("He was here.")], [site])


def test_neural_refuses_a_vocabulary_it_was_not_trained_with(tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(FIXTURE, folder)
    with open(folder / "encoder.vocab", "a", encoding="utf-8") as handle:
        handle.write("extra\n")
    with pytest.raises(UnspinError, match="E022"):
        NeuralScorer(folder)


def test_neural_missing_model_says_how_to_build_one(tmp_path):
    with pytest.raises(UnspinError, match="E001"):
        NeuralScorer(tmp_path)


def test_neural_fixture_is_listed_in_its_manifest():
    from unspin.data import verify

    assert verify(FIXTURE) == []
