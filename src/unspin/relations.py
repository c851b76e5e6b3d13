"""The relations that link a spun word to its original: one list, with each one's channel
weight and the words a reason uses for it.

The channel (lexicon) weighs a row by its relation's ``weight``; the calibration trees get a
``relation_<name>`` feature for each relation marked ``feature``, in this order (so a new
relation gets its own feature only when the trees are refit); ``surface.reason`` describes
an edit with ``description``.  Relations with no weight ("article", "phrase_term") are not
channel rows.  ``thesaurus`` rows live in their own table (thesaurus.tsv.gz, the Moby
thesaurus, read with the WordNet channel by the phrase channel), not in channel.tsv.gz.
"""

from __future__ import annotations

from dataclasses import dataclass

UNLISTED_WEIGHT = 0.1  # the channel weight of a relation not listed here
INFLECTED = "+inflection"  # suffix of a reading reached through a re-inflected lemma
THESAURUS = "thesaurus"  # rows of thesaurus.tsv.gz (scripts/build_thesaurus.py, Moby)
PHRASE_TERM = "phrase_term"  # the phrase channel's readings (unspin.phrases)
LEARNED = "learned"  # a profile's reading that no channel holds (unspin.profiles.discovery)


@dataclass(frozen=True, slots=True)
class Relation:
    name: str
    weight: float | None  # how readily a spinner takes it (q(replacement | original) up to normalisation)
    description: str
    feature: bool = True  # a calibration feature of its own


RELATIONS = (
    Relation("synonym", 1.0, "WordNet synonym"),
    Relation("similar_to", 0.5, "WordNet similar-to adjective"),
    Relation("also_see", 0.3, "WordNet also-see"),
    Relation("element", 1.0, "WordNet lemma of a chemical element"),
    Relation("hypernym", 0.4, "WordNet hypernym (more general word)"),
    Relation("instance_hypernym", 0.4, "WordNet instance hypernym"),
    Relation("two_hop", 0.12, "two WordNet steps"),
    Relation("derivation", 0.3, "WordNet derivationally related form"),
    Relation("chain", 0.1, "two channel steps"),
    Relation("pertainym", 0.3, "WordNet pertainym (the word an adjective or adverb pertains to)"),
    Relation("number", 1.0, "digits for a number word"),
    Relation("phrase", 1.0, "phrase rewrite"),
    Relation("term", 1.0, "tortured term, word by word"),
    Relation("article", None, "a/an to fit the restored word", feature=False),
    # Issue 13.  No calibration features of their own until the trees are refit with them (a new
    # feature changes the feature list, which the shipped calibration.json would refuse, E021):
    # phrase readings get their own trees (phrases.json, unspin.phrases), and thesaurus rows are
    # read only by the phrase channel.
    Relation(THESAURUS, 1.0, "Moby thesaurus", feature=False),
    Relation(PHRASE_TERM, None, "established term, its words spun one by one", feature=False),
    # A spinner profile's own reading, found in its pages where no channel links the words
    # (unspin.profiles.discovery); weighed by the profile's learned channel alone.
    Relation(LEARNED, None, "read from the spinner's pages (its profile)", feature=False),
)

WEIGHTS = {r.name: r.weight for r in RELATIONS if r.weight is not None}
DESCRIPTIONS = {r.name: r.description for r in RELATIONS}
FEATURE_RELATIONS = tuple(r.name for r in RELATIONS if r.feature)


def weight(name: str) -> float:
    """The channel weight of a relation (UNLISTED_WEIGHT for one not listed)."""
    return WEIGHTS.get(name, UNLISTED_WEIGHT)


def base(name: str) -> str:
    """The relation without its re-inflection suffix ("hypernym+inflection" -> "hypernym")."""
    return name.removesuffix(INFLECTED)


def inflected(name: str) -> bool:
    return name.endswith(INFLECTED)
