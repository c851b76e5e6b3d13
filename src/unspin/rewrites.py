"""Phrase rewrites that spinners make (original -> spun): one list for the channel table
(scripts/build_lexicon.py writes each as a ``phrase`` row) and the simulator (the thesaurus
family makes the grammatical rewrites of single words)."""

from __future__ import annotations

# Seen in spun news.
PHRASES = (
    ("because", "due to the fact that"),
    ("because", "because of the fact that"),
    ("is a", "is simply a"),
    ("is an", "is simply an"),
    ("but", "however"),
    ("to", "in order to"),
    ("also", "additionally"),
    ("many", "a lot of"),
    ("about", "regarding"),
    ("said", "stated"),
    ("said", "mentioned"),
    ("says", "states"),
    ("get", "obtain"),
    ("use", "make use of"),
    ("help", "assist"),
    ("show", "demonstrate"),
    ("is not", "is not really"),
)
# Grammatical rewrites of thesaurus-style spinners.
GRAMMAR = (
    ("she", "he or she"),
    ("he", "he or she"),
    ("were", "had been"),
    ("cannot", "can not"),
    ("is not", "shouldn't be"),
)
ALL = PHRASES + GRAMMAR


def single_word_grammar() -> dict[str, str]:
    """The grammatical rewrites of one word (what a word-by-word spinner can make)."""
    return {original: spun for original, spun in GRAMMAR if " " not in original}
