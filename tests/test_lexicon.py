import gzip
import math

import pytest

from conftest import TINY
from unspin.errors import UnspinError
from unspin.lexicon import DIGITS_SHARE, GROUPED, Lexicon, Link, grouped_lines, merge

LINKS = [Link("in", "successful", "similar_to", "in.s.01"), Link("in", "indium", "element", "indium.n.01"),
         Link("be", "beryllium", "element", "beryllium.n.01"), Link("is", "beryllium", "two_hop", "be>Be"),
         Link("because", "due to the fact that", "phrase", "rewrite")]


def test_lexicon_shares_sum_to_one_per_original():
    lexicon = Lexicon(LINKS)
    shares = {}
    for link in lexicon.links():
        shares[link.original] = shares.get(link.original, 0.0) + lexicon.share(link)
    assert all(abs(total - 1.0) < 1e-9 for total in shares.values())
    # element (weight 1.0) beats similar_to (0.5) for the same original
    assert lexicon.share(lexicon.backward("indium")[0]) == pytest.approx(2 / 3)


def test_lexicon_digits_take_most_of_a_number_word():
    lexicon = Lexicon([Link("two", "2", "number", "digits"), Link("two", "deuce", "synonym", "two.n.01"),
                       Link("two", "brace", "synonym", "two.n.01"), Link("ten", "10", "number", "digits")])
    share = {(l.original, l.replacement): lexicon.share(l) for l in lexicon.links()}
    assert share["two", "2"] == pytest.approx(DIGITS_SHARE)
    assert share["two", "deuce"] == pytest.approx((1 - DIGITS_SHARE) / 2)
    assert share["ten", "10"] == 1.0  # nothing else to share with


def test_lexicon_grouped_file_round_trip(tmp_path):
    path = tmp_path / "channel.tsv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(f"{GROUPED}\theader\n")
        handle.write("\t".join(["# originals", "be", "because", "in", "is"]) + "\n")
        handle.write("\n".join(grouped_lines(LINKS)) + "\n")
    loaded = Lexicon.load(path)
    built = Lexicon(LINKS)
    for observed in ("successful", "indium", "beryllium", "due to the fact that", "absent"):
        assert sorted(loaded.backward(observed), key=str) == sorted(built.backward(observed), key=str)
    assert loaded.spinnable("in") and not loaded.spinnable("successful")
    assert loaded.max_replacement_words == 5
    assert [l.replacement for l in loaded.forward("in")] == ["indium", "successful"]
    assert len(loaded) == len(LINKS)


def test_lexicon_reads_row_format_fixture():
    lexicon = Lexicon.load(TINY / "channel.tsv.gz")
    assert [l.original for l in lexicon.backward("successful")] == ["in"]


def test_lexicon_rejects_other_files(tmp_path):
    path = tmp_path / "not.tsv"
    path.write_text("hello\tworld\n")
    with pytest.raises(UnspinError, match="E020"):
        Lexicon.load(path)


def test_lexicon_pickles_without_its_caches():
    import pickle

    lexicon = Lexicon.load(TINY / "channel.tsv.gz")
    size = len(pickle.dumps(lexicon))
    lexicon.forward("in")  # fills the caches
    lexicon.backward("successful")
    assert len(pickle.dumps(lexicon)) == size
    copy = pickle.loads(pickle.dumps(lexicon))
    assert copy.backward("successful") == lexicon.backward("successful") and len(copy) == len(lexicon)
    assert copy.forward("in") == lexicon.forward("in")


MERGE_WORDNET = Lexicon([Link("deep", "profound", "similar_to", "deep.s.04"),
                         Link("bank", "financial institution", "hypernym", "bank.n.01")], name="wordnet")
MERGE_MOBY = Lexicon([Link("random", "irregular", "thesaurus", "moby"),
                      Link("deep", "cavernous", "thesaurus", "moby")], name="moby")


def test_lexicon_merge_mixes_shares_by_weight():
    merged = merge(MERGE_WORDNET, MERGE_MOBY, weights=[1.0, 3.0])
    (link,) = merged.backward("profound")
    assert link.original == "deep" and link.relation == "similar_to"
    # deep has rows in both tables: WordNet's whole share, weighted 1 of 4
    assert link.share == pytest.approx(0.25)
    (moby,) = merged.backward("cavernous")
    assert moby.share == pytest.approx(0.75) and moby.relation == "thesaurus"
    assert merged.ranked_backward("cavernous") == [moby]
    assert merged.spinnable("random") and merged.spinnable("bank") and not merged.spinnable("forests")
    assert merged.is_replacement("financial institution") and merged.max_replacement_words == 2
    assert merged.name == "wordnet+moby" and len(merged) == 4


def test_lexicon_merge_adds_rows_in_both_tables():
    both = merge(Lexicon([Link("big", "large", "synonym", "a")]), Lexicon([Link("big", "large", "thesaurus", "b"),
                                                                        Link("big", "huge", "thesaurus", "b")]))
    shares = {link.replacement: link.share for link in both.forward("big")}
    assert shares == pytest.approx({"large": 0.5 + 0.25, "huge": 0.25})
    assert sum(shares.values()) == pytest.approx(1.0)


def test_lexicon_merge_needs_a_weight_per_table():
    with pytest.raises(UnspinError, match="E030"):
        merge(MERGE_WORDNET, MERGE_MOBY, weights=[1.0])


def test_lexicon_merge_pickles_without_its_caches():
    import pickle

    merged = merge(MERGE_WORDNET, MERGE_MOBY)
    size = len(pickle.dumps(merged))
    merged.backward("profound"), merged.forward("deep"), merged.replacements()
    assert len(pickle.dumps(merged)) == size
    assert pickle.loads(pickle.dumps(merged)).backward("profound") == merged.backward("profound")


@pytest.mark.model
def test_lexicon_thesaurus_table_reads_moby_backwards():
    from conftest import BUNDLED
    from unspin.registry import channel_sources

    thesaurus = channel_sources.get("thesaurus").load(BUNDLED)
    originals = {link.original for link in thesaurus.backward("timberland")}
    assert "forest" in originals and all(link.relation == "thesaurus" for link in thesaurus.backward("timberland"))


@pytest.mark.parametrize("lemma, tags, forms", [
    ("motion picture", ("NNS",), ("motion pictures",)),  # a noun phrase by its last word
    ("interest rate", ("NNS",), ("interest rates",)),
    ("come through", ("VBD",), ("came through",)),  # a verb phrase by its first
    ("soldier", ("NNS",), ("soldiers",)),
])
def test_lexicon_originals_are_inflected_by_their_head(lemma, tags, forms):
    from unspin.candidates import inflect

    assert inflect(lemma, tags) == forms



class KnowsEveryWord:
    def known(self, word):
        return True

    def unigram(self, word):
        return -3.0


def test_lexicon_a_plural_is_read_as_the_bare_lemma_less_often_than_as_its_plural():
    """lemminflect lists "film" beside "films" as plurals of film: an observed plural
    ("moving pictures") is read as "film" only UNCHANGED_FORM_FACTOR as likely as "films"."""
    from unspin.candidates import UNCHANGED_FORM_FACTOR, ReadingTable, inflect

    assert inflect("film", ("NNS",)) == ("films", "film")
    table = ReadingTable(Lexicon([Link("film", "moving picture", "synonym", "a")]), KnowsEveryWord())
    shares = {reading.words: reading.log10_share for reading in table.readings("moving pictures")}
    assert shares[("film",)] < shares[("films",)]
    assert shares[("film",)] - shares[("films",)] == pytest.approx(math.log10(UNCHANGED_FORM_FACTOR))


@pytest.mark.parametrize("observed, base", [
    ("laws of nature", "law of nature"),  # a plural head before a preposition
    ("editors in chief", "editor in chief"),
    ("phonograph records", "phonograph record"),  # a plural last word
])
def test_lexicon_a_spun_noun_phrase_is_read_through_its_plural_head(observed, base):
    from unspin.candidates import ReadingTable, bases

    assert (base, ("NNS",)) in bases(observed)
    table = ReadingTable(Lexicon([Link("original", base, "synonym", "a")]), KnowsEveryWord())
    assert ("originals",) in {reading.words for reading in table.readings(observed)}


@pytest.mark.parametrize("observed, original, reading", [
    ("more middle", "central", ("more", "central")),  # no comparative of its own: the same word before it
    ("most middle", "central", ("most", "central")),
    ("more close", "closely", ("more", "closely")),
    ("more extended", "long", ("longer",)),  # a comparative of its own: that form
])
def test_lexicon_a_comparative_written_with_more_keeps_more_before_its_original(observed, original, reading):
    from unspin.candidates import ReadingTable, periphrastic

    base = observed.split(" ")[1]
    assert periphrastic(observed, base) == observed.split(" ")[0]
    table = ReadingTable(Lexicon([Link(original, base, "synonym", "a")]), KnowsEveryWord())
    readings = {r.words for r in table.readings(observed)}
    assert reading in readings
    assert (original,) not in readings or reading == (original,)  # no longer the bare word ("central")
    assert periphrastic("middle", "middle") is None and periphrastic("more of", "middle") is None


def test_lexicon_a_plural_first_word_is_a_head_only_before_a_preposition():
    from unspin.candidates import bases

    assert ("law of nature", ("NNS",)) in bases("laws of nature")
    assert all(base != "law and order" for base, _tags in bases("laws and order"))
    assert all(base != "law of" for base, _tags in bases("laws of"))  # two words: no phrase after it


@pytest.mark.parametrize("hits, restored, spinnable, at_least, at_most", [
    (0, 30, 200, -2.0, -1.9),  # many restorations, none to a word used elsewhere: one dictionary
    (12, 30, 200, -0.05, 0.0),  # many such: a spinner that chooses anew at every occurrence
    (0, 0, 50, -1.6, -1.4),  # nothing restored: the prior, nearer one dictionary
    (1, 2, 100, -1.6, -1.2),  # two restorations in a long text, likely wrong ones, say little
])
def test_lexicon_the_literal_penalty_follows_the_documents_spinner(hits, restored, spinnable, at_least, at_most):
    from unspin.candidates import LITERAL_LOG10, FirstPass, literal_weighed

    value = literal_weighed(FirstPass(restored, hits, 0, spinnable).chooses_anew())
    assert LITERAL_LOG10 <= at_least <= value <= at_most <= 0.0


def test_lexicon_the_literal_penalty_weakens_with_each_hit():
    from unspin.candidates import FirstPass, literal_weighed

    values = [literal_weighed(FirstPass(20, hits, 0, 150).chooses_anew()) for hits in range(0, 8)]
    assert values == sorted(values) and values[-1] - values[0] > 1.5


def test_lexicon_capitalised_words_are_read_as_spun_where_the_first_pass_finds_many():
    from unspin.candidates import CAPITAL_FACTOR, CAPITAL_FACTOR_SPUN, FirstPass, capital_factor

    def factor(capitalised, restored):
        return capital_factor(FirstPass(restored, 0, capitalised, 100))

    assert factor(0, 30) == pytest.approx(CAPITAL_FACTOR, abs=0.005)  # capitals left alone
    assert factor(0, 0) < 1.2 * CAPITAL_FACTOR  # no evidence: the common kind
    assert factor(9, 30) > 0.9 * CAPITAL_FACTOR_SPUN  # a spinner that rewrites names too
    values = [factor(hits, 30) for hits in range(10)]
    assert values == sorted(values)


def test_lexicon_habit_posterior_is_bayes_over_bernoulli_draws():
    from unspin.candidates import bernoulli_evidence, posterior

    assert posterior(0.2, bernoulli_evidence(0, 0, 0.1, 0.3)) == pytest.approx(0.2)
    # one hit: odds x 3; one miss: odds x 0.7 / 0.9
    assert posterior(0.5, bernoulli_evidence(1, 2, 0.1, 0.3)) == pytest.approx(1 / (1 + 1 / (3 * 0.7 / 0.9)))


def test_lexicon_a_crawl_lends_its_documents_the_share_that_has_a_habit():
    from collections import Counter

    from unspin.candidates import (CAPITALS_PRIOR, CRAWL_CEILING, PER_OCCURRENCE_PRIOR, FirstPass, Habits,
                                   crawl_habits, literal_weighed)

    anew = FirstPass(10, 3, 0, 80)  # a short document: 3 of 10 restorations to words it also uses
    one = FirstPass(10, 0, 0, 80)
    assert anew.per_occurrence_evidence() > 0 > one.per_occurrence_evidence()
    # no crawl: the defaults; a crawl of such documents moves the prior up, not past the ceiling
    assert crawl_habits(Counter(), Counter()) == Habits()
    ratios = Counter({round(anew.per_occurrence_evidence(), 2): 200})
    lent = crawl_habits(ratios, Counter({0.0: 200}))
    assert lent.per_occurrence == CRAWL_CEILING and lent.capitalised == CAPITALS_PRIOR
    # one dictionary: never under the default; a mixture: near its share
    assert crawl_habits(Counter({round(one.per_occurrence_evidence(), 2): 200}), Counter()).per_occurrence \
        == PER_OCCURRENCE_PRIOR
    strong = FirstPass(40, 12, 0, 300)
    mixed = Counter({round(strong.per_occurrence_evidence(), 2): 30,
                     round(FirstPass(40, 1, 0, 300).per_occurrence_evidence(), 2): 70})
    assert 0.2 < crawl_habits(mixed, Counter()).per_occurrence < 0.4
    # the document's own evidence still speaks: the crawl's prior weakens the penalty
    assert literal_weighed(anew.chooses_anew(lent.per_occurrence)) > literal_weighed(anew.chooses_anew())
    assert literal_weighed(strong.chooses_anew()) > literal_weighed(one.chooses_anew(lent.per_occurrence)) - 1.0
