"""Readings no channel holds: what a spinner's pages say its strange words stand for.

The channel (WordNet read backwards, with its re-inflections and chains) proposes every
reading the decoder weighs, so learning can only sharpen readings it already has.  A spinner
that walks its own dictionary writes words the channel never links to their originals
("sense" for "will", "testamented" for "would").  Over many pages such a word stands out: it
occurs far more often than in unspun English while the profile reads it as itself, and the
word it stands for goes missing from the pages.  ``discover`` pairs them:

* **over-used**: a lowercase word, or a phrase the channel names, that the pages use at least
  MIN_COUNT times, OVERUSE times more often than unspun English does (a word: the corpus
  behind the LM, ``unigrams.tsv``; a phrase: the LM's probability of it), for which the
  profile has no plausible reading that holds TOP_SHARE of its occurrences (EM may have spread
  them thin over the channel's readings: "sensed" over felt, perceived, emotions...; or put
  them on a reading that would make the pages use its original IMPLAUSIBLE times more often
  than English does: "angiotensin converting enzyme" read as "star" 205 times in 1,000
  pages, where the corpus expects 31);
* **missing**: a word the corpus says the pages should hold at least MIN_EXPECTED times, of
  which the profile accounts for at most MISSING_SHARE (as kept or as an original);
* **paired in context**: each missing word whose shortfall could account for the over-used
  word's excess is put in the over-used word's own contexts (up to CONTEXTS of them, kept by
  ``observe``) and scored by the LM against the word as it stands; the best one is taken when
  it is better by MIN_GAIN (log10) on average and better in at least AGREE of the contexts,
  and by MARGIN than every other missing word tried but the other forms of its lemma (a
  spinner that does not re-inflect writes one word for reveal and revealed); a missing word
  is paired once (one original, one way), and the words left unpaired are tried again
  without the paired ones.

* **other forms**: after the rounds, the other forms of each paired original that the pages
  miss too take what is left of the word's excess (``other_forms``): a spinner that does not
  re-inflect writes one word for hope, hoped and hopes, and the decoder picks the form each
  sentence wants.

A pairing joins the profile as an original of the over-used word with the mass of its excess
(what the profile said of its other occurrences is scaled down to make room), so the lattice proposes it (relation ``learned``,
``candidates.with_known``) and the learned channel weighs it as the pages say.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping

from unspin.candidates import lemmas
from unspin.profiles.profile import Profile, Word

MIN_COUNT = 20  # occurrences in the pages before a word can be over-used
OVERUSE = 2.0  # times its corpus rate (a phrase's: its LM probability)
TOP_SHARE = 0.5  # ... and no original holds this share of its occurrences in the profile,
IMPLAUSIBLE = 4.0  # ... but one that implies this many times its corpus rate
STRANGE = 8.0  # times its corpus rate: a word no unspun page uses so often (see in_a_phrase)
MIN_EXPECTED = 10.0  # occurrences the corpus rate expects of a missing word
MISSING_SHARE = 0.4  # the profile accounts for at most this share of them
SHORTFALL = (0.2, 5.0)  # a missing word's shortfall over an over-used word's excess, within
CONTEXTS = 12  # contexts kept per word (observe)
CONTEXT_WORDS = 3  # words kept on each side
MIN_GAIN = 2.0  # log10: the mean gain of the missing word in the over-used word's contexts
AGREE = 0.75  # share of the contexts where it must be better
MARGIN = 1.0  # log10: its mean gain over the next best missing word's
PHRASE_SHARE = 0.6  # a word beside the same STRANGE word in this share of its contexts is in a phrase
MAX_MISSING = 400  # missing words tried (largest shortfall first)
HELD = 5  # the profile's own readings of the word a new one must beat
MIN_MASS = 1e-3  # a reading scaled down under this many occurrences is dropped
# A spinner writes each original one way, so a missing word paired with one over-used word is
# no rival for the next: the words left unpaired are tried again without the paired ones (up to
# ROUNDS passes, until a pass pairs nothing).  "sense" (for "will") lost its margin to "would"
# until "sensed" took "would" (wordnet-walk, bench/NOTES.md); forms of one lemma are no longer
# rivals at all (``best_in_context``), but other words are.
ROUNDS = 3
FORM_EXPECTED = 2.0  # occurrences the corpus rate expects of a paired original's other form


def discover(profile: Profile, contexts: Mapping[str, list], words: int, lm, frequencies: Mapping[str, int],
             workers: int = 1, helpers=None) -> tuple[Profile, list[tuple[str, str, float, float]]]:
    """The profile with a reading added for each over-used word paired with a missing one,
    and the pairings (over-used, missing, mass, mean gain).  ``contexts``: word -> [(left
    words, right words)] from the pages; ``words``: how many words the pages have;
    ``frequencies``: the corpus counts (no pairing without them); ``workers``: processes
    that score the words' fits in context before the rounds, this one and workers - 1
    ``helpers`` (``scored_fits``; the same pairings as one)."""
    total = sum(frequencies.values())
    if not frequencies or total <= 0 or words <= 0:
        return profile, []
    rate = words / total
    totals = profile.totals
    overused = []
    strange = set()  # words no unspun page uses this often: a spinner's phrase is made of them
    for text, word in profile.words.items():
        parts = text.split(" ")
        if not all(part.isalpha() for part in parts) or word.count < MIN_COUNT or text not in contexts:
            continue
        expected = expected_of(tuple(parts), frequencies, rate, lm, words)
        if word.count < OVERUSE * (expected + 1):
            continue
        if word.count >= STRANGE * (expected + 1):
            strange.add(text)
        plausible = [mass for original, mass in word.originals.items()
                     if mass < IMPLAUSIBLE * (expected_of(original, frequencies, rate, lm, words) + 1)]
        if max(plausible, default=0.0) < TOP_SHARE * word.count:
            overused.append((word.count - expected, text))
    if not overused:
        return profile, []
    scarce = missing_words(frequencies, rate, totals)
    missing = sorted(((short, text) for short, text, expected in scarce if expected >= MIN_EXPECTED), reverse=True)
    thin = {text: short for short, text, expected in scarce if expected < MIN_EXPECTED}  # only as other forms
    shortfall = dict((text, short) for short, text in missing[:MAX_MISSING])
    pairings = []
    waiting = [(excess, text) for excess, text in sorted(overused, reverse=True)
               if " " in text or not in_a_phrase(contexts[text], strange)]
    excesses = {text: excess for excess, text in waiting}
    low, high = SHORTFALL

    def rivals(text: str, excess: float, taken: set[str]) -> list[str]:
        return [other for other, short in shortfall.items()
                if low * excess <= short <= high * excess and other != text and other not in taken]

    def readings_of(text: str) -> list[str]:
        return [words[0] for words in profile.known(text)[:HELD] if len(words) == 1] + part_readings(text, profile)

    last: dict[str, list[str]] = {}  # the missing words each unpaired word was tried against
    # each word's fit in its contexts, kept for the next rounds; with helpers, scored first for
    # every word the first round can try (shortfalls only shrink: later rounds try fewer)
    fits: dict[str, dict] = {}
    if workers > 1 and helpers is not None:
        fits = scored_fits([(text, rivals(text, excess, set()) + readings_of(text), contexts[text])
                            for excess, text in waiting], lm, workers, helpers)
    for _round in range(ROUNDS):
        taken = {other for _text, other, _mass, _gain in pairings}
        left = []
        for excess, text in waiting:
            tried = rivals(text, excess, taken)
            if last.get(text) == tried:  # the same rivals as last time: the same verdict
                left.append((excess, text))
                continue
            last[text] = tried
            best = best_in_context(text, tried, contexts[text], lm, readings_of(text), fits.setdefault(text, {}))
            if best is None:
                left.append((excess, text))
                continue
            other, gain = best
            mass = min(excess, shortfall[other])
            shortfall[other] -= mass
            taken.add(other)
            pairings.append((text, other, round(mass, 3), round(gain, 3)))
        if len(left) == len(waiting):
            break
        waiting = left
    pairings += other_forms(pairings, excesses, {**thin, **shortfall})
    if not pairings:
        return profile, []
    words_out = {text: Word(word.count, word.kept, dict(word.originals)) for text, word in profile.words.items()}
    for text, other, mass, _gain in pairings:
        word = words_out[text]
        mass = min(mass, word.count)
        keep = (word.count - mass) / word.count  # what the profile said of the rest stays, scaled
        word.kept *= keep
        word.originals = {original: share * keep for original, share in word.originals.items()
                          if share * keep >= MIN_MASS}
        word.originals[(other,)] = word.originals.get((other,), 0.0) + mass
    return Profile(words_out, profile.header), pairings


def missing_words(frequencies: Mapping[str, int], rate: float, totals: Mapping[str, float]
                  ) -> list[tuple[float, str, float]]:
    """(shortfall, word, expected) of each lowercase word the corpus expects at least
    FORM_EXPECTED times in the pages and of which the profile accounts for at most
    MISSING_SHARE (``totals``: kept as itself, or read as the original of another word).
    From MIN_EXPECTED up they are the missing words; the rarer ones serve only as a paired
    original's other forms (``other_forms``)."""
    found = []
    for text, count in frequencies.items():
        expected = count * rate
        if expected < FORM_EXPECTED or not text.isalpha() or text != text.lower():
            continue
        held = totals.get(text, 0.0)
        if held <= MISSING_SHARE * expected:
            found.append((expected - held, text, expected))
    return found


def other_forms(pairings: list[tuple[str, str, float, float]], excesses: Mapping[str, float],
                shortfall: dict[str, float]) -> list[tuple[str, str, float, float]]:
    """The other forms of each paired original that the pages miss too, paired with the same
    word (what is left of its excess, shared out by their shortfalls; ``shortfall`` is
    reduced): a spinner that does not re-inflect writes one word for every form of a lemma
    ("abjurer" for hope, hoped and hopes), and a profile that reads it as one form restores
    the wrong one wherever the sentence wants another.  Which form fits is the decoder's
    choice in context.  Forms another pairing took stay with it."""
    taken = {other for _text, other, _mass, _gain in pairings}
    found = []
    for text, other, mass, gain in pairings:
        left = excesses.get(text, 0.0) - mass  # each word is paired once in the rounds
        forms = sorted((short, form) for form, short in shortfall.items()
                       if form not in taken and form != text and short > 0 and kin(form, other))
        for short, form in reversed(forms):
            share = min(left, short)
            if share < 1.0:
                break
            shortfall[form] -= share
            taken.add(form)
            left -= share
            found.append((text, form, round(share, 3), gain))
    return found


def best_in_context(text: str, tried: list[str], contexts: list, lm, readings: list[str] = (),
                    memo: dict | None = None) -> tuple[str, float] | None:
    """The word of ``tried`` that fits ``text``'s contexts best, with its mean gain over the
    word as it stands, if it clears MIN_GAIN and AGREE and beats every other word tried, and
    every one of the profile's own ``readings`` of it (words or phrases), by MARGIN (an unknown word loses to any
    word the LM knows: the words must tell apart; and a word whose readings already fit,
    "symbolize" for be / are / been, gets no new one).  Other forms of its lemma are not its
    rivals: a spinner that does not re-inflect writes one word for reveal and revealed
    ("undrape"), and the LM cannot tell which form the contexts want by a margin.
    ``memo``: a dict kept for ``text`` between calls (discovery asks again in later rounds,
    with fewer words tried): each word's fit is scored once (``fit_of``)."""
    if not tried or not contexts:
        return None
    memo = {} if memo is None else memo
    ranked = [(*fit_of(text, other, contexts, lm, memo), other)
              for other in list(tried) + [words for words in readings if words not in tried]]
    ranked.sort(reverse=True)
    mean, agree, best = ranked[0]
    runner_up = next((gain for gain, _share, other in ranked[1:] if not kin(other, best)), -math.inf)
    if best in tried and mean >= MIN_GAIN and agree >= AGREE and mean - runner_up >= MARGIN:
        return best, mean
    return None


def fit_of(text: str, other: str, contexts: list, lm, memo: dict) -> tuple[float, float]:
    """(mean log10 gain of ``other`` over ``text`` in the contexts, share of the contexts it
    gains in), kept in ``memo`` with the contexts' LM states (under "")."""
    if other not in memo:
        if "" not in memo:
            prepared = [(state_after(lm, left), right) for left, right in contexts]
            memo[""] = prepared, [window(lm, state, tuple(text.split(" ")), right) for state, right in prepared]
        prepared, own = memo[""]
        gains = [window(lm, state, tuple(other.split(" ")), right) - mine for (state, right), mine in zip(prepared, own)]
        memo[other] = (sum(gains) / len(gains), sum(g > 0 for g in gains) / len(gains))
    return memo[other]


def fits_of(jobs: list[tuple[str, list[str], list]], lm) -> dict[str, dict]:
    """Each job's (word, words tried, its contexts) fits (``fit_of``), without the LM states
    (they stay in the process that scored them)."""
    found = {}
    for text, others, held in jobs:
        memo: dict = {}
        for other in others:
            fit_of(text, other, held, lm, memo)
        memo.pop("", None)
        found[text] = memo
    return found


def scored_fits(jobs: list[tuple[str, list[str], list]], lm, workers: int, helpers=None) -> dict[str, dict]:
    """``fits_of`` shared among ``workers`` processes: this one and workers - 1 ``helpers``
    (``submit(jobs) -> Future``: workers already running with the same LM, learning's pool:
    ``batch.LocalEngine.kept``, ``batch.spec_pool``), the jobs split by their count of LM
    windows; without helpers, all here.  A helper that fails, or cannot take its part, leaves
    it to this process: the fits are the same."""
    if helpers is None or workers <= 1:
        return fits_of(jobs, lm)
    parts: list[list] = [[] for _ in range(workers)]
    load = [0] * workers
    for job in sorted(jobs, key=lambda job: -(len(job[1]) + 1) * len(job[2])):
        lightest = load.index(min(load))
        parts[lightest].append(job)
        load[lightest] += (len(job[1]) + 1) * len(job[2])
    theirs = [(part, _submitted(helpers, part)) for part in parts[1:] if part]
    found = fits_of(parts[0], lm)
    for part, future in theirs:
        got = _result(future)
        found.update(fits_of(part, lm) if got is None else got)
    return found


def _submitted(helpers, part: list):
    """``helpers(part)``, or None where it could not be sent (a broken pool)."""
    try:
        return helpers(part)
    except Exception:  # noqa: BLE001 - a broken pool: this process scores the part
        return None


def _result(future) -> dict | None:
    """The helper's fits, or None where it failed or was never sent."""
    if future is None:
        return None
    try:
        return future.result()
    except Exception:  # noqa: BLE001 - a failed helper: its part is scored here instead
        return None


def part_readings(text: str, profile: Profile) -> list[str]:
    """A phrase read word by word: each of its words in turn replaced by the profile's
    readings of it, the rest as they stand.  A phrase the pages over-use because one of its
    words is a spinner's ("the like" where "the same" was written) is no replacement of a
    whole phrase, and a missing word must beat these readings too ("your" for "the like")."""
    parts = text.split(" ")
    if len(parts) < 2:
        return []
    return [" ".join(parts[:i] + list(words) + parts[i + 1 :])
            for i, part in enumerate(parts) for words in profile.known(part)[:HELD]]


def kin(word: str, other: str) -> bool:
    """Are the two words forms of one lemma (reveal, revealed)?"""
    return bool(({word} | set(lemmas(word))) & ({other} | set(lemmas(other))))


def in_a_phrase(contexts: list, strange: set[str]) -> bool:
    """Does the word stand in one phrase of ``strange`` words (STRANGE times over-used) most
    of the time (the same one right before or after it in PHRASE_SHARE of its contexts)?
    Such a word is part of a spinner's multi-word replacement ("angiotensin converting enzyme"
    for "one"), which the lattice reads as a whole, and discovery with it."""
    beside = Counter(word for left, right in contexts for word in set(left[-1:] + right[:1]) if word in strange)
    return max(beside.values(), default=0) >= PHRASE_SHARE * len(contexts)


def state_after(lm, left: tuple[str, ...]):
    state = lm.null_state()
    for word in left:
        _, state = lm.score(state, word)
    return state


def window(lm, state, words: tuple[str, ...], right: tuple[str, ...]) -> float:
    """log10 P(the words, then the right-hand words | the left-hand state)."""
    total = 0.0
    for following in words + right:
        log10_prob, state = lm.score(state, following)
        total += log10_prob
    return total


def expected_of(original: tuple[str, ...], frequencies: Mapping[str, int], rate: float, lm, words: int) -> float:
    """How often unspun pages of ``words`` words hold the original (``rate``: words over
    the corpus's)."""
    if len(original) == 1:
        return frequencies.get(original[0].lower(), 0) * rate
    return phrase_expected(lm, [part.lower() for part in original], words)


def phrase_expected(lm, parts: list[str], words: int) -> float:
    """How often ``words`` words of unspun English hold the phrase (its LM probability
    without context): the corpus counts (``unigrams.tsv``) are of single words."""
    return words * 10 ** window(lm, lm.null_state(), tuple(parts), ())
