"""Topic vectors: a candidate that fits the document's topic gains."""

from collections import Counter

import numpy as np

from unspin.topics import Topics
from unspin.data import data_dir


def toy() -> Topics:
    words = ["music", "band", "album", "medicine", "doctor", "hospital"]
    vectors = np.array([[1, 0], [0.9, 0.1], [0.95, 0.05], [0, 1], [0.1, 0.9], [0.05, 0.95]], dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return Topics(vectors, {w: i for i, w in enumerate(words)}, np.ones(len(words), dtype=np.float32))


def test_the_word_that_fits_the_document_gains():
    spun = toy().context(Counter("the band released an album medicine".split()))
    assert spun.gain(("music",), ("medicine",)) > 0.5
    clean = toy().context(Counter("the band released an album music".split()))
    assert clean.gain(("medicine",), ("music",)) < -0.5


def test_the_observed_word_is_left_out_of_its_own_context():
    context = toy().context(Counter(["medicine", "band"]))
    # without leaving "medicine" out, it would match itself
    assert context.fit(("medicine",), leave_out="medicine") < 0.2


def test_unknown_words_and_empty_documents_give_no_evidence():
    topics = toy()
    assert topics.context(Counter(["band"])).gain(("zebra",), ("medicine",)) is None
    assert topics.context(Counter(["zebra"])).gain(("music",), ("medicine",)) is None


def test_round_trip_through_files(tmp_path):
    topics = toy()
    np.save(tmp_path / "topics.npy", topics.vectors.astype(np.float16), allow_pickle=False)
    (tmp_path / "topics.vocab").write_text(
        "# unspin.topics/1\tword\tidf\n" + "".join(f"{w}\t1.0\n" for w in topics.index))
    loaded = Topics.load(tmp_path)
    assert loaded is not None and loaded.index == topics.index
    assert Topics.load(tmp_path / "missing") is None


def test_shipped_vectors_know_common_topics():
    topics = Topics.load(data_dir(None))
    context = topics.context(Counter("the band released their new album and the singer began a tour".split()))
    assert context.gain(("music",), ("medicine",)) > 0.2
