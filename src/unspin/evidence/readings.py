"""Evidence: what is known about each reading of a changed span, gathered from the decoder,
the channel, the document and the other occurrences of the same words."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from unspin.evidence.agreement import Agreement, family_shares
from unspin.evidence.cues import GENDER, TENSE, cue, verb_cue
from unspin.evidence.facts import DocumentFacts
from unspin.types import Candidate, Site

# Readings the decoder gives less than this are never proposed (nor used to fit the calibration).
MIN_POSTERIOR = 0.01


@dataclass(frozen=True, slots=True)
class Evidence:
    """What is known about one candidate edit (a reading of a span that is not "keep").

    Posteriors are the decoder's, normalised over the span's readings with the rest of
    the best path fixed: ``family`` sums the readings from the same original (its
    inflections), ``rival`` is the best reading from another original.
    """

    relation: str
    posterior: float
    keep: float
    family: float
    rival: float
    log10_share: float
    observed_unigram: float  # lowest log10 unigram among the observed words
    restored_unigram: float  # lowest log10 unigram among the restored words
    pooled: int  # restorations of the same (observed, original) pair in pass one
    present: bool  # the original is used as it stands elsewhere in the document
    related: bool  # another form of the original (or it, capitalised) is in the document
    observed_count: int  # times the observed word occurs in the document
    topic_gain: float | None  # how much better the restored words fit the document's topic
    observed_spinnable: bool  # the observed word could itself be an original
    capitalised: bool
    rate: float  # the document's estimated spin rate
    observed_words: int
    restored_words: int
    lemma_family: float = 0.0  # readings sharing a lemma with this one (has / had / have)
    agree: float = 0.0  # mean posterior of these words at the observed words' other occurrences
    agree_family: float = 0.0  # the same for the lemma family
    others: int = 0  # other occurrences of the observed words in the document
    claimed: float = 0.0  # the strongest claim of another observed word on the same words
    gender_cue: float = 0.0  # log2: the document's she/her against he/his, for a pronoun reading
    tense_cue: float = 0.0  # log2: the document's past (was, had) against present (is, has) forms
    verb_tense_cue: float = 0.0  # log2: the same over every verb form (rose, says), signed by the reading's tense
    corpus: bool = False  # agreement gathered over a corpus (corpus mode), not one document


def readings(site: Site, c: DocumentFacts, agreement: Agreement) -> tuple[tuple[Candidate, Evidence | None], ...]:
    """Each reading of the site with its evidence (None for the kept words); readings the
    decoder gives under MIN_POSTERIOR are dropped."""
    ranked, keep, observed = site.ranked, site.keep, site.span
    observed_words = tuple(t.norm for t in observed)
    observed_text = " ".join(observed_words)
    family: Counter = Counter()
    for a, p in ranked:
        if a.candidate.relation != "keep":
            family[a.candidate.original] += p
    common = dict(
        keep=keep, observed_unigram=min(c.lm.unigram(w) for w in observed_words),
        observed_count=c.counts.get(observed_text, 1) if len(observed) == 1 else 1,
        observed_spinnable=c.lexicon.spinnable(observed_text), capitalised=observed[0].text[:1].isupper(),
        rate=c.rate, observed_words=len(observed))
    spun = [(a.candidate, p) for a, p in ranked if a.candidate.relation != "keep"]  # most likely first
    chosen = [candidate.words for candidate, p in spun if p >= MIN_POSTERIOR]
    gains = iter(c.topics.gains(chosen, observed_words) if c.topics is not None else [None] * len(chosen))
    shares = family_shares(ranked)
    found = []
    for candidate, posterior in ((a.candidate, p) for a, p in ranked):
        if candidate.relation == "keep":
            found.append((candidate, None))
        elif posterior >= MIN_POSTERIOR:
            found.append((candidate, Evidence(
                relation=candidate.relation, posterior=posterior, family=family[candidate.original],
                rival=next((p for other, p in spun if other.original != candidate.original), 0.0),
                log10_share=candidate.log10_share,
                restored_unigram=min(c.lm.unigram(w) for w in candidate.words),
                pooled=c.pairs.get((observed_text, candidate.words), 0),
                present=candidate.original in c.present,
                related=candidate.original in c.related or any(w in c.counts for w in candidate.words),
                topic_gain=next(gains), restored_words=len(candidate.words),
                lemma_family=shares[candidate.words],
                agree=agreement.support(observed_text, candidate.words, posterior),
                agree_family=agreement.support(observed_text, candidate.words, shares[candidate.words], family=True),
                others=agreement.others(observed_text),
                claimed=agreement.claimed(observed_text, candidate.words),
                gender_cue=cue(candidate.words, GENDER, c.counts),
                tense_cue=cue(candidate.words, TENSE, c.counts), verb_tense_cue=verb_cue(candidate.words, c.tenses),
                corpus=agreement.corpus, **common)))
    return tuple(found)
