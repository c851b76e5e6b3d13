"""A spinner profile: one spinner's dictionary, learned from its output.

A spinner keeps one dictionary for everything it rewrites.  A profile holds what was learned
about it from pages it spun (``unspin learn``, ``unspin.profiles.learning``): for every word
or phrase as it stands in those pages, how often it occurs (lowercase), how many of those
occurrences are expected to be the word itself, and which originals the others stand for,
as expected counts (the posterior mass summed over the pages).

From those sums the profile gives

* the learned channel: phi(observed | original), the share of an original's occurrences
  the spinner wrote as ``observed`` (``log10_spun``, ``log10_keep``), smoothed towards the
  generic channel with SMOOTHING pseudo-occurrences, which the lattice uses instead of the
  generic channel's rate x share;
* the share of each reading among the word's occurrences in the pages: what corpus mode
  (``evidence.Agreement``) gathers over one batch, kept (``from_agreement`` makes a profile of
  corpus mode's sums; the Evidence of a reading records its share, ``DocumentView.evidence``);
* a fit: how much better a document's words are explained as this spinner's output than as
  unspun text (``fit``, in bits): the attribution score, and the gate that keeps a profile
  from touching text it does not fit.  The gate also weighs the words the generic channel
  finds spun that the profile has never seen spun (``unexplained_bits``): another spinner
  that shares a few of this one's words fits a little, but leaves many such words.

The file (``unspin.profiles.fileformat``) is versioned text; see ``read`` and ``write``.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from unspin.casing import cased, eligible, key, learnable, untitled
from unspin.evidence import Agreement
from unspin.evidence.agreement import CrawlCheck, one_way
from unspin.tokenize import is_word
from unspin.types import ProfileUse

SMOOTHING = 3.0  # pseudo-occurrences of the generic channel in every original's estimate
FIT_SMOOTHING = 1.0  # added to both counts of a word's fit
# bits: a document whose words, each counted once, fit no better than this is restored without
# the profile (4 while repeats counted; 2 opens paper-mill's one-term paragraphs: bench/NOTES.md)
MIN_FIT = 2.0
MAX_CACHED = 500_000  # (observed, original) pairs whose sums are cached
SETTLED = 30  # occurrences in the pages after which a word never read as spun is read as it stands
PLAIN_SHARE = 0.005  # ... "never": at most this share of its occurrences
ALSO_SHARE = 0.2  # kept occurrences of a word the profile reads as spun this often are read again
# A word the document uses as it stands is evidence that the spinner left that original alone
# (``candidates.LITERAL_LOG10``), unless the pages show the spinner writing the word for another
# original at least this share of the time: then it is most likely the spinner's own word
# (thesaurus-b writes "really" for another word and "truly" for really; bench/NOTES.md).
LITERAL_SPUN_SHARE = 0.5
# The gate's rival: another spinner.  A word the generic channel restores that the profile
# never saw spun (spun mass under EXPLAINED_MASS) is, for this spinner, a word of its
# dictionary the pages missed (the Good-Turing missing mass, ``missing_mass``, at least
# MISSING_FLOOR); for another spinner it is one of the OTHER_UNSEEN share of its words that
# this one does not write.  Chosen on news_dev with every family's profile on every other
# family's text (bench/NOTES.md).
# The generic first pass also restores a few words no spinner touched (FALSE_SUSPECTS per
# lowercase word: 162 of 13,906 in 200 clean news_dev paragraphs): that many are free.
EXPLAINED_MASS = 0.5
MISSING_FLOOR = 0.02
OTHER_UNSEEN = 0.3
FALSE_SUSPECTS = 0.0117
SINGLETON_MASS = 1.5  # a word spun about once in the pages (EM's masses are fractional)


@dataclass
class Word:
    """A word or phrase as it stands in the pages.

    ``count``: its lowercase occurrences; ``kept``: how many of them are expected to be the
    word itself; ``originals``: original words -> expected occurrences standing for them.
    """

    count: float = 0.0
    kept: float = 0.0
    originals: dict[tuple[str, ...], float] = field(default_factory=dict)

    @property
    def spun(self) -> float:
        """Expected occurrences that stand for another original."""
        return sum(self.originals.values())


# A profile learned from this many pages reads a document it fits better on its own than with
# a batch's corpus mode: with both, the batch's agreement (a generic first pass) stands in for
# the profile's, which helps a profile of 10 pages and costs one of 100 or 1,000 (news_dev,
# wordnet and thesaurus-b; bench/NOTES.md).  ``edits.restore_text`` reads such a document with
# the profile alone.
SEASONED_PAGES = 100


class Profile:
    """One spinner's learned dictionary (see the module).  ``header`` says what it was
    learned with and from (``fileformat.HEADER_FIELDS``)."""

    def __init__(self, words: dict[str, Word], header: dict | None = None) -> None:
        self.words = words
        self.header = dict(header or {})
        self._totals: dict[str, float] | None = None
        self._fits: dict[str, float] | None = None
        self._fit_phrases: tuple[frozenset[str], int] | None = None
        self._pairs: dict = {}  # (observed, words) -> (mass, the original's total)
        self._plain: frozenset | None = None
        self._missing: float | None = None
        self._habits: tuple | None = None  # (the header's habit evidence, what it lends)

    @classmethod
    def from_agreement(cls, agreement: Agreement, header: dict | None = None) -> "Profile":
        """The profile of what corpus mode gathered (``passes.gather``): its summed
        posteriors, without EM, its counts of every word (capitalised ones too) and its
        documents' habit evidence."""
        header = {**(header or {}), **habit_header(agreement.per_occurrence, agreement.capitalised)}
        words: dict[str, Word] = {}
        for text, count in agreement.counts.items():
            words[text] = Word(float(count), float(count))
        for text, totals in agreement.totals.items():
            word = words.setdefault(text, Word(float(agreement.sites[text]), float(agreement.sites[text])))
            word.count = max(word.count, float(agreement.sites[text]))
            word.originals = {original: mass for original, mass in totals.items() if mass >= 1e-3}
            word.kept = max(0.0, word.count - sum(word.originals.values()))
        return cls(words, header)

    @property
    def habits(self) -> "Habits | None":
        """The priors of its spinner's habits it lends each document it fits, from its pages'
        first-pass evidence (the header's ``habit_evidence``; ``candidates.crawl_habits``);
        None for the defaults, or a profile learned before it was kept."""
        from unspin.candidates import Habits

        evidence = self.header.get("habit_evidence")
        if self._habits is None or self._habits[0] is not evidence:  # read once per header value
            self._habits = (evidence, Habits.of(*habit_histograms(self.header)))
        return self._habits[1]

    @property
    def seasoned(self) -> bool:
        """Learned from SEASONED_PAGES pages or more: it reads the documents it fits without
        a batch's corpus mode."""
        return self.header.get("pages", 0) >= SEASONED_PAGES

    def check(self) -> "CrawlCheck":
        """Whether its pages read as one spinner's (``evidence.agreement.CrawlCheck``): EM makes
        each original's mass sit on one observed word where one dictionary wrote them (0.98-1.0
        for the benchmark's one-dictionary families, 10 to 1,000 pages; mixed 0.63-0.77)."""
        return one_way((original, mass) for word in self.words.values() for original, mass in word.originals.items())

    @property
    def name(self) -> str:
        return self.header.get("name", "profile")

    @property
    def stamp(self) -> str:
        """Its name and content checksum prefix, as the signature shows it."""
        return f"{self.name}+{self.header.get('checksum', 'unsaved')[:8]}"

    # ------------------------------------------------------------ the learned channel

    @property
    def totals(self) -> dict[str, float]:
        """Original (space-joined words) -> expected occurrences as an original: kept as it
        stands, or written as another word."""
        if self._totals is None:
            totals: Counter = Counter()
            for text, word in self.words.items():
                totals[text] += word.kept
                for original, mass in word.originals.items():
                    totals[" ".join(original)] += mass
            self._totals = dict(totals)
        return self._totals

    def log10_spun(self, observed: str, words: tuple[str, ...], generic: float, own: float = 0.0) -> float:
        """log10 phi(observed | original ``words``): the generic channel's ``generic`` moved
        towards what the pages say, as far as they say it.  ``own``: this occurrence's share
        of the sums, left out (learning reads each occurrence against the others)."""
        key = (observed, words)
        held = self._pairs.get(key)
        if held is None:
            if len(self._pairs) > MAX_CACHED:
                self._pairs.clear()
            word = self.words.get(observed)
            held = self._pairs[key] = (word.originals.get(words, 0.0) if word is not None else 0.0,
                                       self.totals.get(" ".join(words), 0.0))
        mass, total = held
        if total - own <= 1e-9:
            return generic
        return math.log10((max(0.0, mass - own) + SMOOTHING * 10**generic) / (total - own + SMOOTHING))

    def log10_keep(self, observed: str, generic: float, own: float = 0.0) -> float:
        """log10 phi(observed | observed): how often the spinner leaves the word as it is
        (``own`` as for ``log10_spun``)."""
        total = self.totals.get(observed, 0.0) - own
        if total <= 1e-9:
            return generic
        word = self.words.get(observed)
        kept = max(0.0, (word.kept if word is not None else 0.0) - own)
        return math.log10((kept + SMOOTHING * 10**generic) / (total + SMOOTHING))

    @property
    def plain(self) -> frozenset[str]:
        """Words the pages use often (SETTLED times) and never as another word: the
        lattice reads them as they stand, without looking for originals."""
        if self._plain is None:
            self._plain = frozenset(text for text, word in self.words.items()
                                    if word.count >= SETTLED and word.spun <= PLAIN_SHARE * word.count)
        return self._plain

    def known(self, observed: str) -> tuple[tuple[str, ...], ...]:
        """The originals the pages read ``observed`` as (most mass first)."""
        word = self.words.get(observed)
        if word is None or not word.originals:
            return ()
        return tuple(sorted(word.originals, key=lambda o: -word.originals[o]))

    def spun_share(self, observed: str) -> float:
        """The share of the word's occurrences that stand for another original."""
        word = self.words.get(observed)
        return word.spun / word.count if word is not None and word.count > 0 else 0.0

    # ------------------------------------------------------------ fit

    @property
    def fits(self) -> dict[str, float]:
        """Word or phrase -> log2 of its count in the pages over its count in them as
        restored: above 0 for what the spinner writes ("atomic number 49" for "in"), below 0
        for the words it replaces, 0 for the rest."""
        if self._fits is None:
            fits = {}
            totals = self.totals
            for text, word in self.words.items():
                ratio = math.log2((word.count + FIT_SMOOTHING) / (totals.get(text, 0.0) + FIT_SMOOTHING))
                if abs(ratio) > 0.05:
                    fits[text] = ratio
            for text, total in totals.items():  # originals that never stand in the pages
                if " " not in text and text not in self.words:
                    fits[text] = math.log2(FIT_SMOOTHING / (total + FIT_SMOOTHING))
            self._fits = fits
        return self._fits

    @property
    def fit_phrases(self) -> tuple[frozenset[str], int]:
        """The proper prefixes of the phrases in ``fits`` and the longest one's length in words."""
        if self._fit_phrases is None:
            phrases = [text.split(" ") for text in self.fits if " " in text]
            self._fit_phrases = (frozenset(" ".join(words[:end]) for words in phrases for end in range(1, len(words))),
                                 max((len(words) for words in phrases), default=1))
        return self._fit_phrases

    def contributions(self, document, phrases: bool = True, repeats: bool = True) -> Counter:
        """Each word (capitalised ones under their own key: ``casing``; with ``phrases`` each
        phrase too) of the document -> its summed fit (``fits``): a phrase the spinner writes
        counts where it starts (its words, which the pages also hold inside it, fit near 0).
        Without ``repeats`` each word counts once, however often the document uses it."""
        fits = self.fits
        prefixes, longest = self.fit_phrases if phrases else (frozenset(), 1)
        tokens = document.tokens
        found: Counter = Counter()
        for i, token in enumerate(tokens):
            if not learnable(token):
                continue
            capitalised = cased(token)
            text = key(token.norm, capitalised)
            if repeats or text not in found:
                found[text] += fits.get(text, 0.0)
            for following in tokens[i + 1 : i + longest]:
                if text not in prefixes or not is_word(following.text):
                    break
                text += " " + following.norm
                if text in fits and (repeats or text not in found):
                    found[text] += fits[text]
        return found

    def fit(self, document) -> float:
        """Log-likelihood ratio (bits) of the document's lowercase words and phrases as this
        spinner's output against the same words unspun: how well the document fits the
        profile (``attribution``: which spinner wrote it)."""
        return sum(self.contributions(document).values())

    def view(self, document, suspects=None) -> "DocumentView | None":
        """``weigh``'s view alone."""
        return self.weigh(document, suspects)[0]

    def weigh(self, document, suspects=None) -> "tuple[DocumentView | None, ProfileUse]":
        """The profile as one document may use it, or None when the document does not fit
        it (its words' fit at most MIN_FIT bits).  A word whose own occurrences carry the fit
        over MIN_FIT is read with the generic channel: no word licenses its own change.

        ``suspects``, when given, is called (only if the words fit) for the lowercase words
        and phrases the generic channel restores in the document, one per occurrence; those
        the profile does not explain count against the fit (``unexplained_bits``).

        The gate counts words only: the phrases WordNet spinners share ("atomic number 49" for
        "in") opened a profile learned from a blend of spinners on documents of one of them,
        and cost F0.5 there (bench/NOTES.md); attribution, which compares profiles, reads them.
        It counts each word once: a story that repeats a word the spinner writes (six
        "programmes" in one about village television, paper-mill's word for "plans") is one
        piece of evidence, not six, and opened paper-mill's profile on clean news (bench/NOTES.md)."""
        contributions = self.contributions(document, phrases=False, repeats=False)
        fit = sum(contributions.values())
        if fit <= MIN_FIT:
            return None, ProfileUse(self.name, False, fit, MIN_FIT)
        unexplained, against = 0, 0.0
        if suspects is not None:
            unexplained = self.unexplained(suspects())
            against = self._bits_against(unexplained, FALSE_SUSPECTS * sum(map(eligible, document.tokens)))
        net = fit - against
        use = ProfileUse(self.name, net > MIN_FIT, fit, MIN_FIT, unexplained, against)
        if not use.used:
            return None, use
        return DocumentView(self, net, frozenset(w for w, c in contributions.items() if net - c <= MIN_FIT)), use

    @property
    def missing_mass(self) -> float:
        """The Good-Turing estimate of the share of this spinner's replacements that the
        pages have not shown: words seen spun about once over all spun occurrences."""
        if self._missing is None:
            spun = [word.spun for text, word in self.words.items() if not text[:1].isupper()]
            total = sum(spun)
            once = sum(1 for mass in spun if 0.05 < mass < SINGLETON_MASS)
            self._missing = min(1.0, once / total) if total > 0 else 1.0
        return self._missing

    def unexplained_bits(self, suspects, free: float = 0.0) -> float:
        """Bits against this spinner for the suspected words it has never seen spun, beyond
        the ``free`` ones a generic pass restores in any text: log2(OTHER_UNSEEN / missing
        mass) each (0 when the pages are too few to say)."""
        return self._bits_against(self.unexplained(suspects), free)

    def _bits_against(self, unexplained: int, free: float) -> float:
        per_word = math.log2(OTHER_UNSEEN / max(self.missing_mass, MISSING_FLOOR))
        return per_word * max(0.0, unexplained - free) if per_word > 0 else 0.0

    def unexplained(self, suspects) -> int:
        """How many of ``suspects`` (words, one per occurrence) the pages never show spun."""
        words = self.words
        return sum(1 for text in suspects if (words[text].spun if text in words else 0.0) < EXPLAINED_MASS)

    def literal(self, present: frozenset) -> frozenset:
        """The words of ``present`` (used as they stand in a document) that show the spinner
        left them alone: not those it writes for other originals LITERAL_SPUN_SHARE of the
        time or more."""
        return frozenset(word for word in present if self.spun_share(word) < LITERAL_SPUN_SHARE)

    def also(self, document) -> set[str]:
        """The document's words that the profile reads as spun at least ALSO_SHARE of the
        time: every occurrence of them is read again, even where the best path keeps it."""
        return {token.norm for token in document.tokens
                if eligible(token) and self.spun_share(token.norm) >= ALSO_SHARE}

    # ------------------------------------------------------------ reading it

    def entries(self):
        """(observed, original words, mass, share of the observed word's occurrences,
        phi(observed | original)), strongest first."""
        totals = self.totals
        found = []
        for text, word in self.words.items():
            for original, mass in word.originals.items():
                total = totals.get(" ".join(original), 0.0)
                found.append((text, original, mass, mass / max(word.count, 1e-9), mass / total if total else 0.0))
        found.sort(key=lambda e: (-e[2], e[0], e[1]))
        return found

    def statistics(self) -> dict:
        words = self.words.values()
        return {"words": len(self.words), "entries": sum(len(w.originals) for w in words),
                "occurrences": round(sum(w.count for w in words if True), 1),
                "spun_mass": round(sum(w.spun for w in words), 1)}

    def __eq__(self, other) -> bool:
        return isinstance(other, Profile) and self.words == other.words and self.header == other.header


class DocumentView:
    """A profile as one document uses it (``Profile.view``): the words in ``withheld``, whose
    own occurrences carry the document's fit, keep the generic channel and get no evidence."""

    def __init__(self, profile: Profile, fit: float, withheld: frozenset[str]) -> None:
        self.profile, self.fit, self.withheld = profile, fit, withheld
        self.plain = profile.plain

    def withholds(self, observed: str) -> bool:
        """Its own occurrences carry the document's fit."""
        return observed in self.withheld

    def log10_spun(self, observed: str, words: tuple[str, ...], generic: float) -> float:
        if self.withholds(observed):
            return generic
        return self.profile.log10_spun(observed, words, generic)

    def log10_keep(self, observed: str, generic: float) -> float:
        if self.withholds(observed):
            return generic
        return self.profile.log10_keep(observed, generic)

    def known(self, observed: str) -> tuple[tuple[str, ...], ...]:
        return () if self.withholds(observed) else self.profile.known(observed)

    def also(self, document) -> set[str]:
        return self.profile.also(document) - self.withheld

    def literal(self, present: frozenset) -> frozenset:
        return self.profile.literal(present) | (present & self.withheld)

    def evidence(self, observed: str) -> tuple[int, dict[tuple[str, ...], float]] | None:
        """(occurrences of ``observed`` in the pages, lowercase original words -> share of
        them), or None for a word the pages do not have or that is withheld.  A capitalised
        ``observed`` (``key``) the pages never showed is read as its lowercase word."""
        word = self.profile.words.get(observed)
        if word is None and observed[:1].isupper():
            observed = observed.lower()
            word = self.profile.words.get(observed)
        if word is None or self.withholds(observed) or word.count <= 0:
            return None
        return round(word.count), {untitled(original): mass / word.count for original, mass in word.originals.items()}


def habit_histograms(header: dict) -> tuple[Counter, Counter]:
    """The pages' habit evidence a profile header keeps (``habit_header``): two histograms of
    log likelihood ratio -> pages (empty for a profile learned before they were kept)."""
    kept = header.get("habit_evidence") or {}
    return tuple(Counter({float(ratio): int(pages) for ratio, pages in kept.get(name, [])})
                 for name in ("per_occurrence", "capitalised"))


def habit_header(per_occurrence: Counter, capitalised: Counter) -> dict:
    """The header fields of the pages' habit evidence: the histograms (sorted [ratio, pages]
    pairs, so that ``--update`` adds to them) and what they lend (``habits``)."""
    from unspin.candidates import crawl_habits

    lent = crawl_habits(per_occurrence, capitalised)
    return {"habit_evidence": {"per_occurrence": sorted([r, n] for r, n in per_occurrence.items()),
                               "capitalised": sorted([r, n] for r, n in capitalised.items())},
            "habits": {"per_occurrence": round(lent.per_occurrence, 3), "capitalised": round(lent.capitalised, 3)}}
