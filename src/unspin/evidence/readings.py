"""Evidence: what is known about each reading of a changed span, gathered from the decoder,
the channel, the document and the other occurrences of the same words."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from unspin.casing import key
from unspin.evidence.agreement import Agreement, family_shares
from unspin.evidence.cues import GENDER, GENDER_COUNTED, TENSE, cue, verb_cue
from unspin.evidence.facts import DocumentFacts
from unspin.evidence.neural import NeuralView
from unspin.surface import wants_an
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
    # where the agreement was gathered: 0 the document alone, 1 a corpus (corpus mode), 2 the
    # document restored with a spinner profile (the "corpus" feature: evidence.features)
    corpus: int = 0
    article: int = 0  # after "a"/"an": +1 when this reading fits the article and the observed words do not, -1 the reverse
    neighbours: int = 0  # spans right before and after this one that the best path changes too
    # The encoder (unspin.evidence.neural; None when it is off): log10 P(words | whole sentence)
    # of this reading and of the kept words, over the site's readings; the highest P(spun) of
    # the span's tokens; and the mean P(spun) of the document's words.
    neural: float | None = None
    neural_keep: float | None = None
    detect: float | None = None
    detect_document: float | None = None
    facts: tuple[float, ...] = ()  # the channel source's facts (Candidate.facts: a phrase reading's term facts)
    # With a spinner profile (the profile confidence model's inputs, unspin.profiles.confidence):
    # the share of the observed words' occurrences in the profile's pages that stand for this
    # reading, how many occurrences that is out of, how well the document fits the profile
    # (bits), and the share of those occurrences that stand for any other original.
    profile_share: float = 0.0
    profile_count: int = 0
    profile_fit: float = 0.0
    profile_spun: float = 0.0


def article_before(site: Site) -> str | None:
    """The article ("a" or "an") right before the site, if there is one."""
    begin = site.arc.begin
    before = site.tokens[begin - 1].norm if begin > 0 else None
    return before if before in ("a", "an") else None


def article_fit(article: str | None, restored: str, observed: str) -> int:
    """+1 when the restored word fits the article before it and the observed word does not
    ("a erstwhile" -> "a former": spinners never mend a/an), -1 the reverse, else 0."""
    if article is None:
        return 0
    fits = lambda word: (article == "an") == wants_an(word)  # noqa: E731
    return int(fits(restored)) - int(fits(observed))


def readings(site: Site, c: DocumentFacts, agreement: Agreement,
             neural: NeuralView | None = None, profile=None) -> tuple[tuple[Candidate, Evidence | None], ...]:
    """Each reading of the site with its evidence (None for the kept words); readings the
    decoder gives under MIN_POSTERIOR are dropped.  ``neural``: the encoder's view of the
    document, if it is on.  ``profile``: the document's view of a spinner profile
    (``profiles.DocumentView``), whose shares are recorded."""
    ranked, keep, observed = site.ranked, site.keep, site.span
    observed_words = tuple(t.norm for t in observed)
    observed_text = " ".join(observed_words)
    capitalised = observed[0].text[:1].isupper()
    family: Counter = Counter()
    for a, p in ranked:
        if a.candidate.relation != "keep":
            family[a.candidate.original] += p
    common = dict(
        keep=keep, observed_unigram=min(c.lm.unigram(w) for w in observed_words),
        observed_count=c.counts.get(observed_text, 1) if len(observed) == 1 else 1,
        observed_spinnable=c.lexicon.spinnable(observed_text), capitalised=capitalised,
        rate=c.rate, observed_words=len(observed), neighbours=site.neighbours)
    view = neural.at(site) if neural is not None else None
    if view is not None:
        kept_words = next(a.candidate.words for a, _p in ranked if a.candidate.relation == "keep")
        common.update(neural_keep=view.scores.get(kept_words), detect=view.detect,
                      detect_document=neural.document)
    learned = profile.evidence(key(observed_text, capitalised)) if profile is not None else None
    if learned is not None:
        common.update(profile_count=learned[0], profile_fit=round(profile.fit, 2),
                      profile_spun=round(min(1.0, sum(learned[1].values())), 4))
    article = article_before(site)
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
                log10_share=candidate.log10_share, facts=candidate.facts,
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
                gender_cue=cue(candidate.words, GENDER, c.counts, GENDER_COUNTED),
                tense_cue=cue(candidate.words, TENSE, c.counts), verb_tense_cue=verb_cue(candidate.words, c.tenses),
                article=article_fit(article, candidate.words[0], observed_words[0]),
                neural=view.scores.get(candidate.words) if view is not None else None,
                corpus=agreement.corpus,
                profile_share=learned[1].get(candidate.words, 0.0) if learned is not None else 0.0, **common)))
    return tuple(found)
