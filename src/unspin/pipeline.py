"""The restoration pipeline for one text: tokenize -> candidates -> decode -> edits.

Two passes over the document.  Pass one decodes with a prior spin rate and counts what
it restored; that gives the document's own spin rate and pooled evidence (a spinner
keeps one replacement per word, so every restoration of "successful" -> "in" supports
the others).  Pass two decodes again with both.
"""

from __future__ import annotations

import math
from collections import Counter

from unspin.calibration import Calibration
from unspin.candidates import ChannelParams, ReadingTable, lattice
from unspin.decode import best_path, posteriors
from unspin.lm import LanguageModel
from unspin.surface import article_edits, match_case, reason
from unspin.tokenize import is_word, sentences, tokenize
from unspin.types import Alternative, Arc, Candidate, Edit, Restoration, apply_edits

PRIOR_RATE = 0.05
# The commonest English words that no spinner here replaces: a text where they are
# rare is not English (or not prose) and is left untouched.
ENGLISH_MARKERS = frozenset("the of and to a is that for it with on was by this are from not".split())
MIN_MARKER_SHARE = 0.06
MAX_SENTENCE_TOKENS = 80
POOL_WEIGHT = 2.0


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


def _present(document) -> frozenset:
    """Lowercase words of the document (candidates for "used as it stands")."""
    return frozenset(t.norm for t in document.tokens if t.text[:1].islower())


def _estimate_rate(spinnable: int, restored: int) -> float:
    """Spin rate of the document: restorations per spinnable word, smoothed."""
    return min(0.6, max(0.005, (restored + 0.5) / (spinnable + 10)))


def _pool(first_pass: Counter) -> dict:
    """Extra log10 prior for an (observed, original) pair restored more than once."""
    return {pair: POOL_WEIGHT * math.log10(count) for pair, count in first_pass.items() if count > 1}


def restore_text(text: str, lm: LanguageModel, table: ReadingTable, settings, signature: str,
                 calibration: Calibration | None = None) -> Restoration:
    calibration = calibration or Calibration.identity()
    lexicon = table.lexicon
    document = tokenize(text)
    chunks = [document.tokens[b:e] for b, e in _chunks(document)]
    words = sum(1 for t in document.tokens if is_word(t.text))
    spinnable = sum(1 for t in document.tokens if is_word(t.text) and lexicon.is_replacement(t.norm))

    if not looks_english(document):
        return Restoration(text, text, (), 0.0, signature)

    rate = settings.spin_rate
    bonus: dict = {}
    if rate is None:
        # a cheaper first pass: it only has to count restorations
        params = ChannelParams(PRIOR_RATE, max(4, settings.max_candidates // 2), {})
        pairs: Counter = Counter()
        for tokens in chunks:
            _arcs, path, _states = _decode_sentence(tokens, lm, table, params, max(2, settings.beam_size // 2))
            for arc in path:
                if arc.candidate.relation != "keep":
                    observed = " ".join(t.norm for t in tokens[arc.begin : arc.end])
                    pairs[(observed, " ".join(arc.candidate.words))] += 1
        rate = _estimate_rate(spinnable, sum(pairs.values()))
        bonus = _pool(pairs)
    params = ChannelParams(rate, settings.max_candidates, bonus, _present(document))

    edits: list[Edit] = []
    for tokens in chunks:
        arcs, path, states = _decode_sentence(tokens, lm, table, params, settings.beam_size)
        for index, arc in enumerate(path):
            if arc.candidate.relation == "keep":
                continue
            ranked = posteriors(lm, path, states, index, _rivals(arcs, tokens, arc))
            ranked = sorted(((a, calibration.apply(p, a.candidate.relation)) for a, p in ranked),
                            key=lambda item: -item[1])
            edit = _edit(text, tokens, arc, ranked, settings)
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


def _edit(text: str, tokens, arc: Arc, ranked, settings) -> Edit | None:
    first, last = tokens[arc.begin], tokens[arc.end - 1]
    spun = text[first.start : last.end]
    confidence = next(p for a, p in ranked if a is arc)
    restored = match_case(" ".join(arc.candidate.words), spun)
    if restored == spun:
        return None
    alternatives = tuple(
        Alternative(match_case(" ".join(a.candidate.words), spun), round(p, 4), a.candidate.relation)
        for a, p in ranked if a is not arc
    )[: settings.alternatives]
    return Edit(first.start, last.end, spun, restored, round(confidence, 4), arc.candidate.relation,
                reason(spun, arc.candidate), alternatives)


def spun_score(edits: list[Edit], words: int) -> float:
    """How likely the document is spun: confident restorations per 100 words, squashed."""
    if words == 0:
        return 0.0
    density = 100.0 * sum(e.confidence for e in edits if e.relation != "article") / words
    return round(1.0 / (1.0 + math.exp(-2.5 * (density - 1.5))), 4)
