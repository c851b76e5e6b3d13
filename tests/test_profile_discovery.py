"""Readings no channel holds (unspin.profiles.discovery): an over-used word paired with a
missing one in its own contexts, and the lattice proposing it (relation "learned")."""

from collections import Counter

import pytest
from conftest import TINY

from unspin.lm import ArpaModel
from unspin.profiles import Profile, Word
from unspin.profiles.discovery import discover, in_a_phrase
from unspin.profiles.learning import Observations, count, phrase_heads
from unspin.relations import LEARNED
from unspin.restorer import Restorer
from unspin.tokenize import tokenize

# a spinner that writes "will" as "quixotic", which the tiny channel does not link
PAGES = ["families quixotic be told .", "she said the soldiers quixotic be home in two weeks .",
         "they are told their families quixotic be executed ."] * 10
# corpus counts: "will" is common in unspun English, "quixotic" rare
FREQUENCIES = {"will": 8000, "be": 5000, "the": 60000, "families": 4000, "soldiers": 300, "told": 800,
               "home": 900, "quixotic": 2, "said": 2000, "executed": 100, "are": 4000, "they": 3000,
               "their": 2500, "in": 20000, "two": 1500, "weeks": 300, "she": 2000}


@pytest.fixture(scope="module")
def lm():
    return ArpaModel(TINY / "lm.arpa")


@pytest.fixture(scope="module")
def observed(tiny_restorer):
    found = Observations()
    for page in PAGES:
        document = tokenize(page)
        found.words += sum(1 for t in document.tokens if t.text.isalpha())
        count(document, found.counts, tiny_restorer.lexicon, frozenset(), found.contexts)
    return found


def profile_of(observations: Observations) -> Profile:
    """Every word read as itself (what EM gives a word the channel has no reading for)."""
    return Profile({text: Word(float(n), float(n)) for text, n in observations.counts.items()})


def test_discovery_pairs_an_over_used_word_with_the_missing_one(observed, lm):
    assert len(observed.contexts["quixotic"]) == 12  # at most CONTEXTS kept per word
    found, pairings = discover(profile_of(observed), observed.contexts, observed.words, lm, FREQUENCIES)
    assert [(spun, original) for spun, original, _mass, _gain in pairings] == [("quixotic", "will")]
    rate = observed.words / sum(FREQUENCIES.values())
    excess, shortfall = 30 - FREQUENCIES["quixotic"] * rate, FREQUENCIES["will"] * rate  # no "will" in the pages
    word = found.words["quixotic"]
    assert word.originals[("will",)] == pytest.approx(min(excess, shortfall), abs=1e-3)
    assert word.kept + word.spun == pytest.approx(word.count)
    assert found.known("quixotic") == (("will",),)


def test_discovery_pairs_nothing_when_no_word_is_missing(observed, lm):
    # the pages already hold "will" as often as English does: nothing for "quixotic" to stand for
    words = {text: Word(float(n), float(n)) for text, n in observed.counts.items()}
    words["will"] = Word(40.0, 40.0)
    _found, pairings = discover(Profile(words), observed.contexts, observed.words, lm, FREQUENCIES)
    assert pairings == []


def test_discovery_needs_the_corpus_counts(observed, lm):
    profile = profile_of(observed)
    found, pairings = discover(profile, observed.contexts, observed.words, lm, {})
    assert pairings == [] and found is profile


def test_discovered_reading_is_proposed_and_restored(tiny_restorer):
    # two words the pages always use for another, so that neither carries the fit alone
    profile = Profile({"quixotic": Word(40.0, 0.0, {("will",): 40.0}),
                       "successful": Word(40.0, 0.0, {("in",): 40.0})}, {"name": "site-q"})
    text = "She said the soldiers quixotic be home successful two weeks."
    assert "quixotic" in tiny_restorer.restore(text).restored_text  # no channel reading of it
    result = tiny_restorer.with_profile(profile).restore(text)
    assert result.restored_text == "She said the soldiers will be home in two weeks."
    assert {e.restored: e.relation for e in result.edits}["will"] == LEARNED



def test_discovery_with_workers_pairs_as_one_process_does(observed, lm):
    """``unspin learn --workers N`` scores the fits in context in N processes first
    (``scored_fits``): the same fits, so the same pairings and profile."""
    from unspin.profiles.discovery import fits_of, scored_fits

    alone = discover(profile_of(observed), observed.contexts, observed.words, lm, FREQUENCIES)
    shared = discover(profile_of(observed), observed.contexts, observed.words, lm, FREQUENCIES, workers=2)
    assert shared[1] == alone[1] and shared[0].words == alone[0].words
    jobs = [(word, ["will", "be", "told"], observed.contexts[word]) for word in ("quixotic", "families", "soldiers")]
    assert scored_fits(jobs, lm, 2) == fits_of(jobs, lm)
    assert "" not in scored_fits(jobs, lm, 2)["quixotic"]  # LM states stay where they were scored


def test_discovery_scores_here_what_a_worker_cannot(observed, lm):
    """An LM that cannot travel to another process: this process scores the worker's part."""
    from unspin.profiles.discovery import fits_of, scored_fits

    class Local(ArpaModel):  # defined in a function: cannot be pickled
        pass

    local = Local(TINY / "lm.arpa")
    jobs = [(word, ["will", "be"], observed.contexts[word]) for word in ("quixotic", "families", "soldiers")]
    assert scored_fits(jobs, local, 2) == fits_of(jobs, lm)


def test_discovery_scores_on_the_helpers_it_is_given(observed, lm):
    """Learning's own workers score the others' parts (``helpers``): the same fits; a helper
    that cannot take its part, or fails on it, leaves it to this process."""
    from concurrent.futures import ThreadPoolExecutor

    from unspin.profiles.discovery import fits_of, scored_fits

    jobs = [(word, ["will", "be", "told"], observed.contexts[word]) for word in ("quixotic", "families", "soldiers")]
    sent = []

    def broken(part):
        raise RuntimeError("the pool is gone")

    with ThreadPoolExecutor(2) as pool:
        def helper(part):
            sent.append(part)
            return pool.submit(fits_of, part, lm)

        def failing(part):
            return pool.submit(broken, part)

        assert scored_fits(jobs, lm, 3, helper) == fits_of(jobs, lm)
        assert len(sent) == 2 and sorted(job[0] for part in sent for job in part) == ["families", "soldiers"]
        assert scored_fits(jobs, lm, 3, broken) == fits_of(jobs, lm)
        assert scored_fits(jobs, lm, 3, failing) == fits_of(jobs, lm)


def test_discovery_scores_on_the_learning_pool(observed, lm):
    """The pool that observed the pages (``batch.spec_pool``, as ``Restorer.learn`` keeps it)
    scores discovery's fits with its workers' own LM; and a ``LocalEngine`` lends its workers
    only while ``kept``, past the pages it observed."""
    from unspin.batch import LocalEngine, fits_helper, observe_parallel, spec_pool
    from unspin.batchio import Item, Shard
    from unspin.profiles.discovery import fits_of, scored_fits

    restorer = Restorer(TINY, lm=lm)
    jobs = [(word, ["will", "be", "told"], observed.contexts[word]) for word in ("quixotic", "families", "soldiers")]
    with spec_pool(2, restorer.spec()) as pool:
        seen = observe_parallel(PAGES, 2, None, pool)
        assert seen.words == restorer.observe(PAGES).words
        assert scored_fits(jobs, lm, 2, fits_helper(pool)) == fits_of(jobs, lm)
    engine = LocalEngine(2, model=str(TINY))
    assert engine.helpers() is None
    with engine.kept():
        assert engine.observe(iter([Shard("pages", "jsonl", None, [Item(0, page) for page in PAGES[:6]])])).words > 0
        assert engine.helpers()(jobs).result() == fits_of(jobs, Restorer(TINY).lm)  # as the workers load it
    assert engine.helpers() is None


def test_discovery_leaves_the_words_of_a_multi_word_replacement_to_the_lattice():
    # "angiotensin converting enzyme" for "one": each word is over-used, always beside the next
    phrase = [(("had",), ("converting", "enzyme", "dog"))] * 8 + [(("the",), ("converting", "enzyme", "."))] * 4
    assert in_a_phrase(phrase, {"angiotensin", "converting", "enzyme"})
    assert not in_a_phrase(phrase, {"angiotensin"})  # its neighbour is an ordinary word
    # "sense" for "will": always before "be", which the spinner does not over-use
    modal = [(("they",), ("be", "told", "."))] * 12
    assert not in_a_phrase(modal, {"sense", "beryllium"})


def test_discovery_pairs_each_missing_word_once_and_tries_the_rest_again(monkeypatch):
    """A spinner writes each original one way: once "sensed" has taken "could", "could" is no
    rival for "sense", which lost its margin to it in the first pass."""
    from unspin.profiles import discovery

    def best(text, tried, contexts, lm, readings=(), memo=None):
        if text == "sense":  # "will" fits, but not by a margin over "could"
            return None if "could" in tried else ("will", 3.0) if "will" in tried else None
        return ("could", 3.0) if "could" in tried else None

    monkeypatch.setattr(discovery, "best_in_context", best)
    words = {"sense": Word(300.0, 300.0), "sensed": Word(100.0, 100.0), "the": Word(3000.0, 3000.0)}
    contexts = {word: [(("the",), ("the",))] for word in words}
    frequencies = {"sense": 10, "sensed": 1, "will": 3000, "could": 1000, "the": 60000}
    found, pairings = discover(Profile(words), contexts, 10_000, None, frequencies)
    assert [(spun, original) for spun, original, _mass, _gain in pairings] == [("sensed", "could"), ("sense", "will")]
    assert found.known("sense") == (("will",),)
    monkeypatch.setattr(discovery, "ROUNDS", 1)  # one pass: "sense" stays unread
    _found, once = discover(Profile(words), contexts, 10_000, None, frequencies)
    assert [(spun, original) for spun, original, _mass, _gain in once] == [("sensed", "could")]


def test_discovery_pairs_an_over_used_phrase_with_the_missing_word(tiny_restorer, lm):
    """A spinner that writes "will" as a phrase the channel reads as something else ("due to
    the fact that", which it reads as "because"): the phrase is over-used, and its reading
    implies far more "because" than English has, so "will" is looked for in its contexts."""
    pages = [page.replace("quixotic", "due to the fact that") for page in PAGES]
    found = Observations()
    for page in pages:
        document = tokenize(page)
        found.words += sum(1 for t in document.tokens if t.text.isalpha())
        count(document, found.counts, tiny_restorer.lexicon, phrase_heads(tiny_restorer.lexicon), found.contexts)
    phrase = "due to the fact that"
    assert found.counts[phrase] == 30 and len(found.contexts[phrase]) == 12
    assert found.contexts[phrase][0] == (("families",), ("be", "told", "."))  # around the whole phrase
    words = {text: Word(float(n), float(n)) for text, n in found.counts.items()}
    words[phrase] = Word(30.0, 0.0, {("because",): 30.0})  # what the channel made of it
    frequencies = {**FREQUENCIES, "because": 20}
    profile, pairings = discover(Profile(words), found.contexts, found.words, lm, frequencies)
    assert [(spun, original) for spun, original, _mass, _gain in pairings] == [(phrase, "will")]
    assert profile.known(phrase)[0] == ("will",)
    # where English uses "because" that often, the reading is plausible: nothing to look for
    _found, none = discover(Profile(words), found.contexts, found.words, lm, {**frequencies, "because": 8000})
    assert none == []


class WordLM:
    """An LM that scores each word alone (log10), whatever came before."""

    def __init__(self, scores):
        self.scores = scores

    def null_state(self):
        return ()

    def score(self, state, word):
        return self.scores.get(word, -9.0), state


def test_discovery_does_not_count_other_forms_of_the_lemma_as_rivals():
    """A spinner that does not re-inflect writes "undrape" for reveal and revealed alike: the
    LM cannot tell the two forms apart by a margin, and need not (only "showed" is a rival);
    both become readings of it."""
    from unspin.profiles.discovery import best_in_context

    lm = WordLM({"revealed": -3.0, "reveal": -3.2, "disclosed": -6.0, "the": -1.0})
    contexts = [(("the",), ("the",))] * 4
    assert best_in_context("undrape", ["disclosed", "reveal", "revealed"], contexts, lm) == (
        "revealed", pytest.approx(6.0))
    rivals = WordLM({"revealed": -3.0, "showed": -3.2, "disclosed": -6.0})  # another lemma within MARGIN
    assert best_in_context("undrape", ["disclosed", "showed", "revealed"], contexts, rivals) is None
    words = {"undrape": Word(60.0, 60.0), "the": Word(3000.0, 3000.0)}
    frequencies = {"undrape": 1, "revealed": 1000, "reveal": 2000, "disclosed": 10, "the": 600_000}
    found, pairings = discover(Profile(words), {"undrape": contexts}, 20_000, lm, frequencies)
    # the best form is paired; the other form the pages miss takes what is left (other_forms)
    assert [(spun, original) for spun, original, _mass, _gain in pairings] == [("undrape", "revealed"),
                                                                              ("undrape", "reveal")]
    assert set(found.known("undrape")) == {("revealed",), ("reveal",)}


def test_discovery_reads_an_over_used_phrase_word_by_word_too():
    """"the like" is over-used because the spinner writes "like" for "same": read word by word
    ("the same") it fits its contexts about as well as the missing "your", so no pairing."""
    lm = WordLM({"the": -1.0, "your": -2.0, "same": -1.5})
    contexts = {"the like": [((), ())] * 4}
    frequencies = {"your": 30, "the": 60_000, "like": 100, "same": 2000}
    words = {"the like": Word(30.0, 30.0), "the": Word(3000.0, 3000.0), "like": Word(100.0, 40.0, {("same",): 60.0})}
    _found, pairings = discover(Profile(words), contexts, 60_000, lm, frequencies)
    assert pairings == []
    words["like"] = Word(100.0, 100.0)  # the pages never read "like" as another word
    _found, pairings = discover(Profile(words), contexts, 60_000, lm, frequencies)
    assert [(spun, original) for spun, original, _mass, _gain in pairings] == [("the like", "your")]


def test_profile_show_lists_the_readings_no_channel_holds(tiny_restorer, tmp_path):
    from unspin.profiles import write
    from unspin.profiles.commands import beyond_channel, describe

    profile = Profile({"quixotic": Word(40.0, 0.0, {("will",): 40.0}),
                       "successful": Word(40.0, 0.0, {("in",): 40.0}),
                       "Quixotic": Word(5.0, 0.0, {("Will",): 5.0})}, {"name": "site-q"})
    assert [entry[:2] for entry in beyond_channel(profile, tiny_restorer.table)] == [
        ("quixotic", ("will",)), ("Quixotic", ("Will",))]  # "successful" for "in" is WordNet's
    lines = describe(profile, 10, tiny_restorer.table)
    at = lines.index("2 readings no channel holds (learned from the pages)")
    assert lines[at + 2].split() == ["quixotic", "will", "40.0", "1.00", "1.00"]
    path = tmp_path / "site-q.tsv"
    write(profile, path)
    from click.testing import CliRunner

    from unspin.cli import main
    shown = CliRunner().invoke(main, ["profile", "show", str(path), "--learned", "--model", str(TINY)])
    assert shown.exit_code == 0 and "2 readings no channel holds" in shown.output
    assert "no channel holds" not in CliRunner().invoke(main, ["profile", "show", str(path)]).output


def test_discovery_scores_each_word_in_the_contexts_once():
    """Later rounds ask again with fewer words tried: the memo keeps every word's fit."""
    from unspin.profiles.discovery import best_in_context

    calls = Counter()

    class Counting(WordLM):
        def score(self, state, word):
            calls[word] += 1
            return super().score(state, word)

    lm = Counting({"revealed": -3.0, "showed": -5.5, "disclosed": -6.0, "the": -1.0})
    contexts = [(("the",), ("the",))] * 4
    memo: dict = {}
    first = best_in_context("undrape", ["disclosed", "showed", "revealed"], contexts, lm, memo=memo)
    scored = sum(calls.values())
    assert best_in_context("undrape", ["showed", "revealed"], contexts, lm, memo=memo) == first
    assert sum(calls.values()) == scored  # nothing scored again
    assert first == best_in_context("undrape", ["disclosed", "showed", "revealed"], contexts, lm)


def test_discovery_pairs_the_other_missing_forms_of_a_paired_original():
    """A spinner that does not re-inflect writes "abjurer" for hope, hoped and hopes: once
    "abjurer" is paired with "hope", the other forms the pages miss share what is left of its
    excess (by their shortfalls), so the decoder can pick the form the sentence wants; words of
    another lemma, forms another pairing took and crumbs under one occurrence are left alone."""
    from unspin.profiles.discovery import other_forms

    shortfall = {"hoped": 30.0, "hopes": 15.0, "hopeful": 40.0, "wish": 50.0, "hoping": 0.5}
    pairings = [("abjurer", "hope", 20.0, 6.0)]
    found = other_forms(pairings, {"abjurer": 60.0}, shortfall)
    assert found == [("abjurer", "hoped", 30.0, 6.0), ("abjurer", "hopes", 10.0, 6.0)]
    assert shortfall == {"hoped": 0.0, "hopes": 5.0, "hopeful": 40.0, "wish": 50.0, "hoping": 0.5}
    taken = [("abjurer", "hope", 20.0, 6.0), ("wont", "hoped", 10.0, 4.0)]
    assert [form for _t, form, _m, _g in other_forms(taken, {"abjurer": 60.0, "wont": 10.0},
                                                     {"hoped": 30.0, "hopes": 15.0})] == ["hopes"]
    assert other_forms(pairings, {"abjurer": 20.5}, {"hoped": 30.0}) == []  # nothing left to share


def test_discovery_profile_reads_every_missing_form(monkeypatch):
    """The discovered profile holds the other forms as readings of the over-used word, a form
    too rare to be a missing word of its own ("hoping": 4.8 expected) too."""
    from unspin.profiles import discovery

    monkeypatch.setattr(discovery, "best_in_context",
                        lambda text, tried, *rest, **kw: ("hope", 3.0) if "hope" in tried else None)
    words = {"abjurer": Word(600.0, 600.0), "the": Word(3000.0, 3000.0)}
    contexts = {word: [(("the",), ("the",))] for word in words}
    frequencies = {"abjurer": 1, "hope": 1000, "hoped": 800, "hopes": 500, "hoping": 30, "hopeful": 700,
                   "the": 60000}
    found, pairings = discover(Profile(words), contexts, 10_000, None, frequencies)
    assert [(spun, original) for spun, original, _m, _g in pairings][:1] == [("abjurer", "hope")]
    assert set(found.known("abjurer")) == {("hope",), ("hoped",), ("hopes",), ("hoping",)}
