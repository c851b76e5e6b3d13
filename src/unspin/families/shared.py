"""What the independent families (wordnet-walk, thesaurus-b) share: word forms, which
tokens to touch, stable choices.  Nothing here reads the channel table or the restorer's
relation weights (the families' common helpers are in ``base``).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import gzip
from pathlib import Path
from typing import Iterator

from unspin.data import model_file
from unspin.errors import UnspinError
from unspin.families.base import Replacement, read_frequencies, uniform, weighted_choice
from unspin.surface import match_case
from unspin.tokenize import is_word
from unspin.types import Document, Token

__all__ = ["Replacement", "read_frequencies", "uniform", "weighted_choice",
           "match_case", "is_word", "Document", "Token", "analyse", "reinflect", "read_table",
           "collector_paused", "probability", "eligible", "capital_allowed", "salt", "geometric_choice"]

# Parts of speech tried when a word could be several: an inflected reading wins over a base
# one ("fighting" is fight + VBG, "told" tell + VBD), verbs first, as a lemmatizer-driven
# spinner reads them; but a plural noun before a verb's -s form ("times", "years").
UPOS_ORDER = ("VERB", "AUX", "NOUN", "ADJ", "ADV")
DEGREE = {"JJR": "more", "RBR": "more", "JJS": "most", "RBS": "most"}
NOUN_PHRASE_ENDS = frozenset({"of", "in", "for", "on", "at", "to", "from", "with", "by"})
ARTICLES = frozenset({"a", "an"})  # never spun, never repaired


# ---------------------------------------------------------------- word forms

@functools.lru_cache(maxsize=200_000)
def analyse(word: str) -> tuple[tuple[str, str, str], ...]:
    """Readings (lemma, universal POS, Penn tag) of a lowercase word, preferred first.

    Inflected readings come before base forms (a plural noun first), and within each the
    parts of speech follow UPOS_ORDER (AUX is reported as VERB), then lemminflect's tag order
    ("made": VBD before VBN).  Empty for a word lemminflect does not know.
    """
    from lemminflect import getAllInflections, getAllLemmas

    inflected, base = [], []
    lemmas = getAllLemmas(word)
    for upos in sorted(lemmas, key=lambda u: UPOS_ORDER.index(u) if u in UPOS_ORDER else 9):
        for lemma in lemmas[upos]:
            for tag, forms in getAllInflections(lemma, upos=upos).items():
                reading = (lemma, "VERB" if upos == "AUX" else upos, tag)
                if word in forms and reading not in inflected + base:
                    (base if lemma == word else inflected).append(reading)
    return tuple(sorted(inflected, key=lambda reading: reading[2] != "NNS") + base)


def reinflect(phrase: str, upos: str, tag: str) -> str | None:
    """Give ``phrase`` the form ``tag``: a noun's head (its last word, or the word before
    "of"/"in"/...: "periods of time"), else the first word ("went up").

    None when the head word has no such form in lemminflect's dictionary (a noun asked to be
    a past tense), so the caller decides: keep the base form, or pick something else.
    """
    from lemminflect import getAllInflections

    words = phrase.split(" ")
    index = 0
    if upos == "NOUN":
        index = next((k - 1 for k, w in enumerate(words) if k > 0 and w in NOUN_PHRASE_ENDS),
                     len(words) - 1)
    head = words[index]
    forms = getAllInflections(head.lower(), upos=upos)
    if tag in forms:
        words[index] = forms[tag][0]
    elif tag in DEGREE and forms:  # "more important", never a rule-made "importanter"
        words[index] = f"{DEGREE[tag]} {head}"
    else:
        return None
    return " ".join(words)


# ---------------------------------------------------------------- data files

def read_table(folder: Path, name: str, header: str) -> Iterator[list[str]]:
    """Tab-separated rows of a gzipped family table after its ``# unspin.<name>/1`` header."""
    path = model_file(folder, name)
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        if not handle.readline().startswith(header):
            raise UnspinError("E020", f"{path} does not start with {header!r}; rebuild it with "
                                      "scripts/build_spinner_data.py")
        for line in handle:
            yield line.rstrip("\n").split("\t")


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the garbage collector while a table's hundreds of thousands of small tuples are
    built (collecting them as they are made about doubles the load time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# ---------------------------------------------------------------- which tokens, which choices

def probability(rate: float, coverage: float) -> float:
    """Per-type spin probability for an intended share ``rate`` of word tokens."""
    if not 0.0 <= rate <= 1.0:
        raise UnspinError("E030", f"rate must be between 0 and 1, not {rate}")
    return min(1.0, rate / coverage)


def eligible(token: Token, seed: int, capitalised: float, key: str) -> bool:
    """Whether a spinner looks at this word at all.

    Lowercase words always; a word with a capital as ``capitalised`` says (see
    capital_allowed).  Digits and the articles a/an never.
    """
    text = token.text
    if not is_word(text) or text[0].isdigit() or text.lower() in ARTICLES:
        return False
    return capital_allowed(token, seed, capitalised, key)


def capital_allowed(token: Token, seed: int, capitalised: float, key: str) -> bool:
    """Lowercase words yes; a word with a capital (a name, a sentence start) with probability
    ``capitalised`` (0: left alone, as most WordNet spinners do; 1: spun like any other
    word); an acronym ("BBC", "US") only when every capitalised word is spun."""
    text = token.text
    if text == text.lower():
        return True
    if capitalised <= 0.0 or (capitalised < 1.0 and len(text) > 1 and text.isupper()):
        return False
    return uniform(seed, "capitalised", key) < capitalised


def salt(token: Token, per_occurrence: bool) -> str:
    """The part of a decision's key that makes it new at every occurrence (or not)."""
    return f"@{token.i}" if per_occurrence else ""


def geometric_choice(items: list, seed: int, decay: float, *key: str):
    """One of ``items``, the first most likely (weights 1, decay, decay**2, ...)."""
    return weighted_choice(items, [decay**rank for rank in range(len(items))], uniform(seed, *key))
