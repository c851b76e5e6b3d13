"""The decode passes on the tiny fixture model: which sites are read, and corpus mode."""

import dataclasses
from collections import Counter

from unspin.evidence import Agreement
from unspin.passes import gather, proposals
from unspin.tokenize import tokenize
from unspin.types import apply_edits


def test_passes_kept_occurrences_of_a_changed_word_are_proposed(tiny_restorer):
    # the path reads the first "successful" as "in" and keeps the second one; the second is
    # read again (a spinner writes every occurrence of a word the same way)
    document = tokenize("He was successful Seoul. The house was successful.")
    found = list(proposals(document, tiny_restorer.lm, tiny_restorer.table, tiny_restorer.settings))
    assert [p.tokens[p.begin].start for p in found] == [7, 39]
    assert found[0].keep < 0.5 < found[1].keep
    assert all(p.tokens[p.begin].text == "successful" for p in found)


def test_passes_gather_pools_a_corpus(tiny_restorer):
    texts = ["He was successful Seoul.", "They were successful the house.", "Le chat est noir et le chien est blanc ici."]
    corpus = gather((tokenize(t) for t in texts), tiny_restorer.lm, tiny_restorer.table, tiny_restorer.settings)
    # the first story reads "successful" as "in"; the second keeps it (a site not read counts 0)
    assert corpus.sites["successful"] == 1 and corpus.occurrences("successful") == 2
    # the second occurrence hears what the first story said
    assert corpus.support("successful", ("in",), 0.0) > 0.5
    assert "chat" not in corpus.counts  # a non-English text is not read
    assert corpus.corpus and not Agreement.of([], Counter()).corpus  # the trees are told which


def test_passes_restore_many_in_corpus_mode_keeps_the_edit_invariants(tiny_restorer):
    texts = ["He was successful Seoul.", "The house was successful.", "", "He was home in 2019."]
    results = tiny_restorer.restore_many(texts, corpus=True, assume_one_spinner=True)
    assert [r.text for r in results] == texts
    for result in results:
        assert apply_edits(result.text, result.edits) == result.restored_text
        assert result.signature.endswith("|corpus")
    assert results[0].restored_text == "He was in Seoul."
    assert results[3].edits == ()


def test_passes_a_crawl_too_small_to_tell_one_spinner_is_restored_one_text_at_a_time(tiny_restorer):
    texts = ["He was successful Seoul.", "The house was successful.", "He was home in 2019."]
    evidence, check = tiny_restorer.crawl(texts)
    assert evidence is None and not check.one_spinner and check.originals < 10
    assert "too little restored" in check.describe()
    assert tiny_restorer.restore_many(texts, corpus=True) == tiny_restorer.restore_many(texts)


def test_passes_literal_hits_count_restorations_to_words_the_document_uses():
    from unspin.passes import literal_hits

    pairs = Counter({("home", ("house",)): 2, ("volition", ("will",)): 1, ("a b", ("in", "the")): 1})
    assert literal_hits(pairs, frozenset({"house", "in"})) == (2, 4)
    assert literal_hits(Counter(), frozenset({"house"})) == (0, 0)


def test_passes_a_crawls_habit_priors_reach_every_document(tiny_restorer):
    from unspin.candidates import FirstPass, Habits

    # "in" is used as it stands too: one dictionary would have spun it there, so the literal
    # penalty holds "successful" -> in back; a crawl that says its spinner chooses anew lifts it
    text = "He was successful Seoul. He was in the house."
    alone = tiny_restorer.restore(text)
    lent = tiny_restorer.with_corpus(None, Habits(0.9, 0.02)).restore(text)
    assert [e.restored for e in lent.edits] == [e.restored for e in alone.edits] == ["in"]
    assert lent.edits[0].confidence > alone.edits[0].confidence
    assert lent.signature == alone.signature + "|habits:0.9,0.02"
    # the crawl gathers each document's first-pass evidence, whatever its check says
    texts = ["He was successful Seoul.", "The house was successful.", "He was home in 2019."]
    gathered = tiny_restorer.gather(texts)
    assert sum(gathered.per_occurrence.values()) == sum(gathered.capitalised.values()) == 3
    assert gathered.habits() is None  # too little said: the defaults, and nothing in the signature
    assert FirstPass(0, 0, 0, 10).per_occurrence_evidence() == 0.0


def test_passes_the_first_pass_keeps_its_own_small_beam(tiny_restorer, monkeypatch):
    # the first pass only counts; a wider beam there would raise clean text's spin rate
    import unspin.passes as passes

    beams = []
    real = passes.decode_sentence

    def recording(tokens, lm, table, params, beam_size):
        beams.append((params.context, beam_size))
        return real(tokens, lm, table, params, beam_size)

    monkeypatch.setattr(passes, "decode_sentence", recording)
    settings = dataclasses.replace(tiny_restorer.settings, beam_size=12)
    list(proposals(tokenize("He was successful Seoul."), tiny_restorer.lm, tiny_restorer.table, settings))
    assert beams == [(False, passes.FIRST_PASS_BEAM), (True, 12)]
