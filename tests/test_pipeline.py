"""End-to-end behaviour on the tiny fixture model (ten-entry lexicon, small ARPA)."""

from hypothesis import given, settings, strategies as st

from unspin.types import apply_edits


def test_pipeline_restores_pooled_successful(tiny_restorer):
    result = tiny_restorer.restore("Ryu defected to South Korea successful 2019. He was successful Seoul.")
    assert result.restored_text == "Ryu defected to South Korea in 2019. He was in Seoul."
    assert all(e.relation == "synonym" and 0 < e.confidence <= 1 for e in result.edits)


def test_pipeline_keeps_capitalisation_of_spun_word(tiny_restorer):
    result = tiny_restorer.restore("He was in the house. Successful 2019 he was home.")
    for edit in result.edits:
        assert edit.spun[0].isupper() == edit.restored[0].isupper()


def test_pipeline_phrase_and_number(tiny_restorer):
    result = tiny_restorer.restore("He ran across the zone that separates the 2 Koreas.")
    assert "the two Koreas" in result.restored_text


def test_pipeline_clean_text_untouched(tiny_restorer):
    text = "He was in Seoul in 2019. The soldiers will be home in two weeks."
    result = tiny_restorer.restore(text)
    assert result.restored_text == text and result.edits == ()


def test_pipeline_empty_text(tiny_restorer):
    result = tiny_restorer.restore("")
    assert result.restored_text == "" and result.edits == () and result.spun_score == 0.0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["successful", "in", "2", "beryllium", "house", "home", "the",
                                 "Seoul", ",", ".", "\r\n", " ", "\u00a0", "👍", "volition"]), max_size=25))
def test_pipeline_edit_invariants(tiny_restorer, parts):
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


def test_pipeline_threshold_drops_unsure_edits(tiny_restorer):
    text = "He was successful Seoul."
    assert tiny_restorer.restore(text, threshold=1.0).edits == ()


def test_present_skips_words_inside_replacement_phrases(tiny_restorer):
    from unspin.pipeline import _present
    from unspin.tokenize import tokenize

    # "due to the fact that" may be a spinner's output: its "that" is no evidence that
    # the spinner left "that" alone; the free-standing "that" is.
    present = _present(tokenize("He left due to the fact that it rained."), tiny_restorer.lexicon)
    assert {"left", "it", "rained"} <= present and "he" not in present  # capitalised
    assert "due" not in present and "fact" not in present
    assert "that" in _present(tokenize("He said that it rained."), tiny_restorer.lexicon)


def test_family_shares_pool_inflections_of_one_lemma():
    from unspin.pipeline import _family_shares
    from unspin.types import Arc, Candidate

    def arc(words, relation="synonym"):
        return Arc(0, 1, Candidate(tuple(words.split()), relation, 0.0))

    ranked = [(arc("has"), 0.4), (arc("had"), 0.3), (arc("produce", "keep"), 0.2), (arc("makes"), 0.1)]
    shares = _family_shares(ranked)
    assert abs(shares[("has",)] - 0.7) < 1e-9 and abs(shares[("had",)] - 0.7) < 1e-9
    assert abs(shares[("makes",)] - 0.1) < 1e-9 and ("produce",) not in shares


def test_agreement_reads_the_other_occurrences():
    from collections import Counter

    from unspin.pipeline import Agreement
    from unspin.tokenize import tokenize
    from unspin.types import Arc, Candidate

    tokens = tokenize("produce produce bear").tokens

    def site(position, readings):
        ranked = [(Arc(position, position + 1, Candidate(tuple(w.split()), "synonym", 0.0)), p)
                  for w, p in readings]
        return tokens, ranked[0][0], ranked, 0.0

    changed = [site(0, [("has", 0.6), ("had", 0.2)]), site(1, [("has", 0.8)]), site(2, [("has", 0.3)])]
    agreement = Agreement.of(changed, Counter({"produce": 3, "bear": 1}))
    assert agreement.others("produce") == 2
    # at the first "produce": the second says 0.8, the third occurrence (kept) says 0
    assert abs(agreement.support("produce", ("has",), 0.6) - 0.4) < 1e-9
    assert agreement.support("bear", ("has",), 0.3) == 0.0
    # "has" is claimed by "produce" (mean 1.4 / 3) when reading "bear"
    assert abs(agreement.claimed("bear", ("has",)) - 1.4 / 3) < 1e-9


def test_kept_occurrences_of_a_changed_word_are_proposed(tiny_restorer):
    from unspin.pipeline import proposals
    from unspin.tokenize import tokenize

    # the path reads the first "successful" as "in" and keeps the second one; the second is
    # read again (a spinner writes every occurrence of a word the same way)
    document = tokenize("He was successful Seoul. The house was successful.")
    found = list(proposals(document, tiny_restorer.lm, tiny_restorer.table, tiny_restorer.settings))
    assert [p.tokens[p.begin].start for p in found] == [7, 39]
    assert found[0].keep < 0.5 < found[1].keep
    assert all(p.tokens[p.begin].text == "successful" for p in found)


def test_gather_pools_a_corpus(tiny_restorer):
    from collections import Counter

    from unspin.pipeline import Agreement, gather
    from unspin.tokenize import tokenize

    texts = ["He was successful Seoul.", "They were successful the house.", "Le chat est noir et le chien est blanc ici."]
    corpus = gather((tokenize(t) for t in texts), tiny_restorer.lm, tiny_restorer.table, tiny_restorer.settings)
    # the first story reads "successful" as "in"; the second keeps it (a site not read counts 0)
    assert corpus.sites["successful"] == 1 and corpus.occurrences("successful") == 2
    # the second occurrence hears what the first story said
    assert corpus.support("successful", ("in",), 0.0) > 0.5
    assert "chat" not in corpus.counts  # a non-English text is not read
    assert corpus.corpus and not Agreement.of([], Counter()).corpus  # the trees are told which


def test_restore_many_in_corpus_mode_keeps_the_edit_invariants(tiny_restorer):
    texts = ["He was successful Seoul.", "The house was successful.", "", "He was home in 2019."]
    results = tiny_restorer.restore_many(texts, corpus=True)
    assert [r.text for r in results] == texts
    for result in results:
        assert apply_edits(result.text, result.edits) == result.restored_text
        assert result.signature.endswith("|corpus")
    assert results[0].restored_text == "He was in Seoul."
    assert results[3].edits == ()


def test_pronoun_and_tense_cues_follow_the_document():
    from collections import Counter

    from unspin.pipeline import GENDER, TENSE, _cue, _tenses, _verb_cue, tense

    counts = Counter("she said her firm rose and profits fell as she had hoped she said".split())
    assert _cue(("she",), GENDER, counts) > 0 > _cue(("he",), GENDER, counts)
    assert _cue(("he", "or", "she"), GENDER, counts) == 0.0  # in both groups
    assert _cue(("was",), TENSE, counts) > 0 > _cue(("is",), TENSE, counts)
    assert [tense(w) for w in ("was", "is", "rose", "seems", "said", "says", "house", "profits")] == [1, -1, 1, -1, 1, -1, 0, 0]
    past, present = _tenses(counts)
    assert past == 6 and present == 0  # said x2, rose, fell, had, hoped
    assert _verb_cue(("made",), (past, present)) > 0 > _verb_cue(("seems",), (past, present))
    assert _verb_cue(("house",), (past, present)) == 0.0 and _verb_cue(("in", "order"), (past, present)) == 0.0
