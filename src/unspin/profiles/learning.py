"""Learning a profile from a spinner's pages: observe once, then EM until it settles.

**Observe** (``observe``; in worker processes for many pages): every page is decoded as
``unspin restore`` decodes it (``passes.decode``, with the profile being updated, if any),
and every site it reads (``passes.changed_sites``: each span the best path changes, and
every other occurrence of such a word, or of a word the profile reads as spun) is kept with
the posterior of each of its readings and the channel log-probability the decode gave each
reading.  Lowercase sites count, and capitalised ones apart (``casing``: "Later" is its own
word, its originals capitalised), at most MAX_SITES per observed word (the rest are counted,
and take that word's estimate).  Word and phrase occurrences are counted too: an occurrence
that was never read stands as it is.

**Estimate** (``estimate``): EM over the kept sites.  The E-step re-weights each site's
posteriors by the learned channel against the channel the decode used,
gamma(o) ~ posterior(o) * phi(observed | o) / channel(observed | o), which is what a decode
with that channel would give if the rest of the path stayed as it is (a spinner writes one
original one way, so phi sharpens where the pages agree); the M-step sums gamma into the
profile: mass(observed -> o), kept(observed), and phi(observed | o) = mass / the original's
expected occurrences (``Profile``).  It stops when the dictionary changes by less than
``tolerance`` (the relative change of its masses) or after ``iterations``.  ``--update``
decodes only the new pages, with the old profile, and adds the old sums to the M-step.
"""

from __future__ import annotations

import math
import weakref
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable

import numpy as np

from unspin import __version__
from unspin.candidates import ChannelParams
from unspin.casing import cased, eligible, key, learnable, titled
from unspin.passes import changed_sites, decode, looks_english
from unspin.profiles.discovery import CONTEXT_WORDS, CONTEXTS, discover
from unspin.profiles.profile import SMOOTHING, Profile, Word, habit_header, habit_histograms
from unspin.tokenize import is_word

MAX_SITES = 256  # sites kept per observed word for EM; beyond, they are counted
MIN_POSTERIOR = 1e-4  # readings a site gives less are not kept
ITERATIONS = 30
TOLERANCE = 1e-3


@dataclass(frozen=True, slots=True)
class Reading:
    """One reading of a site: its words, posterior, and the log10 channel probabilities
    of the generic channel and of the channel the decode used (a profile's, or the same)."""

    words: tuple[str, ...]
    posterior: float
    generic: float
    used: float


@dataclass(frozen=True, slots=True)
class Record:
    """A site as EM sees it: the kept words' reading (``keep``; None for a phrase, whose
    kept words the profile does not weigh) and the spun readings."""

    keep: Reading | None
    keep_posterior: float
    readings: tuple[Reading, ...]


@dataclass
class Observations:
    """What the pages said, before EM: sites per observed word, and counts."""

    sites: dict[str, list[Record]] = field(default_factory=dict)
    read: Counter = field(default_factory=Counter)  # observed -> sites read (kept or not)
    counts: Counter = field(default_factory=Counter)  # word or phrase -> lowercase occurrences
    # word or phrase -> up to discovery.CONTEXTS of its contexts: (words before, words after)
    contexts: dict[str, list] = field(default_factory=dict)
    pages: int = 0
    words: int = 0
    # the pages' first-pass evidence of the spinner's habits (candidates.FirstPass.tally: ratio -> pages)
    per_occurrence: Counter = field(default_factory=Counter)
    capitalised: Counter = field(default_factory=Counter)

    def add(self, observed: str, record: Record) -> None:
        self.read[observed] += 1
        held = self.sites.setdefault(observed, [])
        if len(held) < MAX_SITES:
            held.append(record)

    def merge(self, other: "Observations") -> "Observations":
        """Add another part of the pages (observed elsewhere, e.g. by a worker)."""
        for observed, records in other.sites.items():
            held = self.sites.setdefault(observed, [])
            held.extend(records[: max(0, MAX_SITES - len(held))])
        self.read.update(other.read)
        self.counts.update(other.counts)
        for word, found in other.contexts.items():
            held = self.contexts.setdefault(word, [])
            held.extend(found[: max(0, CONTEXTS - len(held))])
        self.pages += other.pages
        self.words += other.words
        self.per_occurrence.update(other.per_occurrence)
        self.capitalised.update(other.capitalised)
        return self


# ---------------------------------------------------------------- observing

def observe(documents: Iterable, lm, table, settings, profile: Profile | None = None) -> Observations:
    """Decode every document (with ``profile``'s channel, if given) and keep what EM needs."""
    found = Observations()
    lexicon = table.lexicon
    heads = phrase_heads(lexicon)
    for document in documents:
        found.pages += 1
        found.words += sum(1 for t in document.tokens if is_word(t.text))
        if not looks_english(document):
            continue
        count(document, found.counts, lexicon, heads, found.contexts)
        facts, decoded = decode(document, lm, table, settings, None, profile)
        if facts.first_pass is not None:
            facts.first_pass.tally(found.per_occurrence, found.capitalised)
        also = profile.also(document) if profile is not None else ()
        params = ChannelParams(facts.rate, settings.max_candidates, {})
        for site in changed_sites(decoded, lm, also):
            first = site.tokens[site.arc.begin]
            if learnable(first):
                capitalised = cased(first)
                found.add(key(site.observed, capitalised), record(site, params, profile, lexicon, capitalised))
    return found


def record(site, params: ChannelParams, profile: Profile | None, lexicon, capitalised: bool = False) -> Record:
    """The site as EM reads it; a ``capitalised`` one under its capitalised key, with its
    originals capitalised (``casing``) and the generic channel of capitalised words."""
    observed = site.observed
    held = key(observed, capitalised)
    log10_spin = params.log10_spin(capitalised)
    readings = []
    keep = None
    keep_posterior = 0.0
    for arc, posterior in site.ranked:
        candidate = arc.candidate
        if candidate.relation == "keep":
            keep_posterior = posterior
            if arc.end - arc.begin == 1:
                generic = params.log10_keep(capitalised) if lexicon.spinnable(observed) else 0.0
                used = profile.log10_keep(held, generic) if profile is not None and generic else generic
                keep = Reading(candidate.words, posterior, generic, used)
        elif posterior >= MIN_POSTERIOR:
            generic = log10_spin + candidate.log10_share
            words = titled(candidate.words) if capitalised else candidate.words
            used = profile.log10_spun(held, words, generic) if profile is not None else generic
            readings.append(Reading(words, posterior, generic, used))
    return Record(keep, keep_posterior, tuple(readings))


_HEADS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def phrase_heads(lexicon) -> frozenset[str]:
    """Every proper prefix of the lexicon's multi-word replacements and originals: phrases
    are counted while a run of words is such a prefix."""
    found = _HEADS.get(lexicon)
    if found is None:
        heads = set()
        for phrase in list(lexicon.replacements()) + [o for o in lexicon.originals() if " " in o]:
            words = phrase.split(" ")
            for end in range(1, len(words)):
                heads.add(" ".join(words[:end]))
        found = _HEADS[lexicon] = frozenset(heads)
    return found


def count(document, counts: Counter, lexicon, heads: frozenset[str], contexts: dict | None = None) -> None:
    """Count the document's words (capitalised ones apart: ``casing``), and its phrases the
    lexicon names (as a replacement or an original); keep the first CONTEXTS contexts of
    each lowercase word and phrase in ``contexts``."""
    tokens = document.tokens
    longest = lexicon.max_replacement_words
    for i, token in enumerate(tokens):
        if not learnable(token):
            continue
        capitalised = cased(token)
        counts[key(token.norm, capitalised)] += 1
        keeps_contexts = contexts is not None and eligible(token)
        if keeps_contexts:
            keep_context(contexts, token.norm, tokens, i, i + 1)
        phrase = token.norm
        for j, following in enumerate(tokens[i + 1 : i + longest], start=i + 1):
            if phrase not in heads or not is_word(following.text):
                break
            phrase += " " + following.norm
            if lexicon.is_replacement(phrase) or lexicon.spinnable(phrase):
                counts[key(phrase, capitalised)] += 1
                if keeps_contexts:
                    keep_context(contexts, phrase, tokens, i, j + 1)


def keep_context(contexts: dict, text: str, tokens, begin: int, end: int) -> None:
    """Keep the CONTEXT_WORDS words on each side of tokens[begin:end] as one of ``text``'s
    contexts, up to CONTEXTS of them."""
    held = contexts.setdefault(text, [])
    if len(held) < CONTEXTS:
        held.append((tuple(t.norm for t in tokens[max(0, begin - CONTEXT_WORDS) : begin]),
                     tuple(t.norm for t in tokens[end : end + CONTEXT_WORDS])))


# ---------------------------------------------------------------- estimating

def estimate(observations: Observations, prior: Profile | None = None, iterations: int = ITERATIONS,
             tolerance: float = TOLERANCE, report: Callable[[int, float], None] | None = None
             ) -> tuple[Profile, list[float]]:
    """EM over the observed sites (see the module); ``prior``: the profile the sites were
    decoded with, whose sums are added (``--update``).  Returns the profile (its header
    still empty) and the change of each iteration.

    The iterations run on flat arrays (``SiteArrays``: the same E-step as ``expectation``
    and the same sums as ``maximise``, for every site at once); the profile is built from
    the last gammas by ``maximise``."""
    arrays = SiteArrays.of(observations, prior)
    gamma, keep = arrays.posterior.copy(), arrays.keep_posterior.copy()
    current = arrays.sums(gamma, keep)
    changes = []
    for iteration in range(1, iterations + 1):
        gamma, keep = arrays.expectation(current, gamma, keep)
        following = arrays.sums(gamma, keep)
        change = arrays.difference(current, following)
        changes.append(round(change, 6))
        current = following
        if report is not None:
            report(iteration, change)
        if change < tolerance:
            break
    return maximise(observations, arrays.gammas(gamma, keep), prior), changes


@dataclass
class Sums:
    """What the M-step sums for the observed sites: each (observed, original) pair's mass as
    the profile holds it (the prior's plus the sites', dropped under 1e-3 as ``maximise``
    drops it), each original's total and each observed word's kept occurrences."""

    mass: np.ndarray  # per pair
    present: np.ndarray  # per pair: the profile holds it
    total: np.ndarray  # per key (an original, space-joined, or an observed word)
    kept: np.ndarray  # per observed word


@dataclass
class SiteArrays:
    """The observed sites as flat arrays: one row per spun reading (its site, its
    (observed, original) pair and its original's key), one per site (its observed word and
    kept reading), and what the prior and the never-read occurrences add (constants)."""

    reading_site: np.ndarray
    reading_pair: np.ndarray
    posterior: np.ndarray
    generic: np.ndarray
    used: np.ndarray
    pair_observed: np.ndarray  # the observed word of each pair
    pair_key: np.ndarray  # the original of each pair
    pair_prior: np.ndarray  # the prior's mass of each pair
    pair_prior_held: np.ndarray  # the prior holds the pair
    site_observed: np.ndarray
    keep_posterior: np.ndarray
    has_keep: np.ndarray
    keep_generic: np.ndarray
    keep_used: np.ndarray
    observed_key: np.ndarray  # each observed word as an original
    scale: np.ndarray  # per observed word: sites read / sites kept
    base_kept: np.ndarray  # per observed word: kept occurrences that no site decides
    base_total: np.ndarray  # per key: total that no site decides
    other_mass: float  # the prior's masses of pairs no site reads (a part of every profile's sum)
    order: list[tuple[str, int]]  # (observed, sites) in the order of observations.sites

    @classmethod
    def of(cls, observations: Observations, prior: Profile | None) -> "SiteArrays":
        keys: dict[str, int] = {}
        pairs: dict[tuple[str, tuple[str, ...]], int] = {}
        pair_observed, pair_key = [], []
        reading_site, reading_pair, posterior, generic, used = [], [], [], [], []
        site_observed, keep_posterior, has_keep, keep_generic, keep_used = [], [], [], [], []
        observed_key, scale, order = [], [], []
        for number, (observed, records) in enumerate(observations.sites.items()):
            order.append((observed, len(records)))
            observed_key.append(keys.setdefault(observed, len(keys)))
            scale.append(observations.read[observed] / len(records))
            for site in records:
                index = len(site_observed)
                site_observed.append(number)
                keep_posterior.append(site.keep_posterior)
                has_keep.append(site.keep is not None)
                keep_generic.append(site.keep.generic if site.keep is not None else 0.0)
                keep_used.append(site.keep.used if site.keep is not None else 0.0)
                for reading in site.readings:
                    pair = pairs.get((observed, reading.words))
                    if pair is None:
                        pair = pairs[(observed, reading.words)] = len(pairs)
                        pair_observed.append(number)
                        pair_key.append(keys.setdefault(" ".join(reading.words), len(keys)))
                    reading_site.append(index)
                    reading_pair.append(pair)
                    posterior.append(reading.posterior)
                    generic.append(reading.generic)
                    used.append(reading.used)
        # the constants: the prior's sums, and the occurrences that were never read
        words = {text: (word.kept, word.originals) for text, word in prior.words.items()} if prior is not None else {}
        base_kept: Counter = Counter({text: kept for text, (kept, _o) in words.items()})
        for text, total in observations.counts.items():
            base_kept[text] += total - observations.read.get(text, 0)
        base_total: Counter = Counter(base_kept)
        pair_prior = [0.0] * len(pairs)
        pair_prior_held = [False] * len(pairs)
        other_mass = 0.0
        for text, (_kept, originals) in words.items():
            for original, mass in originals.items():
                base_total[" ".join(original)] += mass
                pair = pairs.get((text, original))
                if pair is None:
                    other_mass += mass
                else:
                    pair_prior[pair], pair_prior_held[pair] = mass, True
        names = sorted(keys, key=keys.get)
        observed_names = [observed for observed, _n in order]

        def floats(values) -> np.ndarray:
            return np.asarray(values, dtype=np.float64)

        def ints(values) -> np.ndarray:
            return np.asarray(values, dtype=np.int64)

        return cls(ints(reading_site), ints(reading_pair), floats(posterior), floats(generic), floats(used),
                   ints(pair_observed), ints(pair_key), floats(pair_prior), np.asarray(pair_prior_held, dtype=bool),
                   ints(site_observed), floats(keep_posterior), np.asarray(has_keep, dtype=bool),
                   floats(keep_generic), floats(keep_used), ints(observed_key), floats(scale),
                   floats([base_kept.get(o, 0.0) for o in observed_names]),
                   floats([base_total.get(name, 0.0) for name in names]), other_mass, order)

    def sums(self, gamma: np.ndarray, keep: np.ndarray) -> Sums:
        """The M-step over the sites' gammas (``maximise``'s sums, for the pairs and words
        the sites read)."""
        pairs, observed, keys = len(self.pair_key), len(self.scale), len(self.base_total)
        found = np.bincount(self.reading_pair, weights=gamma, minlength=pairs) * self.scale[self.pair_observed]
        found = np.where(found >= 1e-3, found, 0.0)
        kept = np.bincount(self.site_observed, weights=keep, minlength=observed) * self.scale
        total = (self.base_total + np.bincount(self.pair_key, weights=found, minlength=keys)
                 + np.bincount(self.observed_key, weights=kept, minlength=keys))
        return Sums(self.pair_prior + found, self.pair_prior_held | (found > 0), total, self.base_kept + kept)

    def expectation(self, sums: Sums, gamma: np.ndarray, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The E-step of every site at once (``expectation``: each occurrence read against
        the others' sums, its own last gammas left out)."""
        smoothed = SMOOTHING * 10.0**self.generic
        total = sums.total[self.pair_key[self.reading_pair]] - gamma
        mass = np.maximum(0.0, sums.mass[self.reading_pair] - gamma)
        with np.errstate(divide="ignore", invalid="ignore"):
            learned = np.where(total > 1e-9, np.log10((mass + smoothed) / (total + SMOOTHING)), self.generic)
        weights = self.posterior * 10.0 ** (learned - self.used)
        keep_total = sums.total[self.observed_key[self.site_observed]] - keep
        keep_mass = np.maximum(0.0, sums.kept[self.site_observed] - keep)
        keep_smoothed = SMOOTHING * 10.0**self.keep_generic
        with np.errstate(divide="ignore", invalid="ignore"):
            keep_learned = np.where(keep_total > 1e-9, np.log10((keep_mass + keep_smoothed) / (keep_total + SMOOTHING)),
                                    self.keep_generic)
        keep_weights = np.where(self.has_keep, self.keep_posterior * 10.0 ** (keep_learned - self.keep_used),
                                self.keep_posterior)
        site_total = np.bincount(self.reading_site, weights=weights, minlength=len(keep)) + keep_weights
        good = (site_total > 0) & np.isfinite(site_total)
        divisor = np.where(good, site_total, 1.0)
        new_gamma = np.where(good[self.reading_site], weights / divisor[self.reading_site], gamma)
        return new_gamma, np.where(good, keep_weights / divisor, keep)

    def difference(self, before: Sums, after: Sums) -> float:
        """Relative change of the dictionary's masses (``difference``)."""
        held = after.present
        change = float(np.abs(after.mass - before.mass)[held].sum())
        return change / max(float(after.mass[held].sum()) + self.other_mass, 1e-9)

    def gammas(self, gamma: np.ndarray, keep: np.ndarray) -> dict:
        """The flat gammas as ``maximise`` reads them: observed -> [(readings' gammas, keep)]."""
        found, site, reading = {}, 0, 0
        sizes = np.bincount(self.reading_site, minlength=len(keep))
        for observed, count in self.order:
            rows = []
            for _ in range(count):
                size = int(sizes[site])
                rows.append((tuple(float(g) for g in gamma[reading : reading + size]), float(keep[site])))
                site += 1
                reading += size
            found[observed] = rows
        return found


def settle(observations: Observations, prior: Profile | None, lm, frequencies, iterations: int = ITERATIONS,
           tolerance: float = TOLERANCE, report: Callable[[int, float], None] | None = None, workers: int = 1,
           helpers=None) -> tuple[Profile, list[float]]:
    """EM (``estimate``), then the readings no channel holds (``discovery.discover``, over
    the words of these pages and of ``prior``'s, its LM scoring shared by ``workers``
    processes: ``helpers``, the workers that observed the pages, where given)."""
    profile, changes = estimate(observations, prior, iterations, tolerance, report)
    words = observations.words + (int(prior.header.get("words", 0)) if prior is not None else 0)
    profile, _pairings = discover(profile, observations.contexts, words, lm, frequencies, workers, helpers)
    return profile, changes


def maximise(observations: Observations, gammas: dict, prior: Profile | None) -> Profile:
    """The M-step: the profile whose sums are the sites' gammas (and ``prior``'s)."""
    words: dict[str, Word] = {}
    if prior is not None:
        for text, word in prior.words.items():
            words[text] = Word(word.count, word.kept, dict(word.originals))
    for text, total in observations.counts.items():
        word = words.setdefault(text, Word())
        word.count += total
        word.kept += total - observations.read.get(text, 0)  # never read: stands as it is
    for observed, records in observations.sites.items():
        scale = observations.read[observed] / len(records)
        masses: Counter = Counter()
        kept = 0.0
        for site, (weights, keep) in zip(records, gammas[observed]):
            for reading, weight in zip(site.readings, weights):
                masses[reading.words] += weight
            kept += keep
        word = words.setdefault(observed, Word())
        if observed not in observations.counts:  # a phrase read but not counted as one
            word.count += observations.read[observed]
        word.kept += kept * scale
        for original, mass in masses.items():
            if mass * scale >= 1e-3:
                word.originals[original] = word.originals.get(original, 0.0) + mass * scale
    return Profile(words)


def expectation(observed: str, site: Record, profile: Profile, own: tuple) -> tuple[tuple[float, ...], float]:
    """gamma of each spun reading of the site, and of its kept words, under ``profile``'s
    channel read without the site's own share of it (``own``: its gammas of the last
    iteration), so that an occurrence never argues for itself.  The reference form of
    ``SiteArrays.expectation``, which ``estimate`` runs (the tests compare the two)."""
    weights = [r.posterior * 10 ** (profile.log10_spun(observed, r.words, r.generic, mine) - r.used)
               for r, mine in zip(site.readings, own[0])]
    keep = site.keep_posterior
    if site.keep is not None:
        keep *= 10 ** (profile.log10_keep(observed, site.keep.generic, own[1]) - site.keep.used)
    total = sum(weights) + keep
    if total <= 0 or not math.isfinite(total):
        return own
    return tuple(w / total for w in weights), keep / total


def difference(before: Profile, after: Profile) -> float:
    """Relative change of the dictionary's masses between two iterations (the reference form
    of ``SiteArrays.difference``; the tests compare the two)."""
    change = total = 0.0
    for text, word in after.words.items():
        old = before.words.get(text)
        for original, mass in word.originals.items():
            change += abs(mass - (old.originals.get(original, 0.0) if old is not None else 0.0))
            total += mass
    return change / max(total, 1e-9)


# ---------------------------------------------------------------- the whole run

def header(restorer, observations: Observations | None, changes: list[float], seconds: float,
           prior: Profile | None, name: str) -> dict:
    """What the profile was learned with and from (fileformat.HEADER_FIELDS)."""
    before = dict(prior.header) if prior is not None else {}
    observations = observations or Observations()
    per_occurrence, capitalised = habit_histograms(before)
    run = {"pages": observations.pages, "words": observations.words, "iterations": len(changes),
           "changes": changes, "seconds": round(seconds, 1), "unspin": __version__}
    return {"name": before.get("name", name), "unspin": __version__, "model": model_of(restorer),
            "settings": settings_of(restorer),
            "pages": before.get("pages", 0) + observations.pages,
            "words": before.get("words", 0) + observations.words,
            "learned": list(before.get("learned", [])) + [run],
            **habit_header(per_occurrence + observations.per_occurrence, capitalised + observations.capitalised)}


def model_of(restorer) -> dict:
    """The lexicon and LM a restorer decodes with, as a profile records them."""
    signature = restorer.describe()
    return {"lexicon": str(signature.lexicon), "lm": str(signature.lm), "lm_order": signature.lm_order}


def settings_of(restorer) -> dict:
    settings = restorer.settings
    return {"beam_size": settings.beam_size, "max_candidates": settings.max_candidates,
            "spin_rate": settings.spin_rate, "smoothing": SMOOTHING, "max_sites": MAX_SITES}
