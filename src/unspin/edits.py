"""Edit assembly: proposals with their confidences -> the edits of a Restoration.

Each proposal becomes at most one edit, its most confident reading that changes the text
(the others are its alternatives), kept when the confidence reaches the threshold; a/an
before a restored word is repaired, overlapping edits are dropped, and the document's
spun score is the density of confident edits.
"""

from __future__ import annotations

import math

from unspin.calibration import Calibration
from unspin.candidates import ReadingTable
from unspin.evidence import Agreement
from unspin.lm import LanguageModel
from unspin.passes import Proposal, looks_english, proposals
from unspin.surface import article_edits, match_case, reason
from unspin.tokenize import is_word, tokenize
from unspin.topics import Topics
from unspin.types import Alternative, Edit, Restoration, apply_edits


def restore_text(text: str, lm: LanguageModel, table: ReadingTable, settings, signature: str,
                 calibration: Calibration | None = None, topics: Topics | None = None,
                 corpus: Agreement | None = None, neural=None, profile=None) -> Restoration:
    calibration = calibration or Calibration.identity()
    document = tokenize(text)
    words = sum(1 for t in document.tokens if is_word(t.text))
    if not looks_english(document):
        return Restoration(text, text, (), 0.0, signature)
    found = list(proposals(document, lm, table, settings, topics, corpus, neural=neural, profile=profile))
    scores = iter(calibration.confidences([e for p in found for _c, e in p.readings if e is not None]))
    edits: list[Edit] = []
    for proposal in found:
        ranked = sorted(((candidate, proposal.keep if evidence is None else next(scores))
                         for candidate, evidence in proposal.readings), key=lambda item: -item[1])
        edit = choose_edit(text, proposal, ranked, settings)
        if edit is not None and edit.confidence >= settings.threshold:
            edits.append(edit)
    edits = without_overlaps(sorted(edits + article_edits(text, document, edits), key=lambda e: e.start))
    restored = apply_edits(text, edits)
    score = spun_score(edits, words)
    return Restoration(text, restored, tuple(edits), score, signature)


def without_overlaps(edits: list[Edit]) -> list[Edit]:
    """Keep the first of any edits that overlap (sorted by start), so they always apply."""
    kept: list[Edit] = []
    for edit in edits:
        if not kept or edit.start >= kept[-1].end:
            kept.append(edit)
    return kept


def choose_edit(text: str, proposal: Proposal, ranked, settings) -> Edit | None:
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
