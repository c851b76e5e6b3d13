"""Document + lexicon -> lattice: for each span of a sentence, the possible originals.

"Keep the words as they stand" is an ordinary candidate (relation ``keep``), so the
decoder has no special case.  Channel log-probabilities follow the spinner's story: an
original word w is spun with probability ``rate`` and then written as replacement r with
probability q(r | w) (its share of w's channel rows); otherwise it is kept.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
import functools
import math
from dataclasses import dataclass

from unspin import relations
from unspin.casing import key as profile_key, titled, untitled
from unspin.errors import UnspinError
from unspin.lexicon import Lexicon
from unspin.tokenize import is_word
from unspin.types import Arc, Candidate, Token

MAX_CACHED_READINGS = 300_000
MAX_READINGS = 40  # the most readings a span can be given (the likeliest in context)
RANKED_READINGS = 120
CONTEXT_MARGIN = 4.0  # log10: readings that fit this much worse than the kept words are dropped  # readings per observed string that are ranked in context
REINFLECTION_FACTOR = 0.3  # a re-inflected path is less likely than a literal one
UNINFLECTED_FACTOR = 0.3  # ... and one whose original has no form of the observed tag more so
# ... and the lemma itself among other forms of a tag (lemminflect lists "film" with "films" as
# plurals of film: "moving pictures" is rarely a spun "film"); not tuned: news_dev and news_test,
# every family +0.000 to +0.005 F0.5, clean text unchanged (bench/NOTES.md).
UNCHANGED_FORM_FACTOR = 0.3
CHAIN_MIDDLES = 8  # two-step readings go through this many likeliest middles
CHAIN_LINKS = 12  # ... and this many of each middle's likeliest originals
CHAIN_FACTOR = 0.1  # a two-step path is less likely than one step
DEGREES = {"more": ("JJR", "RBR"), "most": ("JJS", "RBS")}  # "more extended" is a spun "longer"
# A noun phrase whose head comes first ("laws of nature", "editors in chief") is plural there.
HEAD_FIRST = frozenset("of in at for on to by from".split())
CAPITAL_FACTOR = 0.08  # most spinners leave capitalised words alone
# ... and some spin them too ("Supreme Court" -> "Sovereign Woo"): for a document whose first
# pass says so, capitalised words are spun up to CAPITAL_FACTOR_SPUN as often as the others.
# The evidence: the share of the first pass's restorations that are capitalised words, with a
# spinner that leaves them alone (WordNet's own capitals: "Indiana" for in) and with one that
# spins them (news_dev, 3 paragraphs a document: wordnet 0.00, wordnet-walk 0.04, thesaurus-b
# 0.11, their capitalising forms and the open-source habit 0.15-0.17; bench/NOTES.md).
CAPITAL_FACTOR_SPUN = 0.5
CAPITAL_SHARE_LEFT = 0.04
CAPITAL_SHARE_SPUN = 0.16
CAPITALS_PRIOR = 0.02  # as PER_OCCURRENCE_PRIOR: the common kind unless the document says otherwise
# A spinner that keeps one replacement per word spins every occurrence of it: an original
# that the document still uses as it stands elsewhere was probably not spun here.  A spinner
# that chooses anew at every occurrence leaves the original beside its replacements, so the
# penalty is weighed by how likely the document's spinner is the first kind (``literal_weighed``).
LITERAL_LOG10 = -2.0
# Share of a first pass's right restorations whose original the document also uses as it
# stands: with a spinner of one replacement per word, and with one that chooses anew at every
# occurrence; and of its restorations in clean text (all wrong), which come at CLEAN_RESTORED
# per spinnable word whatever the spinner (news_dev, bench/NOTES.md).
LITERAL_SHARE_FIXED = 0.04
LITERAL_SHARE_PER_OCCURRENCE = 0.3
LITERAL_SHARE_CLEAN = 0.11
CLEAN_RESTORED = 0.015
PER_OCCURRENCE_PRIOR = 0.02
# A crawl lends its documents its own prior for both habits (``crawl_habits``): the share of
# its documents that have the habit, estimated from every document's first pass, kept between
# the priors above (a crawl never says less than nothing) and CRAWL_CEILING (a document's own
# evidence can still overrule it).
CRAWL_CEILING = 0.9
HABIT_DIGITS = 2  # a document's habit evidence is kept to this many decimals
LEARNED_LOG10_SHARE = -1.0  # the generic share of a profile's reading no channel holds (its own channel replaces it)


@dataclass(frozen=True)
class ChannelParams:
    """Per-document channel settings (the spin rate is estimated per document)."""

    rate: float
    max_candidates: int
    bonus: dict  # (observed, restored words tuple) -> extra log10 prior from document pooling
    present: frozenset = frozenset()  # lowercase words the document uses as they stand
    literal: float = LITERAL_LOG10  # log10 prior of reading an original that is in ``present``
    capital: float = CAPITAL_FACTOR  # a capitalised word's spin rate over a lowercase word's
    context: bool = True  # rank a long list of readings by their fit in context (else by prior)
    phrases: bool = False  # phrase arcs too (the table's phrase channel, unspin.phrases)
    # A learned channel (a spinner profile: ``log10_spun``, ``log10_keep`` and ``known``, keyed
    # by ``casing.key``: capitalised words apart), used instead of the generic rate x share
    # where the pages say something; None: the generic channel.
    profile: object = None

    def log10_spin(self, capitalised: bool) -> float:
        rate = self.rate * (self.capital if capitalised else 1.0)
        return math.log10(max(rate, 1e-9))

    def log10_keep(self, capitalised: bool) -> float:
        rate = self.rate * (self.capital if capitalised else 1.0)
        return math.log10(max(1.0 - rate, 1e-9))


@functools.lru_cache(maxsize=65536)
def lemmas(word: str) -> tuple[str, ...]:
    from lemminflect import getAllLemmas

    found = {lemma for forms in getAllLemmas(word).values() for lemma in forms}
    found.discard(word)
    return tuple(sorted(found))


@functools.lru_cache(maxsize=65536)
def tags(word: str) -> tuple[str, ...]:
    """Penn tags whose inflection of some lemma gives ``word`` (e.g. troopers -> NNS)."""
    from lemminflect import getAllInflections

    tags = set()
    for lemma in lemmas(word):
        for tag, forms in getAllInflections(lemma).items():
            if word in forms:
                tags.add(tag)
    return tuple(sorted(tags))


@functools.lru_cache(maxsize=65536)
def _inflections(lemma: str) -> dict[str, tuple[str, ...]]:
    """Every Penn tag's forms of ``lemma`` (lemminflect copies its tables on each call:
    one call per lemma)."""
    from lemminflect import getAllInflections

    found = dict(getAllInflections(lemma))
    return found


@functools.lru_cache(maxsize=65536)
def inflect(lemma: str, tags: tuple[str, ...]) -> tuple[str, ...]:
    """The forms of ``lemma`` for ``tags``: a phrase by its first word for a verb's tags
    ("come through" -> "came through"), by its last for a noun's ("interest rate" ->
    "interest rates")."""
    if " " in lemma:
        if all(tag.startswith("NN") for tag in tags):
            rest, _, last = lemma.rpartition(" ")
            return tuple(f"{rest} {form}" for form in inflect(last, tags))
        head, _, rest = lemma.partition(" ")
        return tuple(f"{form} {rest}" for form in inflect(head, tags))
    table = _inflections(lemma)
    forms = []
    for tag in tags:
        for form in table.get(tag, ()):
            if form not in forms:
                forms.append(form)
    return tuple(forms)


def phrase_prefixes(lexicon: Lexicon) -> frozenset[str]:
    """Every proper prefix of the lexicon's multi-word replacements, with the first word in
    all its inflections ("came" and "came through" for "come through to"): a run of words
    is read as a phrase only while it is such a prefix, or a whole replacement."""
    from lemminflect import getAllInflections

    found = set()
    for phrase in lexicon.replacements():
        words = phrase.split(" ")
        if len(words) < 2:
            continue
        firsts = {words[0]} | {form for group in getAllInflections(words[0]).values() for form in group}
        for first in firsts:
            for end in range(1, len(words)):
                found.add(" ".join([first] + words[1:end]))
    return frozenset(found)


def is_capitalised(token: Token) -> bool:
    return token.text[:1].isupper()


@dataclass(frozen=True, slots=True)
class Reading:
    """A possible original of an observed word or phrase, before the document's priors."""

    words: tuple[str, ...]
    relation: str
    original: str  # the channel row's original (the pooling key)
    log10_share: float  # log10 q(observed | original), re-inflection penalty included


class ReadingTable:
    """Cached readings per observed string: the lexicon read backwards, re-inflected,
    limited to words the LM knows and ranked by ``log10_share + unigram(original)``.

    ``phrases`` is the phrase channel (``unspin.phrases.PhraseChannel``) whose arcs the
    lattice adds when ``ChannelParams.phrases`` asks for them; the restorer attaches it when
    a restore first asks for phrases (None until then)."""

    def __init__(self, lexicon: Lexicon, lm, max_readings: int = RANKED_READINGS, phrases=None) -> None:
        self.lexicon = lexicon
        self.lm = lm
        self.max_readings = max_readings
        self.phrases = phrases
        self._cache: dict[str, tuple[Reading, ...]] = {}
        self._bases: dict[str, list] = {}
        self.phrase_prefixes = phrase_prefixes(lexicon)

    def readings(self, observed: str) -> tuple[Reading, ...]:
        hit = self._cache.get(observed)
        if hit is None:
            if len(self._cache) > MAX_CACHED_READINGS:  # bounded on endless crawls
                self._cache.clear()
                self._bases.clear()
            hit = self._cache[observed] = self._build(observed)
        return hit

    def _likeliest(self, base: str) -> list:
        """The channel rows of an uninflected form, likeliest first by share and by how
        common the original is ("move" has 1,400 originals: "run" must be among those kept),
        cut to the table's reading budget."""
        hit = self._bases.get(base)
        if hit is None:
            unigram = self.lm.unigram
            links = sorted(self.lexicon.backward(base),
                           key=lambda link: -(math.log10(link.share) + unigram(link.original.split(" ")[0])))
            hit = self._bases[base] = links[: self.max_readings]
        return hit

    def _build(self, observed: str) -> tuple[Reading, ...]:
        lexicon = self.lexicon
        phrase = " " in observed
        based_on = [(base, penn) for base, penn in bases(observed) if lexicon.is_replacement(base)]
        if phrase and not based_on and not lexicon.is_replacement(observed):
            return ()  # most word runs are no spinner's phrase: nothing to read
        found: dict[tuple[str, ...], Reading] = {}
        known = self.lm.known
        itself = tuple(observed.split(" "))

        def add(words: tuple[str, ...], relation: str, original: str, log10_share: float) -> None:
            if words == itself:
                return  # reading the words as they stand is the keep arc, not a spun reading
            held = found.get(words)
            if held is not None and held.log10_share >= log10_share:
                return
            if held is not None or all(known(word) for word in words):
                found[words] = Reading(words, relation, original, log10_share)

        direct = lexicon.ranked_backward(observed)
        for link in direct:
            add(tuple(link.original.split()), link.relation, link.original, math.log10(link.share))
        # Re-inflected paths: "troopers" -> trooper -> soldier -> "soldiers"; a phrase by its
        # head: "came through" -> come through -> win -> "won".  An original with no form
        # of the observed word's tag is read as it stands ("crossed" -> cross -> "across").
        based = []
        for base, penn in based_on:
            links = self._likeliest(base)
            based += [(link, penn) for link in links]
            degree = periphrastic(observed, base)
            for link in links:
                relation = link.relation + relations.INFLECTED
                share = link.share * REINFLECTION_FACTOR
                forms = inflect(link.original, penn)
                if not forms and degree:  # "more middle" -> middle -> central: "more central"
                    forms = (f"{degree} {link.original}",)
                for form in forms or (link.original,):
                    factor = (UNINFLECTED_FACTOR if not forms
                              else UNCHANGED_FORM_FACTOR if len(forms) > 1 and form == link.original  # "film"
                              else 1.0)
                    add(tuple(form.split()), relation, link.original, math.log10(share * factor))
        # Two steps: the original was spun into a word that was spun again ("nearly" ->
        # about -> "astir"); through the likeliest middles only, for single words.
        if not phrase:
            middles = sorted([(link, ()) for link in direct[:CHAIN_MIDDLES]] + based[:CHAIN_MIDDLES],
                             key=lambda item: -item[0].share)
            for link, penn in middles[:CHAIN_MIDDLES]:
                for middle in (link.original, *lemmas(link.original)):
                    for second in lexicon.ranked_backward(middle)[:CHAIN_LINKS]:
                        if second.original == observed:
                            continue
                        share = link.share * second.share * CHAIN_FACTOR
                        forms = inflect(second.original, penn) if penn else ()
                        for form in forms or (second.original,):
                            add(tuple(form.split()), "chain", second.original, math.log10(share))
        unigram = self.lm.unigram
        ranked = sorted(found.values(),
                        key=lambda r: -(r.log10_share + sum(unigram(w) for w in r.words)))
        return tuple(ranked[: self.max_readings])


@dataclass(frozen=True, slots=True)
class FirstPass:
    """What a document's first pass says of its spinner's habits: of its ``spinnable`` words
    it restored ``restored``, ``literal`` of them to an original the document also uses as it
    stands and ``capitalised`` of them capitalised words."""

    restored: int
    literal: int
    capitalised: int
    spinnable: int

    def per_occurrence_evidence(self) -> float:
        """The log likelihood ratio of a spinner that chooses anew at every occurrence against
        one that keeps one replacement per word.  A wrong restoration (the share clean text
        would give) hits as in clean text, a right one as the spinner's kind has it."""
        restored, spinnable = self.restored, self.spinnable
        wrong = min(1.0, CLEAN_RESTORED * spinnable / restored) if restored else 1.0
        fixed = wrong * LITERAL_SHARE_CLEAN + (1.0 - wrong) * LITERAL_SHARE_FIXED
        anew = wrong * LITERAL_SHARE_CLEAN + (1.0 - wrong) * LITERAL_SHARE_PER_OCCURRENCE
        return bernoulli_evidence(self.literal, restored, fixed, anew)

    def chooses_anew(self, prior: float = PER_OCCURRENCE_PRIOR) -> float:
        """P(the spinner chooses anew at every occurrence) from ``prior`` and this evidence."""
        return posterior(prior, self.per_occurrence_evidence())

    def capital_evidence(self) -> float:
        """The log likelihood ratio of a spinner that spins capitalised words against one
        that leaves them alone."""
        return bernoulli_evidence(self.capitalised, self.restored, CAPITAL_SHARE_LEFT, CAPITAL_SHARE_SPUN)

    def tally(self, per_occurrence: Counter, capitalised: Counter) -> None:
        """Count this document into histograms of both log likelihood ratios (to HABIT_DIGITS
        decimals): what a crawl or a profile keeps of its documents (``crawl_habits``)."""
        per_occurrence[round(self.per_occurrence_evidence(), HABIT_DIGITS)] += 1
        capitalised[round(self.capital_evidence(), HABIT_DIGITS)] += 1


@dataclass(frozen=True, slots=True)
class Habits:
    """The priors of a document's spinner habits before its own first pass: that it chooses
    anew at every occurrence, that it spins capitalised words (a crawl's: ``crawl_habits``)."""

    per_occurrence: float = PER_OCCURRENCE_PRIOR
    capitalised: float = CAPITALS_PRIOR

    @classmethod
    def of(cls, per_occurrence: Counter, capitalised: Counter) -> "Habits | None":
        """What histograms of documents' evidence lend (``crawl_habits``); None where it is
        the defaults (they say nothing a document does not)."""
        lent = crawl_habits(per_occurrence, capitalised)
        return None if lent == cls() else lent

    def rounded(self) -> tuple[float, float]:
        """Both priors to two decimals, as the signature and the batch summary say them."""
        return round(self.per_occurrence, 2), round(self.capitalised, 2)


def bernoulli_evidence(hits: int, draws: int, share_without: float, share_with: float) -> float:
    """log P(hits of draws | share_with) / P(hits of draws | share_without), Bernoulli draws."""
    return (hits * math.log(share_with / share_without)
            + (draws - hits) * math.log((1.0 - share_with) / (1.0 - share_without)))


def posterior(prior: float, evidence: float) -> float:
    """P(habit) from its prior and a log likelihood ratio."""
    log_odds = math.log(prior / (1.0 - prior)) + evidence
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, log_odds))))


def literal_weighed(chooses_anew: float) -> float:
    """LITERAL_LOG10 where the spinner chooses anew at every occurrence with this probability
    (then an original used as it stands is no sign)."""
    return math.log10((1.0 - chooses_anew) * 10**LITERAL_LOG10 + chooses_anew)


def capital_factor(first: FirstPass, prior: float = CAPITALS_PRIOR) -> float:
    """CAPITAL_FACTOR for a document with this first pass: towards CAPITAL_FACTOR_SPUN as the
    posterior that its spinner spins capitalised words grows."""
    spins = posterior(prior, first.capital_evidence())
    return (1.0 - spins) * CAPITAL_FACTOR + spins * CAPITAL_FACTOR_SPUN


def crawl_habits(per_occurrence: Counter, capitalised: Counter) -> Habits:
    """The priors a crawl lends its documents: for each habit, the share of its documents
    that have it, the maximum-likelihood mixing share given the documents' log likelihood
    ratios (``FirstPass.per_occurrence_evidence``, ``capital_evidence``: ratio -> documents),
    kept between the default prior and CRAWL_CEILING.  A crawl of one spinner moves the prior
    to that spinner's habit, a mixed crawl to its mixture; documents with no evidence leave
    the default."""

    def share(ratios: Counter, floor: float) -> float:
        factors = [(math.exp(max(-50.0, min(50.0, r))) - 1.0, n) for r, n in ratios.items()]

        def slope(pi: float) -> float:  # d/dpi of sum n log(pi e^r + 1 - pi): falls with pi
            return sum(n * f / (1.0 + pi * f) for f, n in factors)

        if slope(floor) <= 0.0:
            return floor
        if slope(CRAWL_CEILING) >= 0.0:
            return CRAWL_CEILING
        low, high = floor, CRAWL_CEILING
        for _ in range(60):
            middle = (low + high) / 2
            low, high = (middle, high) if slope(middle) > 0.0 else (low, middle)
        return (low + high) / 2

    return Habits(share(per_occurrence, PER_OCCURRENCE_PRIOR), share(capitalised, CAPITALS_PRIOR))


def periphrastic(observed: str, base: str) -> str | None:
    """"more" or "most" where ``observed`` is that word before ``base`` ("more middle"): a
    comparative the spinner wrote with a word, whose original takes the same word where it
    has no form of its own ("more central", not "central")."""
    words = observed.split(" ")
    return words[0] if len(words) == 2 and words[0] in DEGREES and words[1] == base else None


def bases(observed: str) -> list[tuple[str, tuple[str, ...]]]:
    """The uninflected forms of an observed word or phrase, each with the Penn tags that
    inflect it back: a word by its lemmas, a phrase by its last word as a plural noun
    ("sales agreements"), its first word as a plural noun before a preposition ("laws of
    nature") or as an inflected verb ("came through")."""
    words = observed.split(" ")
    if len(words) == 1:
        penn = tags(observed)
        return [(lemma, penn) for lemma in lemmas(observed)] if penn else []
    found = []
    if len(words) == 2 and words[0] in DEGREES:  # "more extended" -> extend: "longer"
        found += [(words[1], DEGREES[words[0]])]
    last = tags(words[-1])
    if "NNS" in last:
        found += [(" ".join(words[:-1] + [lemma]), ("NNS",)) for lemma in lemmas(words[-1])]
    if len(words) > 2 and words[1] in HEAD_FIRST and "NNS" in tags(words[0]):
        found += [(" ".join([lemma] + words[1:]), ("NNS",)) for lemma in lemmas(words[0])]
    first = tuple(tag for tag in tags(words[0]) if tag.startswith("VB"))
    if first:
        found += [(" ".join([lemma] + words[1:]), first) for lemma in lemmas(words[0])]
    return found


def spun_arcs(tokens: tuple[Token, ...], begin: int, table: ReadingTable, params: ChannelParams) -> list[Arc]:
    """Substitution arcs starting at token ``begin`` (single words and phrases)."""
    token = tokens[begin]
    if not is_word(token.text) or (len(token.text) > 1 and token.text.isupper()):
        return []  # punctuation, or an acronym (TV, NATO): names are not restored
    capitalised = is_capitalised(token)
    log10_spin = params.log10_spin(capitalised)
    profile = params.profile  # a capitalised word is read with the profile's capitalised entries
    arcs = []
    longest = min(table.lexicon.max_replacement_words, len(tokens) - begin)
    prefixes = table.phrase_prefixes
    observed = token.norm
    for length in range(1, longest + 1):
        if length > 1:  # a run of words is read while it may still be a spinner's phrase
            following = tokens[begin + length - 1]
            if not is_word(following.text) or previous not in prefixes:
                break
            observed += " " + following.norm
        previous = observed
        held = profile_key(observed, capitalised)
        if profile is not None and held in profile.plain:
            continue  # the spinner's pages never use these words for another
        pooled = params.bonus
        present = params.present
        readings = table.readings(observed)
        known = tuple(map(untitled, profile.known(held))) if profile is not None else ()
        if params.context and readings:
            # only readings that could beat the words as they stand in this context
            (kept, _none), *fits = in_context(readings, tokens, begin, begin + length, table.lm)
            floor = kept + params.log10_keep(False) - log10_spin - CONTEXT_MARGIN
            readings = [reading for value, reading in fits[: params.max_candidates]
                        if value >= floor or reading.words in known]
        else:
            readings = readings[: params.max_candidates]
        if known:  # what the profile reads the words as is always a candidate
            readings = with_known(readings, known, table.readings(observed), params.max_candidates)
        for reading in readings:
            bonus = pooled.get((observed, reading.words), 0.0) if pooled else 0.0
            if reading.original in present:
                bonus += params.literal
            channel = log10_spin + reading.log10_share
            if profile is not None:
                channel = profile.log10_spun(held, titled(reading.words) if capitalised else reading.words, channel)
            candidate = Candidate(reading.words, reading.relation, channel + bonus, reading.original,
                                  reading.log10_share)
            arcs.append(Arc(begin, begin + length, candidate))
    return arcs


def with_known(readings: list, known: tuple, everything: tuple, limit: int) -> list:
    """``readings`` plus the readings in ``known`` (a profile's) that it lacks, within
    ``limit``; an original the channel does not hold at all (a profile's discovery,
    ``profiles.discovery``) comes as a reading of relation LEARNED."""
    have = {reading.words for reading in readings}
    wanted = set(known) - have
    if not wanted:
        return readings
    extra = [reading for reading in everything if reading.words in wanted]
    held = {reading.words for reading in extra}
    extra += [Reading(words, relations.LEARNED, " ".join(words), LEARNED_LOG10_SHARE)
              for words in known if words in wanted and words not in held]
    return list(readings[: max(0, limit - len(extra))]) + extra


def in_context(readings, tokens: tuple[Token, ...], begin: int, end: int, lm) -> list[tuple[float, Reading]]:
    """Each of ``readings`` of tokens ``[begin, end)`` with its fit between its neighbours
    (its channel share plus the LM's log10 of its words after the preceding words and of
    the next word after them; one short LM pass each), best first; and the observed words'
    own fit (share 0) as the first item, with reading None."""
    first = max(0, begin - (lm.order - 1))
    state = lm.begin_state() if first == 0 else lm.null_state()
    for token in tokens[first:begin]:
        _, state = lm.score(state, token.norm)
    following = tokens[end].norm if end < len(tokens) else None
    score = lm.score

    def fit(words, share: float) -> float:
        total, after = share, state
        for word in words:
            log10_prob, after = score(after, word)
            total += log10_prob
        if following is not None:
            total += score(after, following)[0]
        return total

    observed = fit([t.norm for t in tokens[begin:end]], 0.0)
    ranked = sorted(((fit(r.words, r.log10_share), r) for r in readings), key=lambda item: -item[0])
    return [(observed, None)] + ranked


def keep_arc(position: int, token: Token, lexicon: Lexicon, params: ChannelParams) -> Arc:
    return Arc(position, position + 1, Candidate((token.norm,), "keep", log10_keep(token, lexicon, params)))


def log10_keep(token: Token, lexicon: Lexicon, params: ChannelParams) -> float:
    """The channel's log10 probability that the token is written as it stands."""
    if not (is_word(token.text) and lexicon.spinnable(token.norm)):
        return 0.0
    capitalised = is_capitalised(token)
    generic = params.log10_keep(capitalised)
    if params.profile is None:
        return generic
    return params.profile.log10_keep(profile_key(token.norm, capitalised), generic)


def lattice(tokens: tuple[Token, ...], table: ReadingTable, params: ChannelParams) -> list[list[Arc]]:
    """Arcs grouped by start position (positions are indices into ``tokens``); with
    ``params.phrases``, the phrase channel's term arcs too (``with_reading``)."""
    if not params.phrases:
        return [[keep_arc(position, token, table.lexicon, params)] + spun_arcs(tokens, position, table, params)
                for position, token in enumerate(tokens)]
    phrases = table.phrases
    if phrases is None:
        raise UnspinError("E030", "phrase arcs were asked for, but the reading table has no phrase channel "
                          "(Restorer(phrases=True) attaches it)")
    grouped = [[keep_arc(position, token, table.lexicon, params)] + spun_arcs(tokens, position, table, params)
               for position, token in enumerate(tokens)]
    for position in range(len(tokens)):
        for arc in phrases.arcs(tokens, position, params):
            with_reading(grouped[arc.begin], arc)
    return grouped


def with_reading(arcs: list[Arc], arc: Arc) -> None:
    """Add ``arc`` to the arcs of its start, or, when an arc there already reads the same
    tokens as the same words (the word channel and the phrase channel found one reading),
    keep one arc for it: the more likely derivation's, with the two priors summed (the
    reading's probability is that of either way of writing it)."""
    key = (arc.end, arc.candidate.words)
    for index, held in enumerate(arcs):
        if (held.end, held.candidate.words) == key and held.candidate.relation != "keep":
            a, b = held.candidate.log10_prior, arc.candidate.log10_prior
            both = max(a, b) + math.log10(1.0 + 10.0 ** -abs(a - b))
            kept = arc if b > a else held
            arcs[index] = Arc(kept.begin, kept.end, dataclasses.replace(kept.candidate, log10_prior=both))
            return
    arcs.append(arc)
