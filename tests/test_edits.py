"""Restoring whole texts on the tiny fixture model (ten-entry lexicon, small ARPA): the edits
a Restoration reports and their invariants."""

import pytest
from hypothesis import given, settings, strategies as st

from unspin.types import apply_edits


def test_edits_restores_pooled_successful(tiny_restorer):
    result = tiny_restorer.restore("Ryu defected to South Korea successful 2019. He was successful Seoul.")
    assert result.restored_text == "Ryu defected to South Korea in 2019. He was in Seoul."
    assert all(e.relation == "synonym" and 0 < e.confidence <= 1 for e in result.edits)


@pytest.mark.parametrize("text,spun,restored", [
    ("He Ran Crossed A Minefield", "Crossed", "Across"),  # a title
    ("They are told their families volition be executed. Families Volition be told.", "Volition", "Will"),
])
def test_edits_keeps_capitalisation_of_spun_word(tiny_restorer, text, spun, restored):
    result = tiny_restorer.restore(text)
    assert [(e.spun, e.restored) for e in result.edits if e.spun[:1].isupper()] == [(spun, restored)]
    for edit in result.edits:
        assert edit.spun[0].isupper() == edit.restored[0].isupper()


@pytest.mark.parametrize("text, span, name", [
    ("the Carry Along films", "Along", True), ("born Robert Indiana London", "Robert Indiana", False),
    ("Spain, World Health Organization won", "World Health Organization", False),
    ("told Maine this", "Maine", False),
])
def test_edits_a_word_in_a_run_of_capitalised_words_is_in_a_name(text, span, name):
    from unspin.edits import in_a_name

    tokens = _span(text)
    begin = next(i for i, t in enumerate(tokens) if t.start == text.index(span))
    assert in_a_name(text, tokens, begin) is name


def test_edits_a_word_written_in_lower_case_inside_a_sentence_loses_the_spinners_capital(tiny_restorer):
    """A spinner that keeps WordNet's capitals writes "Robert Indiana" for in: inside a
    sentence, a word like "across" is the original's only in lower case."""
    result = tiny_restorer.restore("He ran Crossed a minefield.")
    assert [(e.spun, e.restored) for e in result.edits] == [("Crossed", "across")]


def test_edits_phrase_and_number(tiny_restorer):
    result = tiny_restorer.restore("He ran across the zone that separates the 2 Koreas.")
    assert "the two Koreas" in result.restored_text


def test_edits_clean_text_untouched(tiny_restorer):
    text = "He was in Seoul in 2019. The soldiers will be home in two weeks."
    result = tiny_restorer.restore(text)
    assert result.restored_text == text and result.edits == ()


def test_edits_empty_text(tiny_restorer):
    result = tiny_restorer.restore("")
    assert result.restored_text == "" and result.edits == () and result.spun_score == 0.0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["successful", "in", "2", "beryllium", "house", "home", "the",
                                 "Seoul", ",", ".", "\r\n", " ", "\u00a0", "👍", "volition"]), max_size=25))
def test_edits_edit_invariants(tiny_restorer, parts):
    text = " ".join(parts)
    result = tiny_restorer.restore(text)
    assert result.text == text
    assert apply_edits(text, result.edits) == result.restored_text
    previous_end = -1
    for edit in result.edits:
        assert text[edit.start : edit.end] == edit.spun
        assert edit.start >= previous_end
        previous_end = edit.end
    # outside edited spans the output is byte-identical to the input
    outside = [text[a:b] for a, b in zip([0] + [e.end for e in result.edits], [e.start for e in result.edits] + [len(text)])]
    rebuilt = "".join(o + e.restored for o, e in zip(outside, result.edits)) + outside[-1]
    assert rebuilt == result.restored_text


def test_edits_threshold_drops_unsure_edits(tiny_restorer):
    text = "He was successful Seoul."
    assert tiny_restorer.restore(text, threshold=1.0).edits == ()


# ---------------------------------------------------------------- the spun score


def test_edits_spun_score_counts_unsure_sites_too(tiny_restorer):
    text = "He was successful Seoul."
    sure, unsure = tiny_restorer.restore(text), tiny_restorer.restore(text, threshold=1.0)
    assert unsure.edits == () and unsure.spun_evidence == sure.spun_evidence > 0
    assert unsure.spun_score == sure.spun_score > tiny_restorer.restore("He was in Seoul.").spun_score


def test_edits_site_evidence_is_capped_and_zero_for_kept_words():
    from unspin.edits import SITE_EVIDENCE_CAP, site_evidence

    assert site_evidence(1.0) == 0.0
    assert site_evidence(0.01) == pytest.approx(2.0)
    assert site_evidence(0.0) == site_evidence(1e-30) == SITE_EVIDENCE_CAP


def test_edits_spun_score_does_not_drift_with_length():
    """Clean text's evidence grows with its length; the score of a typical clean page stays
    put however long it is, and the same rate of spun evidence scores higher on a longer page."""
    from unspin.edits import CLEAN_EVIDENCE_PER_WORD, spun_score

    assert spun_score(5.0, 0) == 0.0
    typical = [spun_score(CLEAN_EVIDENCE_PER_WORD * words, words) for words in (50, 500, 50_000)]
    assert typical[0] == typical[1] == typical[2] < 0.5
    spun = [spun_score((CLEAN_EVIDENCE_PER_WORD + 0.02) * words, words) for words in (50, 500, 5000)]
    assert typical[0] < spun[0] < spun[1] < spun[2] <= 1.0
    assert spun_score(1e9, 10) == 1.0 and spun_score(0.0, 10**9) == 0.0  # no overflow


@given(st.lists(st.tuples(st.floats(0, 40), st.integers(0, 500)), min_size=1, max_size=6))
@settings(max_examples=50, deadline=None)
def test_edits_spun_score_of_pieces_is_the_score_of_their_sums(pieces):
    from unspin.edits import spun_score
    from unspin.stream import Tally
    from unspin.types import Restoration

    tally = Tally()
    for evidence, words in pieces:
        tally.add(Restoration(" ".join(["word"] * words), "", (), 0.0, "", evidence))
    assert tally.score == spun_score(sum(e for e, _w in pieces), sum(w for _e, w in pieces))
    assert 0.0 <= tally.score <= 1.0


def test_edits_spun_score_fit_recovers_a_known_logistic():
    """scripts/fit_spun_score.py's regression, on documents drawn from a known model."""
    import importlib.util
    import math
    import random
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "scripts" / "fit_spun_score.py"
    spec = importlib.util.spec_from_file_location("fit_spun_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rng = random.Random(7)
    x = [rng.uniform(-4, 6) for _ in range(4000)]
    y = [int(rng.random() < 1 / (1 + math.exp(-(-1.0 + 1.5 * xi)))) for xi in x]
    bias, slope = module.fit_logistic(x, y)
    # the classes are weighed equally, which moves the bias by log(negatives / positives)
    shift = math.log((len(y) - sum(y)) / sum(y))
    assert slope == pytest.approx(1.5, abs=0.15) and bias == pytest.approx(-1.0 + shift, abs=0.15)
    rows = ([{"family": "clean", "rate": 0.0, "spun": 0, "words": 100, "evidence": 100 * 0.02 + rng.gauss(0, 1)} for _ in range(300)]
            + [{"family": "wordnet", "rate": 0.1, "spun": 1, "words": 100, "evidence": 100 * 0.05 + rng.gauss(0, 1)} for _ in range(300)])
    constants = module.fit(rows)
    assert constants["CLEAN_EVIDENCE_PER_WORD"] == pytest.approx(0.02, abs=0.002)
    assert constants["SCORE_SLOPE"] > 0 and module.report(rows, constants)["clean"]["called_spun"] < 0.1


# ---------------------------------------------------------------- the written form of an edit

def _span(text):
    from unspin.tokenize import tokenize

    return tokenize(text).tokens


@pytest.mark.parametrize("text, words, kept", [
    ("Brent early", ("brent", "crude"), (1, 2, 1, 0)),  # the name is left as it stands
    ("current account shortage", ("current", "account", "deficit"), (2, 3, 2, 0)),
    ("in order to", ("to",), (0, 3, 0, 0)),  # one word for three: nothing to trim
    ("Treasury department Secretary", ("treasury", "secretary"), (1, 3, 1, 0)),  # at least one word stays
    ("profound learning", ("deep", "learning"), (0, 1, 0, 1)),
])
def test_edits_trim_the_words_a_reading_repeats(text, words, kept):
    from unspin.edits import trimmed

    tokens = _span(text)
    assert trimmed(tokens, 0, len(tokens), words) == kept


@pytest.mark.parametrize("text, words, written", [
    ("Vi States", ("six", "nations"), "Six Nations"),  # word by word
    ("game Society", ("club",), "Club"),  # a later capital: the name stays a name
    ("Union United states", ("north", "america"), "North America"),
    ("polite help", ("civil", "service"), "civil service"),
    ("department Secretary", ("secretary",), "Secretary"),  # the text's own spelling
    ("Greater london", ("london",), "London"),  # a lowercase word of the span is not copied
    ("He or she", ("she",), "She"),
    ("NEW STATES", ("new", "nations"), "NEW NATIONS"),
])
def test_edits_write_readings_in_the_case_of_the_text(text, words, written):
    from unspin.edits import written as write

    assert write(words, _span(text), text) == written


@pytest.mark.parametrize("text, words, inside, written", [
    ("Robert Indiana", ("in",), True, "in"),  # a spinner that keeps WordNet's capitals
    ("World Health Organization", ("who",), True, "who"),
    ("Robert Indiana", ("in",), False, "In"),  # a sentence may begin with it
    ("Information", ("news",), True, "News"),  # not a word written in lower case ("BBC News")
    ("Beaver State", ("i",), True, "I"),
    ("Crataegus", ("may",), True, "May"),  # a month
])
def test_edits_write_words_in_lower_case_inside_a_sentence(text, words, inside, written):
    from unspin.edits import written as write

    assert write(words, _span(text), text, inside) == written


def _capitals():
    from unspin.surface import Capitals

    return Capitals(frozenset({"Holocene epoch", "Department of State", "English hawthorn", "Mon"}),
                    frozenset({"recent", "told", "tell", "may"}))


@pytest.mark.parametrize("text, span, words, restored", [
    ("Prices rose in Holocene epoch months.", "Holocene epoch", ("recent",), "recent"),  # a WordNet lemma's capitals
    ("The minister Department of State the BBC.", "Department of State", ("told",), "told"),
    ("Smith Department of State reporters.", "Department of State", ("told",), "told"),  # after a name too
    ("Holocene epoch months were dry.", "Holocene epoch", ("recent",), "Recent"),  # a sentence begins with it
    ("Shares fell on Mon in Tokyo.", "Mon", ("monday",), "Monday"),  # a word written with a capital: a name
    ("It bloomed in English hawthorn last year.", "English hawthorn", ("may",), "may"),
    ("Prices rose in Holocene Epoch months.", "Holocene Epoch", ("recent",), "Recent"),  # not the lemma's spelling
])
def test_edits_a_span_spelled_as_a_capitalised_lemma_is_the_spinners_capital(text, span, words, restored):
    from unspin.edits import choose_edit
    from unspin.passes import Proposal
    from unspin.restorer import Settings
    from unspin.types import Candidate

    tokens = _span(text)
    begin = next(i for i, t in enumerate(tokens) if text[t.start:].startswith(span))
    end = next(i for i, t in enumerate(tokens) if t.end == text.index(span) + len(span)) + 1
    proposal = Proposal(tokens, begin, end, 0.1, ())
    reading = Candidate(words, "synonym", -2.0)
    keep = Candidate(tuple(t.norm for t in tokens[begin:end]), "keep", -0.1)
    edit = choose_edit(text, proposal, [(reading, 0.9), (keep, 0.1)], Settings(), _capitals())
    assert (edit.spun, edit.restored) == (span, restored)
    # without the table the span's capital is copied, as before
    plain = choose_edit(text, proposal, [(reading, 0.9), (keep, 0.1)], Settings())
    assert plain.restored == restored[:1].upper() + restored[1:]


def test_edits_the_capitals_table_loads_and_refuses_another_version(tmp_path):
    import gzip

    from unspin.errors import UnspinError
    from unspin.surface import CAPITALS_FILE, CAPITALS_FORMAT, Capitals

    assert Capitals.load(tmp_path) is None  # a folder without one: the span's capitals, as before
    with gzip.open(tmp_path / CAPITALS_FILE, "wt", encoding="utf-8") as sink:
        sink.write(f"# {CAPITALS_FORMAT}\tkind\ttext\nlemma\tHolocene epoch\nlower\trecent\n")
    table = Capitals.load(tmp_path)
    assert table.own("Holocene epoch", ("recent",)) and not table.own("Holocene epoch", ("monday",))
    assert not table.own("holocene epoch", ("recent",))
    with gzip.open(tmp_path / CAPITALS_FILE, "wt", encoding="utf-8") as sink:
        sink.write("# unspin.capitals/0\tkind\ttext\n")
    with pytest.raises(UnspinError) as raised:
        Capitals.load(tmp_path)
    assert raised.value.code == "E021"


@pytest.mark.parametrize("text, start, begins", [
    ("Robert Indiana 2019", 0, True), ("It fell. Robert Indiana", 9, True), ('He said: "Robert', 10, True),
    ("(Robert", 1, True), ("in 2019, Robert", 9, False), ("fighting Robert", 9, False),
    ("a line\n  Robert", 9, True),
])
def test_edits_where_a_sentence_begins(text, start, begins):
    from unspin.surface import starts_sentence

    assert starts_sentence(text, start) is begins


def test_edits_a_reading_that_repeats_a_word_edits_only_the_change():
    from unspin.edits import choose_edit
    from unspin.passes import Proposal
    from unspin.restorer import Settings
    from unspin.types import Candidate

    text = "Oil prices rose as Brent early fell."
    tokens = _span(text)
    begin = next(i for i, t in enumerate(tokens) if t.text == "Brent")
    term = Candidate(("brent", "crude"), "phrase_term", -2.0, "brent crude")
    keep = Candidate(("brent", "early"), "keep", -0.1)
    other = Candidate(("brent", "oil"), "phrase_term", -3.0, "brent oil")
    far = Candidate(("light", "crude"), "phrase_term", -3.0, "light crude")
    proposal = Proposal(tokens, begin, begin + 2, 0.1, ())
    edit = choose_edit(text, proposal, [(term, 0.9), (keep, 0.1), (other, 0.05), (far, 0.01)], Settings())
    assert (edit.spun, edit.restored) == ("early", "crude")
    assert text[edit.start : edit.end] == "early"
    # alternatives are readings of the same word; one that changes "Brent" too is not
    assert [a.restored for a in edit.alternatives] == ["early", "oil"]


# ---------------------------------------------------------------- runs of spun words: neighbours kept


def edit_at(text: str, word: str, confidence: float, nth: int = 0) -> "Edit":
    from unspin.types import Edit

    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    return Edit(start, start + len(word), word, word.upper(), confidence, "synonym", "why")


def test_edits_a_neighbour_of_a_kept_edit_is_kept_from_a_little_under_the_threshold():
    from unspin.edits import NEIGHBOUR_GAP, kept_edits

    text = "the erstwhile sergeant successful Seoul, said hi.\nlater then"
    confident = edit_at(text, "sergeant", 0.9)
    beside = edit_at(text, "erstwhile", 0.45)  # touches the confident edit
    chained = edit_at(text, "successful", 0.41)  # touches it through a space
    comma = edit_at(text, "said", 0.5)  # "Seoul, " between: a word, not a neighbour
    too_weak = edit_at(text, "the", 0.3)
    found = kept_edits(text, [too_weak, beside, confident, chained, comma], 0.6)
    assert [e.spun for e in found] == ["erstwhile", "sergeant", "successful"]
    assert "beside another edit" in found[0].reason and found[1].reason == "why"
    assert 0.6 - NEIGHBOUR_GAP <= 0.41
    # a chain grows from a kept edit only; no kept edit, no neighbours
    assert kept_edits(text, [beside, chained], 0.6) == []
    # a line break is not a neighbour; punctuation alone is
    later = edit_at(text, "later", 0.5)
    assert [e.spun for e in kept_edits(text, [edit_at(text, "hi", 0.9), later], 0.6)] == ["hi"]
    assert [e.spun for e in kept_edits("a sad, bad day", [edit_at("a sad, bad day", "sad", 0.9),
                                                         edit_at("a sad, bad day", "bad", 0.5)], 0.6)] == ["sad", "bad"]


def test_edits_the_threshold_scales_the_neighbours_threshold():
    from unspin.edits import kept_edits

    text = "erstwhile sergeant"
    pair = [edit_at(text, "erstwhile", 0.95), edit_at(text, "sergeant", 0.5)]
    assert len(kept_edits(text, pair, 0.6)) == 2
    assert len(kept_edits(text, pair, 0.9)) == 1  # 0.5 < 0.9 - 0.2
