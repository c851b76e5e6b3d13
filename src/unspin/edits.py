"""Edit assembly: proposals with their confidences -> the edits of a Restoration.

Each proposal becomes at most one edit, its most confident reading that changes the text
(the others are its alternatives), kept when the confidence reaches the threshold, or
NEIGHBOUR_GAP under it where the edit touches a kept one (``kept_edits``); a/an before a
restored word is repaired, overlapping edits are dropped.  The document's spun
score reads every site the decoder changes, confident or not (``spun_score``).
"""

from __future__ import annotations

import dataclasses
import math

from unspin.calibration import Calibration
from unspin.candidates import ReadingTable
from unspin.evidence import Agreement
from unspin.lm import LanguageModel
from unspin.passes import Proposal, fitting_view, looks_english, proposals
from unspin.signature import without_corpus
from unspin.surface import LOWER_INSIDE, Capitals, article_edits, match_case, reason, starts_sentence
from unspin.tokenize import is_word, tokenize
from unspin.topics import Topics
from unspin.types import Alternative, Edit, ProfileUse, Restoration, apply_edits

# Spinners change runs of adjacent words, and a reader sees a run repaired in part as still
# broken: an edit that touches a kept edit (nothing but spaces and punctuation between them,
# on one line) is kept from this much under the threshold (0.4 at the default 0.6; a higher
# threshold, asked for precision, keeps its neighbours higher too).  news_dev, leave-one-out
# trees, every family: F0.5 per run of spun words +0.008 to +0.027, per edit -0.007 to +0.027
# (bench/NOTES.md).
NEIGHBOUR_GAP = 0.2


def restore_text(text: str, lm: LanguageModel, table: ReadingTable, settings, signature: str,
                 calibration: Calibration | None = None, topics: Topics | None = None,
                 corpus: Agreement | None = None, neural=None, profile=None, habits=None,
                 capitals: Capitals | None = None) -> Restoration:
    calibration = calibration or Calibration.identity()
    document = tokenize(text)
    words = sum(1 for t in document.tokens if is_word(t.text))
    if not looks_english(document):
        return Restoration(text, text, (), 0.0, signature)
    found, use, alone = document_proposals(document, lm, table, settings, topics, corpus, neural, profile, habits)
    if alone:
        signature = without_corpus(signature)
    scores = iter(calibration.confidences([e for p in found for _c, e in p.readings if e is not None]))
    chosen: list[Edit] = []
    for proposal in found:
        ranked = sorted(((candidate, proposal.keep if evidence is None else next(scores))
                         for candidate, evidence in proposal.readings), key=lambda item: -item[1])
        edit = choose_edit(text, proposal, ranked, settings, capitals)
        if edit is not None:
            chosen.append(edit)
    edits = kept_edits(text, chosen, settings.threshold)
    edits = without_overlaps(sorted(edits + article_edits(text, document, edits), key=lambda e: e.start))
    restored = apply_edits(text, edits)
    evidence = sum(site_evidence(proposal.keep) for proposal in found)
    return Restoration(text, restored, tuple(edits), spun_score(evidence, words), signature, evidence, use)


def document_proposals(document, lm: LanguageModel, table: ReadingTable, settings, topics: Topics | None = None,
                       corpus: Agreement | None = None, neural=None, profile=None, habits=None
                       ) -> tuple[list[Proposal], ProfileUse | None, bool]:
    """The document's proposals as restoring weighs them (scripts/calibrate.py dumps these
    too, so that the trees are fitted on what they will read): with a profile, its view of the
    document (``passes.fitting_view``; none where the document does not fit it), the habits
    its pages said where the caller lends none, and a seasoned profile reading the documents
    it fits without the crawl's agreement.  Returns the proposals, the profile's verdict, and
    whether the crawl's agreement was left out."""
    # pass one reads the generic channel whenever the gate decoded it: where the profile fits,
    # its own pass one pooled its readings a second time (bench/NOTES.md), and it cost a pass
    view, use, first = fitting_view(profile, document, lm, table, settings) if profile is not None else (None, None, None)
    if view is not None and habits is None:
        habits = profile.habits  # the spinner's habits, as its pages said them
    alone = view is not None and corpus is not None and profile.seasoned
    if alone:  # a seasoned profile reads the documents it fits better alone than with the batch's agreement
        corpus = None
    found = list(proposals(document, lm, table, settings, topics, corpus, neural=neural, profile=view, habits=habits,
                           first=first))
    return found, use, alone


def kept_edits(text: str, edits: list[Edit], threshold: float) -> list[Edit]:
    """The edits whose confidence reaches ``threshold``, and those from ``NEIGHBOUR_GAP`` under
    it that touch a kept edit (``touching``), through chains of them; the latter say so in
    their reason."""
    kept = [edit for edit in edits if edit.confidence >= threshold]
    waiting = [edit for edit in edits if threshold - NEIGHBOUR_GAP <= edit.confidence < threshold]
    added = True
    while waiting and added:
        added = False
        for edit in list(waiting):
            if any(touching(text, edit, other) for other in kept):
                waiting.remove(edit)
                kept.append(dataclasses.replace(edit, reason=f"{edit.reason}; kept under the threshold "
                                                             "beside another edit (a run of spun words)"))
                added = True
    return sorted(kept, key=lambda edit: edit.start)


def touching(text: str, one: Edit, other: Edit) -> bool:
    """Whether two edits are neighbours: only spaces and punctuation between them, on one line."""
    first, second = (one, other) if one.start <= other.start else (other, one)
    if first.end > second.start:
        return False  # they overlap: without_overlaps keeps one of them
    gap = text[first.end : second.start]
    return "\n" not in gap and not any(c.isalnum() for c in gap)


def without_overlaps(edits: list[Edit]) -> list[Edit]:
    """Keep the first of any edits that overlap (sorted by start), so they always apply."""
    kept: list[Edit] = []
    for edit in edits:
        if not kept or edit.start >= kept[-1].end:
            kept.append(edit)
    return kept


def choose_edit(text: str, proposal: Proposal, ranked, settings, capitals: Capitals | None = None) -> Edit | None:
    """The most confident reading that changes the text, with the others as alternatives.

    A multi-word reading that repeats the span's first or last words ("Brent early" ->
    "Brent crude") edits only what it changes ("early" -> "crude"): the words it keeps stay
    as the text writes them, case included."""
    tokens = proposal.tokens
    chosen = next(((c, p) for c, p in ranked if c.relation != "keep"), None)
    if chosen is None:
        return None
    candidate, confidence = chosen
    begin, end, head, tail = trimmed(tokens, proposal.begin, proposal.end, candidate.words)
    first, last = tokens[begin], tokens[end - 1]
    spun = text[first.start : last.end]
    span = tokens[begin:end]
    opens = starts_sentence(text, first.start)
    inside = not opens and not in_a_name(text, tokens, begin)

    def own(words: tuple[str, ...]) -> bool:  # the span's capitals are its spinner's (surface.Capitals)
        return not opens and capitals is not None and capitals.own(spun, words)  # after a name too ("Smith told")

    reading = candidate.words[head : len(candidate.words) - tail]
    restored = written(reading, span, spun, inside, own(reading))
    if restored == spun:
        return None
    alternatives = []
    for c, p in ranked:
        if c is candidate:
            continue
        words = _inside(c.words, candidate.words, head, tail)
        if words is not None:
            alternatives.append(Alternative(written(words, span, spun, inside, own(words)), round(p, 4), c.relation))
    return Edit(first.start, last.end, spun, restored, round(confidence, 4), candidate.relation,
                reason(spun, candidate), tuple(alternatives[: settings.alternatives]))


def trimmed(tokens, begin: int, end: int, words: tuple[str, ...]) -> tuple[int, int, int, int]:
    """The tokens [begin, end) less the leading and trailing ones that the reading ``words``
    repeats as they stand (case aside), keeping at least one token and one word: (begin,
    end, words dropped at the head, words dropped at the tail)."""
    head = tail = 0
    while (len(words) - head - tail > 1 and end - begin > 1
           and tokens[begin].text.lower() == words[head].lower()):
        begin, head = begin + 1, head + 1
    while (len(words) - head - tail > 1 and end - begin > 1
           and tokens[end - 1].text.lower() == words[len(words) - 1 - tail].lower()):
        end, tail = end - 1, tail + 1
    return begin, end, head, tail


def _inside(words: tuple[str, ...], chosen: tuple[str, ...], head: int, tail: int) -> tuple[str, ...] | None:
    """An alternative reading's words inside the chosen edit's trimmed span: None when it does
    not repeat the words trimmed off the chosen reading (it is not a reading of that span)."""
    if head + tail == 0:
        return words
    if len(words) <= head + tail:
        return None
    same = [a.lower() for a in words[:head]] == [b.lower() for b in chosen[:head]] and \
        [a.lower() for a in words[len(words) - tail :]] == [b.lower() for b in chosen[len(chosen) - tail :]]
    return words[head : len(words) - tail] if same else None


def written(words: tuple[str, ...], span, spun: str, inside: bool = False, own_capitals: bool = False) -> str:
    """The reading as the text would write it.  A word the span already holds with capitals
    keeps the span's spelling ("Secretary"); the others take the case of the token they replace when
    the counts agree, else the first takes the first token's case and the rest are
    capitalised when a later spun word is ("game Society" -> "Club", "Union United states"
    -> "North America"), all upper case when the span is.  ``inside`` a sentence, a word of
    ``surface.LOWER_INSIDE`` is written in lower case whatever the span's capitals ("Robert
    Indiana" -> "in", "World Health Organization" -> "who": the spinner's capitals).
    ``own_capitals``: the span's capitals are the spinner's, not the original's (a span spelled
    as a capitalised WordNet lemma, read as words English writes in lower case inside a
    sentence: ``surface.Capitals``): the reading is written as it stands ("Holocene epoch" ->
    "recent", "Department of State" -> "told"), all-capital spans aside."""
    texts = [t.text for t in span if is_word(t.text)] or [spun]
    if inside and len(words) == 1 and words[0] in LOWER_INSIDE:
        return words[0]
    if own_capitals and not any(t.isupper() and len(t) > 1 for t in texts):
        return " ".join(words)
    if len(words) == len(span) and len(span) > 1:
        out = [match_case(word, token.text) for word, token in zip(words, span)]
    elif len(texts) > 1 and all(t.isupper() and len(t) > 1 for t in texts):
        out = [word.upper() for word in words]
    else:
        later = any(t[:1].isupper() for t in texts[1:])
        out = [match_case(words[0], texts[0])] + [_capital(w) if later else w for w in words[1:]]
        if len(words) == 1 and later:
            out[0] = _capital(out[0])
    surface = {t.text.lower(): t.text for t in span if not t.text.islower()}  # the capitals it has
    return " ".join(surface.get(word.lower(), word) for word in out)


def in_a_name(text: str, tokens, begin: int) -> bool:
    """Whether the words from token ``begin`` continue a run of capitalised words (a capitalised word
    right before them, nothing but spaces between), as in a name or a title ("Carry On
    films", "Man Walks Across Minefield"), where even "on" is.  Only the word before counts: a
    word like "in" is often followed by a name ("Robert Indiana London" for "in London")."""
    if begin == 0:
        return False
    before = tokens[begin - 1]
    return is_word(before.text) and before.text[:1].isupper() and not text[before.end : tokens[begin].start].strip()


def _capital(word: str) -> str:
    return word[:1].upper() + word[1:]


# The spun score: a logistic over the document's evidence of spinning beyond what clean text
# of its length shows.  Fitted by scripts/fit_spun_score.py (held-out training news decoded
# with the calibration LM, spun by the restorer's own families at rates 0.05-0.25, and the
# same documents clean; bench/spun_score_fit.json records the fit): refit it when the LM,
# the channel or the decoder changes.
SITE_EVIDENCE_CAP = 4.0  # log10: one site says at most "10,000 to 1 spun"
CLEAN_EVIDENCE_PER_WORD = 0.00761
SCORE_BIAS = -2.3398
SCORE_SLOPE = 6.4731


def site_evidence(keep: float) -> float:
    """What one site says for spinning: -log10 of the posterior of its words as they stand
    against the decoder's readings, capped (an odd name or a typo is not a spun document)."""
    return -math.log10(max(keep, 10.0 ** -SITE_EVIDENCE_CAP))


def excess(evidence: float, words: int, per_word: float = CLEAN_EVIDENCE_PER_WORD) -> float:
    """The evidence beyond what clean text of ``words`` words shows (``per_word`` a word), in
    units of sqrt(words): clean text's excess is noise whose spread grows as sqrt(words), a
    spun text's grows linearly, so a long clean page scores as a short one and a long spun
    page higher."""
    return (evidence - per_word * words) / math.sqrt(words)


def spun_score(evidence: float, words: int, bias: float = SCORE_BIAS, slope: float = SCORE_SLOPE,
               per_word: float = CLEAN_EVIDENCE_PER_WORD) -> float:
    """How likely a document of ``words`` words whose sites sum to ``evidence`` is spun, 0..1
    (0.5: as likely as not, at even odds).

    The one definition of the score: a document read in pieces sums both over its pieces
    (``stream.Tally``); scripts/fit_spun_score.py scores its fits with it.  Every site counts,
    not only the confident edits: at a spin rate of 0.1 many spun paragraphs have no edit
    above the threshold, but their sites still stand out.
    """
    if words == 0:
        return 0.0
    logit = bias + slope * excess(evidence, words, per_word)
    return round(1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, logit)))), 4)
