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
# Wordy phrasings that article rewriters put for plain words and phrases (the inverse of a
# plain-English guide's list of wordy phrases), original -> spun.
WORDY = tuple((plain, wordy) for plain, wordies in (
    ("because", ("owing to the fact that", "on account of the fact that", "in view of the fact that",
                 "given the fact that", "in light of the fact that", "since")),
    ("to", ("so as to", "with the aim of")),
    ("if", ("in the event that", "in case", "provided that")),
    ("about", ("with regard to", "with regards to", "with respect to", "in relation to", "in regard to",
               "concerning", "pertaining to", "with reference to", "in connection with", "approximately",
               "roughly", "around")),
    ("before", ("prior to", "in advance of", "ahead of", "earlier than", "previous to")),
    ("after", ("following", "subsequent to", "later than")),
    ("now", ("currently", "at present", "at this time", "at the moment", "at this point in time",
             "presently", "nowadays", "right now")),
    ("many", ("lots of", "numerous", "a large number of", "a great many", "plenty of", "a number of")),
    ("most", ("the majority of", "the bulk of")),
    ("often", ("frequently", "oftentimes", "regularly", "typically", "usually")),
    ("also", ("in addition", "furthermore", "moreover", "as well")),
    ("but", ("nevertheless", "nonetheless", "yet", "though")),
    ("so", ("therefore", "thus", "consequently", "as a result", "hence")),
    ("said", ("noted", "remarked", "explained", "commented", "declared", "claimed")),
    ("says", ("mentions", "notes", "remarks", "explains", "comments", "claims")),
    ("use", ("utilize", "utilise", "employ")),
    ("help", ("aid", "help out")),
    ("show", ("reveal", "display", "indicate", "illustrate")),
    ("get", ("acquire", "receive", "gain")),
    ("buy", ("purchase",)),
    ("start", ("commence", "begin", "initiate")),
    ("end", ("conclude", "terminate", "finish")),
    ("try", ("attempt", "endeavour", "endeavor")),
    ("need", ("require",)),
    ("enough", ("sufficient", "adequate")),
    ("very", ("extremely", "really", "quite", "highly", "incredibly")),
    ("people", ("individuals", "persons", "folks")),
    ("during", ("throughout", "in the course of", "over the course of", "for the duration of")),
    ("until", ("till", "up until", "up to")),
    ("although", ("even though", "despite the fact that", "in spite of the fact that",
                  "regardless of the fact that")),
    ("while", ("whilst", "whereas")),
    ("like", ("such as", "similar to")),
    ("more than", ("greater than", "in excess of", "over")),
    ("less than", ("fewer than", "under")),
    ("according to", ("in accordance with", "in keeping with", "as stated by", "as per")),
    ("can", ("is able to", "are able to", "has the ability to")),
    ("must", ("has to", "needs to", "is required to")),
    ("at least", ("at the very least", "no less than")),
    ("so far", ("up to now", "thus far", "to date", "until now", "as yet")),
    ("also", ("too",)),
    ("a lot of", ("plenty of", "lots of", "a great deal of")),
    ("think", ("believe", "consider")),
    ("want", ("wish", "desire")),
) for wordy in wordies)
ALL = PHRASES + GRAMMAR + WORDY


def single_word_grammar() -> dict[str, str]:
    """The grammatical rewrites of one word (what a word-by-word spinner can make)."""
    return {original: spun for original, spun in GRAMMAR if " " not in original}
