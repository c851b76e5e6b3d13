"""The decode passes over one document: sentences -> lattices -> best paths -> sites.

Two passes over the document.  Pass one decodes with a prior spin rate and counts what
it restored; that gives the document's own spin rate and pooled evidence (a spinner
keeps one replacement per word, so every restoration of "successful" -> "in" supports
the others).  Pass two decodes again with both.  Every span the best path changes, and
every other occurrence of a word it changes, becomes a Site; with its evidence
(``unspin.evidence``) it is a Proposal.  Corpus mode (``gather``) runs the passes over a
whole crawl first and keeps what every occurrence says.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from dataclasses import dataclass
from typing import Iterator, NamedTuple

from unspin.candidates import (CAPITAL_FACTOR, LITERAL_LOG10, ChannelParams, FirstPass, Habits, ReadingTable,
                               capital_factor, is_capitalised, lattice, literal_weighed)
from unspin.casing import eligible
from unspin.decode import best_path, posteriors
from unspin.evidence import Agreement, DocumentFacts, Evidence, document_facts, readings
from unspin.evidence.neural import assess
from unspin.lm import LanguageModel
from unspin.tokenize import is_word, sentences
from unspin.topics import Topics
from unspin.types import Arc, Candidate, Document, Site, observed

PRIOR_RATE = 0.05
# The commonest English words that no spinner here replaces: a text where they are
# rare is not English (or not prose) and is left untouched.
ENGLISH_MARKERS = frozenset("the of and to a is that for it with on was by this are from not".split())
MIN_MARKER_SHARE = 0.06
MAX_SENTENCE_TOKENS = 80
POOL_WEIGHT = 2.0
FIRST_PASS_SHARE = 4  # the first pass reads a quarter of the candidates (it only counts)
# ... with two hypotheses per position, whatever the second pass's beam: a wider first beam
# finds more readings in clean text too, which raises its estimated spin rate (news_test
# clean text 0.46 -> 0.89 false edits per 1,000 words with 6; bench/NOTES.md 2026-12-07).
FIRST_PASS_BEAM = 2


class Decoded(NamedTuple):
    """One sentence (or piece of a long one) decoded: its lattice, best path and LM states."""

    tokens: tuple
    arcs: list[list[Arc]]
    path: list[Arc]
    states: list


def looks_english(document) -> bool:
    """Enough common English words (short texts get the benefit of the doubt)."""
    words = [t.norm for t in document.tokens if is_word(t.text)]
    if len(words) < 8:
        return True
    return sum(w in ENGLISH_MARKERS for w in words) / len(words) >= MIN_MARKER_SHARE


def chunks(document) -> list[tuple[int, int]]:
    """Sentence ranges, long ones cut so that the beam stays small."""
    ranges = []
    for begin, end in sentences(document):
        for cut in range(begin, end, MAX_SENTENCE_TOKENS):
            ranges.append((cut, min(end, cut + MAX_SENTENCE_TOKENS)))
    return ranges


def pieces(document) -> list[tuple]:
    """The document's tokens cut into the pieces the passes decode (``chunks``)."""
    return [document.tokens[b:e] for b, e in chunks(document)]


def decode_sentence(tokens, lm, table, params, beam_size):
    arcs = lattice(tokens, table, params)
    path, states = best_path(lm, arcs, beam_size)
    return arcs, path, states


def rivals(arcs: list[list[Arc]], tokens, chosen: Arc) -> list[Arc]:
    """Readings of the chosen arc's span: every arc with the same span, plus keeping it."""
    same = [a for a in arcs[chosen.begin] if a.end == chosen.end]
    if chosen.end - chosen.begin > 1:
        keeps = [arcs[p][0] for p in range(chosen.begin, chosen.end)]
        words = tuple(w for a in keeps for w in a.candidate.words)
        prior = sum(a.candidate.log10_prior for a in keeps)
        same.append(Arc(chosen.begin, chosen.end, Candidate(words, "keep", prior)))
    return same


def estimate_rate(spinnable: int, restored: int) -> float:
    """Spin rate of the document: restorations per spinnable word, smoothed."""
    return min(0.6, max(0.005, (restored + 0.5) / (spinnable + 10)))


def pool(first_pass: Counter) -> dict:
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
              topics: Topics | None = None, corpus: Agreement | None = None,
              neural=None, profile=None, habits: Habits | None = None,
              first: "list[list[Arc]] | None" = None) -> Iterator[Proposal]:
    """Decode the document in two passes and yield every span the best path changes, and
    every other occurrence of a word it changes somewhere (in the document, or with
    ``corpus``, anywhere in the corpus that ``gather`` read).  With ``neural`` (a loaded
    encoder), its reading scores and detection join the evidence (one pass per document).

    ``profile`` (a ``profiles.DocumentView``: ``fitting_view``, where the document fits a
    profile) replaces the generic channel of its lowercase words with the learned one and has
    every occurrence of a word it reads as spun read again.  ``habits``: the priors of the
    spinner's habits a crawl lends its documents (``candidates.crawl_habits``).  ``first``:
    the first pass's paths where they were decoded already (``decode``)."""
    facts, decoded = decode(document, lm, table, settings, topics, profile, habits, first)
    also = corpus.totals.keys() if corpus is not None else profile.also(document) if profile is not None else ()
    changed = changed_sites(decoded, lm, also)
    agreement = corpus if corpus is not None else Agreement.of(changed, facts.counts)
    if corpus is None and facts.chooses_anew is not None:  # claims hold as far as one dictionary does
        agreement.claim_weight = 1.0 - facts.chooses_anew
    if profile is not None and corpus is None:
        # The profile speaks through the channel (the posteriors already carry it); its own
        # agreement sums on top counted it twice (bench/NOTES.md), so only the source is marked.
        agreement.corpus = Agreement.PROFILE
    view = assess(neural, [item.tokens for item in decoded], changed) if neural is not None and changed else None
    for site in changed:
        yield Proposal(site.tokens, site.arc.begin, site.arc.end, site.keep,
                       readings(site, facts, agreement, neural=view, profile=profile))


def fitting_view(profile, document: Document, lm: LanguageModel, table: ReadingTable, settings):
    """``profile``'s view of the document, or None where it does not fit, the verdict
    (``Profile.weigh``: a ``types.ProfileUse``), and the generic first pass's paths where
    the gate decoded them (None where it did not): the document's pass one either way
    (``edits.document_proposals``), so that the gate costs no pass of its own.
    Its rival is another spinner: the gate reads what a generic first pass restores
    (lowercase words only: profiles are learned on those) and counts the words the profile
    has never seen spun against it, so a spinner that shares a few words with this one
    does not open its profile (bench/NOTES.md)."""
    paths: list[list[Arc]] | None = None

    def suspects() -> list[str]:
        nonlocal paths
        parts = pieces(document)
        paths = [first_pass_path(tokens, lm, table, settings, None) for tokens in parts]
        found = []
        for tokens, path in zip(parts, paths):
            for arc in path:
                if arc.candidate.relation != "keep" and eligible(tokens[arc.begin]):
                    found.append(observed(tokens, arc))
        return found

    view, use = profile.weigh(document, suspects)
    return view, use, paths


def gather(documents, lm: LanguageModel, table: ReadingTable, settings) -> Agreement:
    """Pass one of corpus mode: what every document says about the words it changes.

    A spinner that rewrote a whole crawl used one dictionary for all of it, so the
    readings of "produce" in one story are evidence in every other story.
    """
    corpus = Agreement(corpus=True)
    for document in documents:
        if looks_english(document):
            facts, decoded = decode(document, lm, table, settings, None)
            corpus.add(changed_sites(decoded, lm, ()), facts.counts, facts.first_pass)
    return corpus


def decode(document: Document, lm: LanguageModel, table: ReadingTable, settings,
           topics: Topics | None, profile=None, habits: Habits | None = None,
           first: "list[list[Arc]] | None" = None) -> tuple[DocumentFacts, list[Decoded]]:
    """The two passes over one document: its facts and its sentences decoded.

    Pass one (skipped when the settings fix the spin rate) reads a quarter of the candidates,
    and words only (no phrase arcs), and counts what it restores: the document's spin rate,
    pooled evidence and its spinner's habits (``candidates.FirstPass``, weighed from
    ``habits``' priors: a crawl's, ``candidates.crawl_habits``, or the defaults).  Pass two
    decodes with them (and phrase arcs when ``settings.phrases``).  Both read lowercase words
    with ``profile``'s channel when given, except that ``first``, pass one's paths (one per
    piece) where they were decoded already, are taken as they are: a restore passes the
    generic ones its profile's gate decoded (``fitting_view``, ``edits.document_proposals``)."""
    lexicon = table.lexicon
    parts = pieces(document)
    spinnable = sum(1 for t in document.tokens if is_word(t.text) and lexicon.is_replacement(t.norm))
    rate = settings.spin_rate
    pairs: Counter = Counter()
    bonus: dict = {}
    capitals = 0  # first-pass restorations of capitalised words
    first_pass = rate is None
    if first_pass:
        if first is None:
            first = [first_pass_path(tokens, lm, table, settings, profile) for tokens in parts]
        for tokens, path in zip(parts, first, strict=True):
            for arc in path:
                if arc.candidate.relation != "keep":
                    pairs[(observed(tokens, arc), arc.candidate.words)] += 1
                    capitals += is_capitalised(tokens[arc.begin])
        rate = estimate_rate(spinnable, sum(pairs.values()))
        bonus = pool(pairs)
    facts = document_facts(document, lexicon, lm, rate, pairs, topics)
    if profile is not None:  # a word the spinner writes for others is no sign it left its own alone
        facts = dataclasses.replace(facts, present=profile.literal(facts.present))
    literal, capital = LITERAL_LOG10, CAPITAL_FACTOR
    if first_pass:  # what the first pass says of the spinner's habits
        habits = habits or Habits()
        hits, restored = literal_hits(pairs, facts.present)
        said = FirstPass(restored, hits, capitals, spinnable)
        anew = said.chooses_anew(habits.per_occurrence)
        facts = dataclasses.replace(facts, first_pass=said, chooses_anew=anew)
        literal = literal_weighed(anew)
        capital = capital_factor(said, habits.capitalised)
    params = ChannelParams(rate, settings.max_candidates, bonus, facts.present, literal, capital,
                           phrases=settings.phrases, profile=profile)
    return facts, [Decoded(tokens, *decode_sentence(tokens, lm, table, params, settings.beam_size)) for tokens in parts]


def literal_hits(pairs: Counter, present: frozenset) -> tuple[int, int]:
    """(first-pass restorations to a word the document also uses as it stands, all of them)."""
    hits = sum(count for (_observed, words), count in pairs.items() if len(words) == 1 and words[0] in present)
    return hits, sum(pairs.values())


def first_pass_path(tokens, lm: LanguageModel, table: ReadingTable, settings, profile) -> list[Arc]:
    """The first pass's best path over one piece: a cheaper decode (the prior spin rate, a
    quarter of the candidates, words only, ``FIRST_PASS_BEAM``) that only has to count."""
    params = ChannelParams(PRIOR_RATE, max(4, settings.max_candidates // FIRST_PASS_SHARE), {}, context=False,
                           phrases=False, profile=profile)
    return decode_sentence(tokens, lm, table, params, min(FIRST_PASS_BEAM, settings.beam_size))[1]


def changed_sites(decoded: list[Decoded], lm: LanguageModel, also) -> list[Site]:
    """Sites the best path changes, then the kept occurrences of the single words it
    changes (and of the words in ``also``): a spinner writes every occurrence of a word
    the same way, so they are read again even where the path keeps them."""
    changed = [site_at(tokens, arcs, path, states, index, lm)
               for tokens, arcs, path, states in decoded
               for index, arc in enumerate(path) if arc.candidate.relation != "keep"]
    again = {site.tokens[site.arc.begin].norm for site in changed if site.arc.end - site.arc.begin == 1}
    again.update(also)
    return changed + [site_at(tokens, arcs, path, states, index, lm)
                      for tokens, arcs, path, states in decoded
                      for index, arc in enumerate(path)
                      if arc.candidate.relation == "keep" and tokens[arc.begin].norm in again
                      and len(arcs[arc.begin]) > 1]


def site_at(tokens, arcs, path, states, index: int, lm: LanguageModel) -> Site:
    """The site at one arc of the best path: every reading of its span with its posterior."""
    arc = path[index]
    ranked = tuple(posteriors(lm, path, states, index, rivals(arcs, tokens, arc)))
    keep = sum(p for a, p in ranked if a.candidate.relation == "keep")
    neighbours = sum(1 for other in (index - 1, index + 1)
                     if 0 <= other < len(path) and path[other].candidate.relation != "keep")
    return Site(tokens, arc, ranked, keep, neighbours)
