"""Agreement: what the other occurrences of an observed word say (in a document or a corpus)."""

from __future__ import annotations

import copy
import dataclasses
from collections import Counter
from dataclasses import dataclass

from unspin.candidates import FirstPass, Habits, lemmas
from unspin.types import Site

# Does a crawl read as one spinner's?  Among the originals its first pass restores with some
# weight (a posterior of STRONG_POSTERIOR summed over an observed word's occurrences, and of
# STRONG_TOTAL over all its observed words), the mean share of an original's restorations that
# come from its commonest observed word.  One dictionary writes each original one way
# (0.86-0.93 over 200 news_dev paragraphs spun by any one family; 0.92-1.0 in crawls of 10 of
# them); a crawl of many spinners writes it many ways (mixed 0.65-0.80 from 25 paragraphs up;
# any family with a new dictionary per paragraph 0.55-0.76): bench/NOTES.md.
STRONG_POSTERIOR = 0.5
STRONG_TOTAL = 1.5
ONE_SPINNER_SHARE = 0.8
MIN_ORIGINALS = 10  # fewer strongly restored originals: too little spinning to tell (or to learn from)
# A crawl that writes originals many ways is read without claims (``for_corpus_mode``) only
# where it restores this many such originals per 1,000 words: clean news restores 0.4 (14 in
# 400 paragraphs), spun crawls of several spinners or of one that chooses anew 2.1-3.6 at a
# spin rate of 0.05 and 5-18 at 0.1-0.25 (news_dev and news_test, bench/NOTES.md).
SEVERAL_DENSITY = 1.0


@dataclass(frozen=True)
class CrawlCheck:
    """Whether corpus mode's premise holds for a crawl: one spinner, one word per original."""

    originals: int  # originals restored strongly enough to count
    share: float  # mean share of an original's restorations from its commonest observed word
    words: int = 0  # words in the crawl (0: not counted)

    @property
    def one_spinner(self) -> bool:
        return self.originals >= MIN_ORIGINALS and self.share >= ONE_SPINNER_SHARE

    @property
    def several_spinners(self) -> bool:
        """Enough restored to tell, and not one spinner's (neither holds with too little)."""
        return self.originals >= MIN_ORIGINALS and self.share < ONE_SPINNER_SHARE

    @property
    def spun_enough(self) -> bool:
        """Restores SEVERAL_DENSITY originals or more per 1,000 words (True where words were not counted)."""
        return not self.words or 1000 * self.originals / self.words >= SEVERAL_DENSITY

    @property
    def mode(self) -> str:
        """How corpus mode reads such a crawl (``Agreement.for_corpus_mode``, nothing assumed):
        all of it for one spinner's, without claims for one that writes originals many ways
        and is spun enough to be no clean text, else each text alone."""
        if self.one_spinner:
            return "corpus"
        return "without claims" if self.several_spinners and self.spun_enough else "alone"

    def to_dict(self) -> dict:
        return {"one_spinner": self.one_spinner, "originals": self.originals, "share": round(self.share, 3),
                "words": self.words, "mode": self.mode}

    def describe(self, subject: str = "the crawl") -> str:
        """The verdict as a sentence about ``subject`` (a crawl, a profile's text)."""
        if self.originals < MIN_ORIGINALS:
            return (f"{subject}: too little restored to tell one spinner ({self.originals} originals restored "
                    f"more than once, {MIN_ORIGINALS} wanted)")
        verdict = ("several spinners (or one that chooses anew at every occurrence)" if self.several_spinners
                   else "one spinner")
        return (f"{subject} reads as {verdict}: an original's restorations come from one observed word "
                f"{self.share:.0%} of the time ({self.originals} originals; one spinner >= {ONE_SPINNER_SHARE:.0%})")


def family_key(words: tuple[str, ...]) -> frozenset:
    """A reading's word and its lemmas ("has" -> {has, have}); phrases stand for themselves."""
    if len(words) > 1:
        return frozenset((" ".join(words),))
    return frozenset((words[0], *lemmas(words[0])))


def family_shares(ranked) -> dict[tuple[str, ...], float]:
    """Posterior of each spun reading's lemma family (has / had / have share "have"): the
    sum over the readings whose word or lemmas overlap its own."""
    spun = [(a.candidate.words, p, family_key(a.candidate.words)) for a, p in ranked
            if a.candidate.relation != "keep"]
    holders: dict[str, list[int]] = {}
    for i, (_words, _p, key) in enumerate(spun):
        for element in key:
            holders.setdefault(element, []).append(i)
    shares = {}
    for words, _p, key in spun:
        family = {i for element in key for i in holders[element]}
        shares[words] = sum(spun[i][1] for i in family)
    return shares


def one_way(readings) -> CrawlCheck:
    """``CrawlCheck`` of (original words, summed posterior or mass at one observed word) pairs,
    one per observed word and original: a crawl's first pass (``Agreement.check``) or a learned
    profile (``Profile.check``)."""
    by_original: dict[tuple[str, ...], list[float]] = {}
    for words, total in readings:
        if total >= STRONG_POSTERIOR:
            by_original.setdefault(words, []).append(total)
    shares = [max(found) / sum(found) for found in by_original.values() if sum(found) >= STRONG_TOTAL]
    return CrawlCheck(len(shares), sum(shares) / len(shares) if shares else 0.0)


class Agreement:
    """What the other occurrences of the same observed words say.

    A spinner keeps one replacement per word, so every occurrence of "produce" in a
    document (or in a whole crawl spun by one spinner) has the same original: the mean
    posterior a reading gets at the other occurrences (0 where the decoder did not read
    them) is evidence for it here.  Only sums are kept, so one Agreement can gather a
    corpus of any size.
    """

    DOCUMENT, CORPUS, PROFILE = 0, 1, 2  # where agreement was gathered (``corpus``)

    def __init__(self, corpus: int = DOCUMENT) -> None:
        # gathered over the document (0, or False), a corpus in corpus mode (1, or True), or
        # in part from a spinner profile (2): the calibration trees are told which
        self.corpus = int(corpus)
        self.totals: dict[str, Counter] = {}  # observed -> words -> summed posterior
        self.families: dict[str, Counter] = {}  # observed -> words -> summed lemma-family posterior
        self.sites: Counter = Counter()  # observed -> occurrences read
        self.counts: Counter = Counter()  # word -> occurrences in the text(s)
        # the documents' first-pass evidence of their spinner's habits (log likelihood ratio ->
        # documents, ``FirstPass.tally``): what the crawl lends each of them (``habits``)
        self.per_occurrence: Counter = Counter()
        self.capitalised: Counter = Counter()
        self._claims: dict | None = None
        # how far claims count (``claimed``): how likely each original has one observed word,
        # as one spinner with one dictionary writes it; 0 for a crawl that writes originals
        # many ways (``for_corpus_mode``), a document's odds of one dictionary for its own
        # agreement (``passes.proposals``)
        self.claim_weight = 1.0

    @classmethod
    def of(cls, changed: list[Site], counts: Counter) -> "Agreement":
        agreement = cls()
        agreement.add(changed, counts)
        return agreement

    def add(self, changed: list[Site], counts: Counter, first_pass: FirstPass | None = None) -> None:
        """Gather the sites read in one document, its word counts and what its first pass
        said of its spinner's habits."""
        if first_pass is not None:
            first_pass.tally(self.per_occurrence, self.capitalised)
        for site in changed:
            observed = site.observed
            self.sites[observed] += 1
            self.totals.setdefault(observed, Counter()).update(
                {a.candidate.words: p for a, p in site.ranked if a.candidate.relation != "keep"})
            self.families.setdefault(observed, Counter()).update(family_shares(site.ranked))
        self.counts.update(counts)
        self._claims = None

    def merge(self, other: "Agreement") -> "Agreement":
        """Add another part of the corpus (gathered elsewhere, e.g. by a worker)."""
        for mine, theirs in ((self.totals, other.totals), (self.families, other.families)):
            for observed, sums in theirs.items():
                mine.setdefault(observed, Counter()).update(sums)
        self.sites.update(other.sites)
        self.counts.update(other.counts)
        self.per_occurrence.update(other.per_occurrence)
        self.capitalised.update(other.capitalised)
        self.corpus = max(self.corpus, other.corpus)  # part of it was gathered over a corpus or a profile
        self._claims = None
        return self

    def habits(self) -> Habits | None:
        """The priors of the spinner's habits this crawl lends each of its documents, whether
        or not it reads as one spinner's (``candidates.crawl_habits``); None where they are
        the defaults (the crawl says nothing a document does not)."""
        return Habits.of(self.per_occurrence, self.capitalised)

    def check(self) -> CrawlCheck:
        """How much the crawl reads as one spinner's (``CrawlCheck``), with its word count."""
        check = one_way((words, total) for totals in self.totals.values() for words, total in totals.items())
        return dataclasses.replace(check, words=sum(self.counts.values()))

    def for_corpus_mode(self, assume_one_spinner: bool = False) -> tuple["Agreement | None", CrawlCheck]:
        """This crawl's evidence for corpus mode, and its check (``assume_one_spinner`` takes
        it as one spinner's whatever the check says).  One spinner's crawl: all of it.  A
        crawl that writes an original many ways (several spinners, or one that chooses anew at
        every occurrence) still writes each observed word for one original (0.81-0.85 of an
        observed word's restorations go to its commonest original whichever the crawl): what
        the other texts say of a word stays, but that another observed word claims the same
        original is no evidence there (``claimed``; bench/NOTES.md).  None where too little
        was restored to tell: each text is best restored alone."""
        check = self.check()
        if check.one_spinner or assume_one_spinner:
            return self, check
        if check.mode == "alone":
            return None, check
        several = copy.copy(self)
        several.claim_weight = 0.0
        return several, check

    def occurrences(self, observed: str) -> int:
        return max(self.sites[observed], self.counts.get(observed, 0), 1)

    def others(self, observed: str) -> int:
        return self.occurrences(observed) - 1

    def claimed(self, observed: str, words: tuple[str, ...]) -> float:
        """How strongly another observed word claims the same original: a spinner writes
        each original one way, so two observed words rarely share one (0 where the crawl's
        check found it writes originals many ways)."""
        if not self.claim_weight:
            return 0.0
        if self._claims is None:
            self._claims = {}
            for o, totals in self.totals.items():
                occurrences = self.occurrences(o)
                for w, total in totals.items():
                    self._claims.setdefault(w, []).append((o, total / occurrences))
        return self.claim_weight * max((mean for o, mean in self._claims.get(words, ()) if o != observed), default=0.0)

    def support(self, observed: str, words: tuple[str, ...], own: float, family: bool = False) -> float:
        """Mean posterior of ``words`` at the other occurrences (``own`` is this one's)."""
        others = self.others(observed)
        if others <= 0:
            return 0.0
        total = (self.families if family else self.totals).get(observed, {}).get(words, 0.0)
        return max(0.0, total - own) / others
