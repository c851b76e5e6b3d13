"""Document evidence: facts, agreement between occurrences, cues, and the features."""

from collections import Counter

from unspin.evidence.agreement import MIN_ORIGINALS, Agreement, CrawlCheck, family_shares
from unspin.evidence.cues import GENDER, TENSE, cue, tense, tenses, verb_cue
from unspin.evidence.facts import present
from unspin.evidence.features import FEATURES, features
from unspin.evidence.readings import Evidence
from unspin.tokenize import tokenize
from unspin.types import Arc, Candidate, Site


def test_evidence_present_skips_words_inside_replacement_phrases(tiny_restorer):
    # "due to the fact that" may be a spinner's output: its "that" is no evidence that
    # the spinner left "that" alone; the free-standing "that" is.
    found = present(tokenize("He left due to the fact that it rained."), tiny_restorer.lexicon)
    assert {"left", "it", "rained"} <= found and "he" not in found  # capitalised
    assert "due" not in found and "fact" not in found
    assert "that" in present(tokenize("He said that it rained."), tiny_restorer.lexicon)


def test_evidence_family_shares_pool_inflections_of_one_lemma():
    def arc(words, relation="synonym"):
        return Arc(0, 1, Candidate(tuple(words.split()), relation, 0.0))

    ranked = [(arc("has"), 0.4), (arc("had"), 0.3), (arc("produce", "keep"), 0.2), (arc("makes"), 0.1)]
    shares = family_shares(ranked)
    assert abs(shares[("has",)] - 0.7) < 1e-9 and abs(shares[("had",)] - 0.7) < 1e-9
    assert abs(shares[("makes",)] - 0.1) < 1e-9 and ("produce",) not in shares


def test_evidence_agreement_reads_the_other_occurrences():
    tokens = tokenize("produce produce bear").tokens

    def site(position, readings):
        ranked = [(Arc(position, position + 1, Candidate(tuple(w.split()), "synonym", 0.0)), p)
                  for w, p in readings]
        return Site(tokens, ranked[0][0], tuple(ranked), 0.0)

    changed = [site(0, [("has", 0.6), ("had", 0.2)]), site(1, [("has", 0.8)]), site(2, [("has", 0.3)])]
    agreement = Agreement.of(changed, Counter({"produce": 3, "bear": 1}))
    assert agreement.others("produce") == 2
    # at the first "produce": the second says 0.8, the third occurrence (kept) says 0
    assert abs(agreement.support("produce", ("has",), 0.6) - 0.4) < 1e-9
    assert agreement.support("bear", ("has",), 0.3) == 0.0
    # "has" is claimed by "produce" (mean 1.4 / 3) when reading "bear"
    assert abs(agreement.claimed("bear", ("has",)) - 1.4 / 3) < 1e-9


def test_evidence_pronoun_and_tense_cues_follow_the_document():
    counts = Counter("she said her firm rose and profits fell as she had hoped she said".split())
    assert cue(("she",), GENDER, counts) > 0 > cue(("he",), GENDER, counts)
    assert cue(("he", "or", "she"), GENDER, counts) == 0.0  # in both groups
    assert cue(("was",), TENSE, counts) > 0 > cue(("is",), TENSE, counts)
    assert [tense(w) for w in ("was", "is", "rose", "seems", "said", "says", "house", "profits")] == [1, -1, 1, -1, 1, -1, 0, 0]
    past, now = tenses(counts)
    assert past == 6 and now == 0  # said x2, rose, fell, had, hoped
    assert verb_cue(("made",), (past, now)) > 0 > verb_cue(("seems",), (past, now))
    assert verb_cue(("house",), (past, now)) == 0.0 and verb_cue(("in", "order"), (past, now)) == 0.0


def test_evidence_the_pronoun_cue_counts_the_titles_before_names():
    from unspin.evidence.cues import GENDER_COUNTED

    # the spinner wrote "he or she" for every "he": the paragraph's only sign is "Mr"
    counts = Counter("mr smith said he or she would stay and he or she hoped to win".split())
    assert cue(("he",), GENDER, counts) == 0.0  # the pronouns alone say nothing
    assert cue(("he",), GENDER, counts, GENDER_COUNTED) > 0 > cue(("she",), GENDER, counts, GENDER_COUNTED)
    assert cue(("she",), GENDER, Counter("mrs jones said".split()), GENDER_COUNTED) > 0
    assert cue(("mr",), GENDER, counts, GENDER_COUNTED) == 0.0  # a title is counted, not a pronoun reading


def an_evidence(**changes) -> Evidence:
    """Evidence for one reading, with defaults for what a test does not set."""
    base = dict(relation="synonym", posterior=0.6, keep=0.3, family=0.6, rival=0.1, log10_share=-1.2,
                observed_unigram=-5.0, restored_unigram=-3.0, pooled=0, present=False, related=False,
                observed_count=1, topic_gain=None, observed_spinnable=True, capitalised=False, rate=0.2,
                observed_words=1, restored_words=1)
    return Evidence(**{**base, **changes})


def test_evidence_features_are_finite_and_named_consistently():
    values = features(an_evidence(posterior=1.0, keep=0.0, rival=0.0, rate=0.0))
    assert tuple(values) == FEATURES
    assert all(abs(v) < 1e6 for v in values.values())
    assert values["relation_synonym"] == 1.0 and values["inflection"] == 0.0
    assert features(an_evidence(relation="hypernym+inflection"))["inflection"] == 1.0


# ---------------------------------------------------------------- corpus mode's premise: one spinner


def crawl_of(pairs: list[tuple[str, str, float]]) -> Agreement:
    agreement = Agreement(corpus=True)
    for observed, original, total in pairs:
        agreement.totals.setdefault(observed, Counter())[(original,)] += total
    return agreement


def test_check_one_spinner_writes_each_original_one_way():
    # twelve originals, each restored from one observed word (twice in all)
    check = crawl_of([(f"spun{i}", f"word{i}", 2.0) for i in range(12)]).check()
    assert check == CrawlCheck(12, 1.0) and check.one_spinner
    assert "one spinner" in check.describe()


def test_check_several_spinners_write_an_original_several_ways():
    pairs = [(f"{way}{i}", f"word{i}", 1.0) for i in range(12) for way in ("a", "b", "c")]
    check = crawl_of(pairs).check()
    assert check.originals == 12 and abs(check.share - 1 / 3) < 1e-9
    assert not check.one_spinner and "several spinners" in check.describe()


def test_corpus_mode_keeps_a_crawl_of_several_spinners_without_its_claims():
    # each original written three ways: what each observed word says stays, claims do not
    pairs = [(f"{way}{i}", f"word{i}", 1.0) for i in range(12) for way in ("a", "b", "c")]
    crawl = crawl_of(pairs)
    crawl.counts.update({observed: 2 for observed, _o, _t in pairs})
    assert crawl.claimed("a0", ("word0",)) > 0  # as gathered
    several, check = crawl.for_corpus_mode()
    assert check.several_spinners and several is not None and several is not crawl
    assert several.claimed("a0", ("word0",)) == 0.0 and crawl.claimed("a0", ("word0",)) > 0
    assert several.support("a0", ("word0",), 0.0) == crawl.support("a0", ("word0",), 0.0) > 0
    # one spinner: all of it; too little to tell: none; assumed one spinner: all of it
    one = crawl_of([(f"spun{i}", f"word{i}", 2.0) for i in range(12)])
    assert one.for_corpus_mode()[0] is one
    assert crawl_of(pairs[:6]).for_corpus_mode()[0] is None
    assert crawl.for_corpus_mode(assume_one_spinner=True)[0] is crawl
    # as few such originals as clean text restores (under SEVERAL_DENSITY per 1,000 words): alone
    from unspin.evidence.agreement import SEVERAL_DENSITY

    crawl.counts["the"] += int(1000 * 12 / SEVERAL_DENSITY)
    evidence, check = crawl.for_corpus_mode()
    assert evidence is None and check.several_spinners and not check.spun_enough and check.mode == "alone"


def test_evidence_a_documents_claims_count_as_far_as_its_spinner_keeps_one_dictionary():
    pairs = [(f"{way}{i}", f"word{i}", 1.0) for i in range(3) for way in ("a", "b")]
    document = crawl_of(pairs)
    document.counts.update({observed: 2 for observed, _o, _t in pairs})
    full = document.claimed("a0", ("word0",))
    document.claim_weight = 0.25  # its first pass says its spinner likely chooses anew
    assert full > 0 and document.claimed("a0", ("word0",)) == 0.25 * full
    document.claim_weight = 0.0
    assert document.claimed("a0", ("word0",)) == 0.0


def test_check_counts_only_strong_restorations():
    # weak readings (under 0.5 summed at an observed word) and originals restored once are not counted
    pairs = [(f"spun{i}", f"word{i}", 2.0) for i in range(MIN_ORIGINALS)]
    pairs += [(f"weak{i}", f"word{i}", 0.4) for i in range(MIN_ORIGINALS)]
    pairs += [("once", "lonely", 1.0)]
    check = crawl_of(pairs).check()
    assert check == CrawlCheck(MIN_ORIGINALS, 1.0) and check.one_spinner


def test_check_too_few_originals_cannot_tell():
    check = crawl_of([(f"spun{i}", f"word{i}", 2.0) for i in range(MIN_ORIGINALS - 1)]).check()
    assert not check.one_spinner and "too little restored" in check.describe()
    assert Agreement(corpus=True).check() == CrawlCheck(0, 0.0)


def test_evidence_a_crawl_sums_its_documents_habit_evidence_and_lends_the_share():
    from unspin.candidates import CRAWL_CEILING, PER_OCCURRENCE_PRIOR, FirstPass

    one, anew = Agreement(corpus=True), Agreement(corpus=True)
    for _ in range(30):
        one.add([], Counter(), FirstPass(12, 0, 0, 90))  # none restored to a word also used as it stands
        anew.add([], Counter(), FirstPass(12, 4, 0, 90))  # a third of them
    assert one.habits() is None  # the defaults: nothing lent
    lent = anew.habits()
    assert lent.per_occurrence == CRAWL_CEILING and lent.capitalised < 0.1
    # parts gathered apart (workers) merge into the crawl's histogram
    merged = Agreement(corpus=True).merge(one).merge(anew)
    assert sum(merged.per_occurrence.values()) == 60
    assert PER_OCCURRENCE_PRIOR < merged.habits().per_occurrence < CRAWL_CEILING
    assert Agreement().habits() is None
