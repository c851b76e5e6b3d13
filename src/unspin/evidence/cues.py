"""Closed-class cues from the whole document that an n-gram window often cannot see."""

from __future__ import annotations

import math
from collections import Counter

from unspin.candidates import tags

# Closed-class cues that an n-gram window often cannot see: which pronoun a paragraph is
# about ("he or she" -> she when the text says "her") and its tense ("bear" -> has or had).
GENDER = (frozenset("she her hers herself".split()), frozenset("he him his himself".split()))
# ... and what the document counts for each: the pronouns and the titles news writes before a
# name ("Mr Smith said": his paragraph's "he or she" is he; the thesaurus spinners write "Mister")
GENDER_COUNTED = (GENDER[0] | frozenset("mrs ms miss madam".split()), GENDER[1] | frozenset("mr mister sir".split()))
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


def tenses(counts: Counter) -> tuple[int, int]:
    """How many past and present verb forms the document uses."""
    past = present = 0
    for word, count in counts.items():
        sign = tense(word)
        if sign > 0:
            past += count
        elif sign < 0:
            present += count
    return past, present


def verb_cue(words: tuple[str, ...], tenses: tuple[int, int]) -> float:
    """log2 of the document's past against present verb forms, signed by the tense of the
    reading (0 for a reading that is neither: "make", "house")."""
    sign = tense(words[0]) if len(words) == 1 else 0
    return sign * math.log2((1 + tenses[0]) / (1 + tenses[1])) if sign else 0.0


def cue(words: tuple[str, ...], groups: tuple[frozenset, frozenset], counts: Counter,
        counted: tuple[frozenset, frozenset] | None = None) -> float:
    """log2 of how much more the document uses the reading's group than the other group
    (0 when the reading is in neither, or in both: "he or she"); ``counted``: the words each
    group counts in the document, where they are more than the group's own."""
    inside = [any(w in group for w in words) for group in groups]
    if inside[0] == inside[1]:
        return 0.0
    counted = counted or groups
    same, other = (counted[0], counted[1]) if inside[0] else (counted[1], counted[0])
    return math.log2((1 + sum(counts[w] for w in same)) / (1 + sum(counts[w] for w in other)))
