"""The phrase channel: tortured terms back to established ones (unit level, tiny tables)."""

from __future__ import annotations

import math

import pytest

from unspin.candidates import ChannelParams
from unspin.lexicon import Lexicon, Link, merge
from unspin.phrases import Inventory, PhraseChannel
from unspin.tokenize import tokenize

WORDNET = Lexicon([
    Link("deep", "profound", "similar_to", "deep.s.04"),
    Link("forest", "timberland", "synonym", "forest.n.01"),
    Link("bank", "financial institution", "hypernym", "bank.n.01>financial_institution.n.01"),
    Link("algorithms", "algorithm", "synonym", "algorithm.n.01"),
    Link("genetic", "hereditary", "similar_to", "genetic.a.01"),
    Link("stone", "rock", "synonym", "stone.n.02"),
    Link("stones", "rock", "synonym", "stone.n.02"),
], name="wordnet")
MOBY = Lexicon([
    Link("random", "irregular", "thesaurus", "moby"),
    Link("network", "organization", "thesaurus", "moby"),
    Link("deep", "cavernous", "thesaurus", "moby"),
    Link("learning", "knowledge", "thesaurus", "moby"),
], name="moby")
INVENTORY = Inventory.of({"deep learning": 500, "random forest": 300, "neural network": 900,
                          "west bank": 400, "genetic algorithm": 80, "genetic algorithms": 60,
                          "deep knowledge": 12, "kidney stone": 40, "kidney stones": 150})


class KnownPairs:
    """A stand-in language model that knows a few word pairs."""

    def __init__(self, pairs: set[tuple[str, str]]) -> None:
        self.pairs = pairs

    def bigram_known(self, first: str, second: str) -> bool:
        return (first, second) in self.pairs


KNOWN = {("deep", "learning"), ("random", "forest"), ("neural", "network"), ("we", "used")}
PARAMS = ChannelParams(rate=0.1, max_candidates=40, bonus={})


@pytest.fixture()
def channel() -> PhraseChannel:
    return PhraseChannel(INVENTORY, merge(WORDNET, MOBY), KnownPairs(KNOWN))


def readings(channel: PhraseChannel, text: str) -> dict[str, str]:
    """Spun run -> restored term of every phrase arc over ``text`` (the arc covers only the
    words the term changes; ``term_around`` gives back the whole run)."""
    tokens = tokenize(text).tokens
    found = {}
    for begin in range(len(tokens)):
        for arc in channel.arcs(tokens, begin, PARAMS):
            first, last, words = channel.term_around(tokens, arc.begin, arc.end, arc.candidate.words)
            found[" ".join(t.text for t in tokens[first:last])] = " ".join(words)
    return found


def cores(channel: PhraseChannel, text: str) -> dict[str, str]:
    """Spun tokens -> restored words of every phrase arc over ``text``."""
    tokens = tokenize(text).tokens
    return {" ".join(t.text for t in tokens[arc.begin : arc.end]): " ".join(arc.candidate.words)
            for begin in range(len(tokens)) for arc in channel.arcs(tokens, begin, PARAMS)}


def test_inventory_counts_and_following_words():
    assert INVENTORY.count("deep learning") == 500 and INVENTORY.count("deep") == 0
    assert INVENTORY.entry("random forest") == (300, 0.0)
    assert INVENTORY.following("deep") == {"learning", "knowledge"}
    assert "genetic" in INVENTORY.following("") and INVENTORY.following("genetic") == {"algorithm", "algorithms"}


def test_inventory_reads_its_file(tmp_path):
    import gzip

    path = tmp_path / "inventory.tsv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("# unspin.inventory/1\tterm\tcount\tpmi\tcvalue\n")
        handle.write("deep learning\t50\t6.2\t71\nrandom forest\t9\t11.0\t12\n")
    inventory = Inventory.load(path)
    assert inventory.entry("deep learning") == (50, 6.2) and inventory.count("random forest") == 9


@pytest.mark.parametrize("spun, restored", [
    ("profound learning", "deep learning"),  # one word changed (WordNet)
    ("irregular timberlands", "random forests"),  # both changed (Moby, WordNet); the plural kept
    ("brain organization", None),  # "brain" has no link to "neural": no reading
    ("neural organization", "neural network"),  # a word the spinner left
    ("west financial institution", "west bank"),  # two spun words for one term word
])
def test_phrases_restore_terms(channel, spun, restored):
    found = readings(channel, f"We used {spun} here.")
    assert found.get(spun) == restored


def test_phrases_arcs_cover_only_the_words_they_change(channel):
    # "neural" is left as it stands: the arc reads "organization" alone, keep arcs read "neural"
    assert cores(channel, "We used neural organization here.") == {"organization": "network"}
    assert cores(channel, "We used irregular timberlands here.") == {"irregular timberlands": "random forests"}
    assert cores(channel, "We used west financial institution here.") == {"financial institution": "bank"}


def test_phrases_lattice_keeps_one_arc_per_reading(channel):
    # the word channel and the phrase channel both read "profound" as "deep": one arc, the
    # priors of the two derivations summed
    from unspin.candidates import ReadingTable, lattice

    tokens = tokenize("We used profound learning here.").tokens
    table = ReadingTable(WORDNET, WordsKnown(KNOWN), phrases=channel)
    params = ChannelParams(0.1, 40, {}, phrases=True, context=False)
    deep = [a for a in lattice(tokens, table, params)[2] if a.candidate.words == ("deep",)]
    alone = [a for a in lattice(tokens, table, ChannelParams(0.1, 40, {}, context=False))[2]
             if a.candidate.words == ("deep",)]
    phrase = [a for a in channel.arcs(tokens, 2, params) if a.candidate.words == ("deep",)]
    assert len(deep) == 1 and len(alone) == 1 and len(phrase) == 1
    a, b = alone[0].candidate.log10_prior, phrase[0].candidate.log10_prior
    assert deep[0].candidate.log10_prior == pytest.approx(math.log10(10 ** a + 10 ** b))
    assert deep[0].candidate.relation == ("phrase_term" if b > a else alone[0].candidate.relation)


def test_phrases_keep_clean_terms(channel):
    assert readings(channel, "We used deep learning and a random forest here.") == {}


def test_phrases_need_a_new_word_pair(channel):
    known = PhraseChannel(INVENTORY, merge(WORDNET, MOBY), KnownPairs(KNOWN | {("profound", "learning")}))
    assert "profound learning" not in readings(known, "We used profound learning here.")


def test_phrases_need_a_far_more_established_term(channel):
    # "deep knowledge" (12) is not ten times as common as the run itself would be
    rare = Inventory.of({"deep knowledge": 12, "profound knowledge": 3})
    quiet = PhraseChannel(rare, merge(WORDNET, MOBY), KnownPairs(set()))
    assert readings(quiet, "We used profound knowledge here.") == {}


def test_phrases_keep_the_number_of_the_run(channel):
    # the WordNet channel lists "algorithms" -> "algorithm"; the singular stays singular
    assert readings(channel, "A hereditary algorithm here.")["hereditary algorithm"] == "genetic algorithm"


def test_phrases_keep_a_singular_run_singular(channel):
    # the WordNet channel lists both "stone" and "stones" for "rock"; a paper mill keeps the
    # number it read, so "kidney rock" is "kidney stone" although "kidney stones" is commoner
    def terms(text: str) -> set[str]:
        tokens = tokenize(text).tokens
        return {" ".join(channel.term_around(tokens, arc.begin, arc.end, arc.candidate.words)[2])
                for begin in range(len(tokens)) for arc in channel.arcs(tokens, begin, PARAMS)}

    assert terms("A kidney rock here.") == {"kidney stone"}
    assert terms("Two kidney rocks here.") == {"kidney stones"}


def test_phrases_prior_follows_the_document_rate(channel):
    tokens = tokenize("We used profound learning here.").tokens
    low = channel.arcs(tokens, 2, ChannelParams(0.01, 40, {}))[0].candidate.log10_prior
    high = channel.arcs(tokens, 2, ChannelParams(0.3, 40, {}))[0].candidate.log10_prior
    assert high > low


def test_phrases_arcs_carry_the_term_facts(channel):
    from unspin.phrases import PHRASE_STATIC

    arc = channel.arcs(tokenize("profound learning").tokens, 0, PARAMS)[0]
    assert arc.candidate.relation == "phrase_term" and arc.candidate.original == "deep learning"
    assert (arc.begin, arc.end, arc.candidate.words) == (0, 1, ("deep",))
    assert len(arc.candidate.facts) == len(PHRASE_STATIC)


def test_phrases_lattice_adds_phrase_arcs_only_when_asked(channel):
    from unspin.candidates import ReadingTable, lattice
    from unspin.errors import UnspinError

    tokens = tokenize("We used profound learning here.").tokens
    table = ReadingTable(WORDNET, WordsKnown(KNOWN), phrases=channel)
    relations = lambda params: {a.candidate.relation for arcs in lattice(tokens, table, params) for a in arcs}  # noqa: E731
    assert "phrase_term" not in relations(PARAMS)  # ChannelParams.phrases is off by default
    assert "phrase_term" in relations(ChannelParams(0.1, 40, {}, phrases=True))
    with pytest.raises(UnspinError, match="E030.*phrase channel"):
        lattice(tokens, ReadingTable(WORDNET, WordsKnown(KNOWN)), ChannelParams(0.1, 40, {}, phrases=True))


class WordsKnown(KnownPairs):
    """KnownPairs that also knows every word (enough LM for a reading table)."""

    order = 2

    def known(self, word: str) -> bool:
        return True

    def unigram(self, word: str) -> float:
        return -3.0

    def null_state(self):
        return ()

    def begin_state(self):
        return ()

    def score(self, state, word: str):
        return -2.0, ()


def evidence(relation: str, posterior: float, facts=()):
    from unspin.evidence import Evidence

    return Evidence(relation, posterior, 0.2, posterior, 0.0, -1.0, -4.0, -3.0, 0, False, False, 1, None, False,
                    False, 0.1, 2, 2, facts=facts)


def test_phrases_calibration_scores_phrase_readings_apart():
    from unspin.calibration import Calibration
    from unspin.phrases import PhraseCalibration

    class Fixed:
        def confidences(self, evidence):
            return [0.9 for _ in evidence]

    readings = [evidence("synonym", 0.5), evidence("phrase_term", 0.3, (0.0,) * 10), evidence("hypernym", 0.4)]
    # without a phrase model a phrase reading's confidence is its posterior; the words keep theirs
    assert PhraseCalibration(Fixed(), None).confidences(readings) == [0.9, 0.3, 0.9]
    assert PhraseCalibration(Calibration.identity(), None).confidences(readings) == [0.5, 0.3, 0.4]


def test_phrases_model_file_is_checked(tmp_path):
    import json

    from unspin.errors import UnspinError
    from unspin.phrases import PhraseModel

    assert PhraseModel.load(tmp_path / "phrases.json") is None
    path = tmp_path / "phrases.json"
    path.write_text(json.dumps({"format": "unspin.phrases/1", "features": ["x"], "gate": None}))
    with pytest.raises(UnspinError, match="E020.*fit_phrases"):
        PhraseModel.load(path)
