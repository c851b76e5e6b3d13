"""The restoration pipeline for one text: tokenize -> candidates -> decode -> edits.

Two passes over the document.  Pass one decodes with a prior spin rate and counts what
it restored; that gives the document's own spin rate and pooled evidence (a spinner
keeps one replacement per word, so every restoration of "successful" -> "in" supports
the others).  Pass two decodes again with both.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Iterator

from unspin.calibration import MIN_POSTERIOR, Calibration, Evidence
from unspin.candidates import ChannelParams, ReadingTable, lemmas, lattice, tags
from unspin.decode import best_path, posteriors
from unspin.lm import LanguageModel
from unspin.surface import article_edits, match_case, reason
from unspin.topics import Context as TopicContext
from unspin.topics import Topics
from unspin.tokenize import is_word, sentences, tokenize
from unspin.types import Alternative, Arc, Candidate, Edit, Restoration, apply_edits

PRIOR_RATE = 0.05
# The commonest English words that no spinner here replaces: a text where they are
# rare is not English (or not prose) and is left untouched.
ENGLISH_MARKERS = frozenset("the of and to a is that for it with on was by this are from not".split())
MIN_MARKER_SHARE = 0.06
MAX_SENTENCE_TOKENS = 80
POOL_WEIGHT = 2.0
FIRST_PASS_SHARE = 4  # the first pass reads a quarter of the candidates (it only counts)


def _chunks(document) -> list[tuple[int, int]]:
    """Sentence ranges, long ones cut so that the beam stays small."""
    ranges = []
    for begin, end in sentences(document):
        for cut in range(begin, end, MAX_SENTENCE_TOKENS):
            ranges.append((cut, min(end, cut + MAX_SENTENCE_TOKENS)))
    return ranges


def _decode_sentence(tokens, lm, table, params, beam_size):
    arcs = lattice(tokens, table, params)
    path, states = best_path(lm, arcs, beam_size)
    return arcs, path, states


def _rivals(arcs: list[list[Arc]], tokens, chosen: Arc) -> list[Arc]:
    """Readings of the chosen arc's span: every arc with the same span, plus keeping it."""
    same = [a for a in arcs[chosen.begin] if a.end == chosen.end]
    if chosen.end - chosen.begin > 1:
        keeps = [arcs[p][0] for p in range(chosen.begin, chosen.end)]
        words = tuple(w for a in keeps for w in a.candidate.words)
        prior = sum(a.candidate.log10_prior for a in keeps)
        same.append(Arc(chosen.begin, chosen.end, Candidate(words, "keep", prior)))
    return same


def _present(document, lexicon) -> frozenset:
    """Lowercase words the document uses as they stand.

    Words inside a multi-word run that the channel lists as a replacement ("in order to",
    "he or she") are left out: the run may be a spinner's output, so its words are no
    evidence that the spinner left them alone.
    """
    tokens = document.tokens
    longest = lexicon.max_replacement_words
    found = set()
    i = 0
    while i < len(tokens):
        run = _replacement_run(tokens, i, lexicon, longest)
        if run:
            i += run
            continue
        if tokens[i].text[:1].islower():
            found.add(tokens[i].norm)
        i += 1
    return frozenset(found)


def _replacement_run(tokens, i: int, lexicon, longest: int) -> int:
    """Length of the longest multi-word replacement starting at token ``i`` (0 if none)."""
    words = []
    best = 0
    for token in tokens[i : i + longest]:
        if not is_word(token.text):
            break
        words.append(token.norm)
        if len(words) > 1 and lexicon.is_replacement(" ".join(words)):
            best = len(words)
    return best


def _related(counts: Counter) -> frozenset:
    """Words of the document and their lemmas (topic support for a restored word)."""
    return frozenset(counts).union(*(lemmas(word) for word in counts))


def _estimate_rate(spinnable: int, restored: int) -> float:
    """Spin rate of the document: restorations per spinnable word, smoothed."""
    return min(0.6, max(0.005, (restored + 0.5) / (spinnable + 10)))


def _pool(first_pass: Counter) -> dict:
    """Extra log10 prior for an (observed, original) pair restored more than once."""
    return {pair: POOL_WEIGHT * math.log10(count) for pair, count in first_pass.items() if count > 1}


@dataclass(frozen=True)
class Proposal:
    """A span the best path reads differently: its readings, most likely first.

    ``readings`` pairs each rival reading of the span (the kept words included) with its
    evidence; the kept words have ``None``.  ``keep`` is the kept words' posterior.
    """

    tokens: tuple
    begin: int
    end: int
    keep: float
    readings: tuple[tuple[Candidate, Evidence | None], ...]


def proposals(document, lm: LanguageModel, table: ReadingTable, settings,
              topics: Topics | None = None, corpus: Agreement | None = None) -> Iterator[Proposal]:
    """Decode the document in two passes and yield every span the best path changes, and
    every other occurrence of a word it changes somewhere (in the document, or with
    ``corpus``, anywhere in the corpus that ``gather`` read)."""
    facts, decoded = _decode(document, lm, table, settings, topics)
    changed = _changed_sites(decoded, lm, corpus.totals.keys() if corpus is not None else ())
    agreement = corpus if corpus is not None else Agreement.of(changed, facts.counts)
    for tokens, arc, ranked, keep in changed:
        yield Proposal(tokens, arc.begin, arc.end, keep,
                       _readings(ranked, keep, tokens[arc.begin : arc.end], facts, agreement))


def gather(documents, lm: LanguageModel, table: ReadingTable, settings) -> Agreement:
    """Pass one of corpus mode: what every document says about the words it changes.

    A spinner that rewrote a whole crawl used one dictionary for all of it, so the
    readings of "produce" in one story are evidence in every other story.
    """
    corpus = Agreement(corpus=True)
    for document in documents:
        if looks_english(document):
            facts, decoded = _decode(document, lm, table, settings, None)
            corpus.add(_changed_sites(decoded, lm, ()), facts.counts)
    return corpus


def _decode(document, lm: LanguageModel, table: ReadingTable, settings, topics: Topics | None):
    """The document's facts and its sentences decoded: [(tokens, arcs, path, states)]."""
    lexicon = table.lexicon
    chunks = [document.tokens[b:e] for b, e in _chunks(document)]
    spinnable = sum(1 for t in document.tokens if is_word(t.text) and lexicon.is_replacement(t.norm))
    rate = settings.spin_rate
    pairs: Counter = Counter()
    bonus: dict = {}
    if rate is None:
        # a cheaper first pass: it only has to count restorations
        params = ChannelParams(PRIOR_RATE, max(4, settings.max_candidates // FIRST_PASS_SHARE), {})
        for tokens in chunks:
            _arcs, path, _states = _decode_sentence(tokens, lm, table, params, max(2, settings.beam_size // 2))
            for arc in path:
                if arc.candidate.relation != "keep":
                    pairs[(_observed(tokens, arc), arc.candidate.words)] += 1
        rate = _estimate_rate(spinnable, sum(pairs.values()))
        bonus = _pool(pairs)
    counts = Counter(t.norm for t in document.tokens if is_word(t.text))
    facts = _DocumentFacts(rate, pairs, _present(document, lexicon), _related(counts), counts,
                           topics.context(counts) if topics is not None else None, lm, lexicon, _tenses(counts))
    params = ChannelParams(rate, settings.max_candidates, bonus, facts.present)
    return facts, [(tokens, *_decode_sentence(tokens, lm, table, params, settings.beam_size)) for tokens in chunks]


def _changed_sites(decoded, lm: LanguageModel, also) -> list:
    """Sites the best path changes, then the kept occurrences of the single words it
    changes (and of the words in ``also``): a spinner writes every occurrence of a word
    the same way, so they are read again even where the path keeps them."""
    changed = [_site(tokens, arcs, path, states, index, lm)
               for tokens, arcs, path, states in decoded
               for index, arc in enumerate(path) if arc.candidate.relation != "keep"]
    again = {tokens[arc.begin].norm for tokens, arc, _r, _k in changed if arc.end - arc.begin == 1}
    again.update(also)
    return changed + [_site(tokens, arcs, path, states, index, lm)
                      for tokens, arcs, path, states in decoded
                      for index, arc in enumerate(path)
                      if arc.candidate.relation == "keep" and tokens[arc.begin].norm in again
                      and len(arcs[arc.begin]) > 1]


def _site(tokens, arcs, path, states, index: int, lm):
    """(tokens, arc, ranked readings, kept words' posterior) at one arc of the best path."""
    arc = path[index]
    ranked = posteriors(lm, path, states, index, _rivals(arcs, tokens, arc))
    keep = sum(p for a, p in ranked if a.candidate.relation == "keep")
    return tokens, arc, ranked, keep


def _family_key(words: tuple[str, ...]) -> frozenset:
    """A reading's word and its lemmas ("has" -> {has, have}); phrases stand for themselves."""
    if len(words) > 1:
        return frozenset((" ".join(words),))
    return frozenset((words[0], *lemmas(words[0])))


def _family_shares(ranked) -> dict[tuple[str, ...], float]:
    """Posterior of each spun reading's lemma family (has / had / have share "have"): the
    sum over the readings whose word or lemmas overlap its own."""
    spun = [(a.candidate.words, p, _family_key(a.candidate.words)) for a, p in ranked
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


class Agreement:
    """What the other occurrences of the same observed words say.

    A spinner keeps one replacement per word, so every occurrence of "produce" in a
    document (or in a whole crawl spun by one spinner) has the same original: the mean
    posterior a reading gets at the other occurrences (0 where the decoder did not read
    them) is evidence for it here.  Only sums are kept, so one Agreement can gather a
    corpus of any size.
    """

    def __init__(self, corpus: bool = False) -> None:
        self.corpus = corpus  # gathered over a corpus (not one document)
        self.totals: dict[str, Counter] = {}  # observed -> words -> summed posterior
        self.families: dict[str, Counter] = {}  # observed -> words -> summed lemma-family posterior
        self.sites: Counter = Counter()  # observed -> occurrences read
        self.counts: Counter = Counter()  # word -> occurrences in the text(s)
        self._claims: dict | None = None

    @classmethod
    def of(cls, changed, counts: Counter) -> "Agreement":
        agreement = cls()
        agreement.add(changed, counts)
        return agreement

    def add(self, changed, counts: Counter) -> None:
        """Gather the sites read in one document and its word counts."""
        for tokens, arc, ranked, _keep in changed:
            observed = _observed(tokens, arc)
            self.sites[observed] += 1
            self.totals.setdefault(observed, Counter()).update(
                {a.candidate.words: p for a, p in ranked if a.candidate.relation != "keep"})
            self.families.setdefault(observed, Counter()).update(_family_shares(ranked))
        self.counts.update(counts)
        self._claims = None

    def merge(self, other: "Agreement") -> "Agreement":
        """Add another part of the corpus (gathered elsewhere, e.g. by a worker)."""
        for mine, theirs in ((self.totals, other.totals), (self.families, other.families)):
            for observed, sums in theirs.items():
                mine.setdefault(observed, Counter()).update(sums)
        self.sites.update(other.sites)
        self.counts.update(other.counts)
        self._claims = None
        return self

    def occurrences(self, observed: str) -> int:
        return max(self.sites[observed], self.counts.get(observed, 0), 1)

    def others(self, observed: str) -> int:
        return self.occurrences(observed) - 1

    def claimed(self, observed: str, words: tuple[str, ...]) -> float:
        """How strongly another observed word claims the same original: a spinner writes
        each original one way, so two observed words rarely share one."""
        if self._claims is None:
            self._claims = {}
            for o, totals in self.totals.items():
                occurrences = self.occurrences(o)
                for w, total in totals.items():
                    self._claims.setdefault(w, []).append((o, total / occurrences))
        return max((mean for o, mean in self._claims.get(words, ()) if o != observed), default=0.0)

    def support(self, observed: str, words: tuple[str, ...], own: float, family: bool = False) -> float:
        """Mean posterior of ``words`` at the other occurrences (``own`` is this one's)."""
        others = self.others(observed)
        if others <= 0:
            return 0.0
        total = (self.families if family else self.totals).get(observed, {}).get(words, 0.0)
        return max(0.0, total - own) / others


# Closed-class cues that an n-gram window often cannot see: which pronoun a paragraph is
# about ("he or she" -> she when the text says "her") and its tense ("bear" -> has or had).
GENDER = (frozenset("she her hers herself".split()), frozenset("he him his himself".split()))
TENSE = (frozenset("was were had did said".split()), frozenset("is are am has have does do says".split()))


def tense(word: str) -> int:
    """+1 for a past form (was, said, rose), -1 for a present one (is, says), else 0."""
    if word in TENSE[0]:
        return 1
    if word in TENSE[1]:
        return -1
    found = set(tags(word))
    if "VBD" in found and not found & {"VBZ", "VBP", "VB", "VBG"}:
        return 1
    if "VBZ" in found and not found & {"VBD", "NNS"}:  # not "profits": plural nouns are commoner
        return -1
    return 0


def _tenses(counts: Counter) -> tuple[int, int]:
    """How many past and present verb forms the document uses."""
    past = present = 0
    for word, count in counts.items():
        sign = tense(word)
        if sign > 0:
            past += count
        elif sign < 0:
            present += count
    return past, present


def _verb_cue(words: tuple[str, ...], tenses: tuple[int, int]) -> float:
    """log2 of the document's past against present verb forms, signed by the tense of the
    reading (0 for a reading that is neither: "make", "house")."""
    sign = tense(words[0]) if len(words) == 1 else 0
    return sign * math.log2((1 + tenses[0]) / (1 + tenses[1])) if sign else 0.0


def _cue(words: tuple[str, ...], groups: tuple[frozenset, frozenset], counts: Counter) -> float:
    """log2 of how much more the document uses the reading's group than the other group
    (0 when the reading is in neither, or in both: "he or she")."""
    inside = [any(w in group for w in words) for group in groups]
    if inside[0] == inside[1]:
        return 0.0
    same, other = (groups[0], groups[1]) if inside[0] else (groups[1], groups[0])
    return math.log2((1 + sum(counts[w] for w in same)) / (1 + sum(counts[w] for w in other)))


@dataclass(frozen=True)
class _DocumentFacts:
    """What the evidence of every proposal in one document draws on."""

    rate: float
    pairs: Counter  # (observed, restored words) -> restorations in pass one
    present: frozenset
    related: frozenset
    counts: Counter
    topics: TopicContext | None
    lm: LanguageModel
    lexicon: object
    tenses: tuple[int, int]  # past and present verb forms in the document


def _observed(tokens, arc: Arc) -> str:
    return " ".join(t.norm for t in tokens[arc.begin : arc.end])


def _readings(ranked, keep: float, observed, c: _DocumentFacts,
              agreement: Agreement) -> tuple[tuple[Candidate, Evidence | None], ...]:
    """Each reading of the ``observed`` tokens with its evidence (None for the kept words);
    readings the decoder gives under MIN_POSTERIOR are dropped."""
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
    shares = _family_shares(ranked)
    readings = []
    for candidate, posterior in ((a.candidate, p) for a, p in ranked):
        if candidate.relation == "keep":
            readings.append((candidate, None))
        elif posterior >= MIN_POSTERIOR:
            readings.append((candidate, Evidence(
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
                gender_cue=_cue(candidate.words, GENDER, c.counts),
                tense_cue=_cue(candidate.words, TENSE, c.counts), verb_tense_cue=_verb_cue(candidate.words, c.tenses),
                corpus=agreement.corpus, **common)))
    return tuple(readings)


def restore_text(text: str, lm: LanguageModel, table: ReadingTable, settings, signature: str,
                 calibration: Calibration | None = None, topics: Topics | None = None,
                 corpus: Agreement | None = None) -> Restoration:
    calibration = calibration or Calibration.identity()
    document = tokenize(text)
    words = sum(1 for t in document.tokens if is_word(t.text))
    if not looks_english(document):
        return Restoration(text, text, (), 0.0, signature)
    found = list(proposals(document, lm, table, settings, topics, corpus))
    scores = iter(calibration.confidences([e for p in found for _c, e in p.readings if e is not None]))
    edits: list[Edit] = []
    for proposal in found:
        ranked = sorted(((candidate, proposal.keep if evidence is None else next(scores))
                         for candidate, evidence in proposal.readings), key=lambda item: -item[1])
        edit = _edit(text, proposal, ranked, settings)
        if edit is not None and edit.confidence >= settings.threshold:
            edits.append(edit)
    edits = _without_overlaps(sorted(edits + article_edits(text, document, edits), key=lambda e: e.start))
    restored = apply_edits(text, edits)
    score = spun_score(edits, words)
    return Restoration(text, restored, tuple(edits), score, signature)


def _without_overlaps(edits: list[Edit]) -> list[Edit]:
    """Keep the first of any edits that overlap (sorted by start), so they always apply."""
    kept: list[Edit] = []
    for edit in edits:
        if not kept or edit.start >= kept[-1].end:
            kept.append(edit)
    return kept


def looks_english(document) -> bool:
    """Enough common English words (short texts get the benefit of the doubt)."""
    words = [t.norm for t in document.tokens if is_word(t.text)]
    if len(words) < 8:
        return True
    return sum(w in ENGLISH_MARKERS for w in words) / len(words) >= MIN_MARKER_SHARE


def _edit(text: str, proposal: Proposal, ranked, settings) -> Edit | None:
    """The most confident reading that changes the text, with the others as alternatives."""
    tokens = proposal.tokens
    first, last = tokens[proposal.begin], tokens[proposal.end - 1]
    spun = text[first.start : last.end]
    chosen = next(((c, p) for c, p in ranked if c.relation != "keep"), None)
    if chosen is None:
        return None
    candidate, confidence = chosen
    restored = match_case(" ".join(candidate.words), spun)
    if restored == spun:
        return None
    alternatives = tuple(
        Alternative(match_case(" ".join(c.words), spun), round(p, 4), c.relation)
        for c, p in ranked if c is not candidate
    )[: settings.alternatives]
    return Edit(first.start, last.end, spun, restored, round(confidence, 4), candidate.relation,
                reason(spun, candidate), alternatives)


def spun_score(edits: list[Edit], words: int) -> float:
    """How likely the document is spun: confident restorations per 100 words, squashed."""
    return density_score(edit_weight(edits), words)


def edit_weight(edits) -> float:
    """The evidence of spinning in ``edits``: their summed confidence (a/an repairs aside)."""
    return sum(e.confidence for e in edits if e.relation != "article")


def density_score(weight: float, words: int) -> float:
    """The spun score of a document whose edits weigh ``weight`` over ``words`` words.

    The one definition of the score: a document read in pieces sums both over its pieces.
    """
    if words == 0:
        return 0.0
    density = 100.0 * weight / words
    return round(1.0 / (1.0 + math.exp(-2.5 * (density - 1.5))), 4)
