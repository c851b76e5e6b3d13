"""Surface details of an edit: capitalisation, a/an before a restored word, the reason."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

from unspin import relations
from unspin.errors import UnspinError
from unspin.types import Candidate, Document, Edit

# Words spelled with a vowel letter but read with a consonant sound, and the reverse.
_CONSONANT_SOUND = ("one", "once", "uni", "use", "usu", "uti", "eu", "ewe", "ufo", "ura", "uro", "ubi")
_VOWEL_SOUND = ("hour", "honest", "honor", "honour", "heir")


# Words a sentence writes in lower case wherever they stand but first (pronouns, prepositions,
# conjunctions, auxiliaries, determiners; not "I", nor "may", "will" and "us", which name a
# month, a man and a country).  A spinner that keeps WordNet's capitals writes "Robert Indiana"
# for in and "World Health Organization" for who, and those capitals are not the original's.
LOWER_INSIDE = frozenset("""a an the of in on at to for by with from into onto upon about above across after
against along among around before behind below beneath beside besides between beyond during except inside near
off out outside over past since through throughout till toward towards under until up within without and or but
nor so yet if because although though unless whereas while as than that whether is are was were be been being am
do does did done have has had having would shall should can could might must it its me my mine you your yours he
him his she her hers we our ours they them their theirs who whom whose which what this these those there here not
no some any each every all both either neither such""".split())
SENTENCE_OPENERS = ".!?:\n\r\"'([{\u201c\u2018\u00ab"  # a capital right after one of them may be the position's
CAPITALS_FILE = "capitals.tsv.gz"
CAPITALS_FORMAT = "unspin.capitals/1"


@dataclass(frozen=True)
class Capitals:
    """When a span's capitals are its spinner's, not the original's (scripts/build_capitals.py).

    A WordNet spinner that leaves capitalised words alone writes WordNet's lemmas as WordNet
    spells them ("Holocene epoch" for recent, "Department of State" for told): inside a
    sentence, a span spelled exactly as such a lemma (``lemmas``) whose reading is made of
    words written in lower case inside a sentence (``lower``: "recent", not "monday", which a
    thesaurus spinner that rewrites names writes "Mon") is restored in lower case."""

    lemmas: frozenset[str]
    lower: frozenset[str]

    @classmethod
    def load(cls, folder: Path) -> "Capitals | None":
        """The folder's table, or None where it has none.  E021 for a file of another version."""
        path = Path(folder) / CAPITALS_FILE
        if not path.exists():
            return None
        lemmas, lower = set(), set()
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            if not handle.readline().startswith(f"# {CAPITALS_FORMAT}\t"):
                raise UnspinError("E021", f"{path} is not a capitals table of this version; "
                                  "rebuild it with scripts/build_capitals.py")
            for line in handle:
                kind, _, text = line.rstrip("\n").partition("\t")
                if kind in ("lemma", "lower") and text:
                    (lemmas if kind == "lemma" else lower).add(text)
        return cls(frozenset(lemmas), frozenset(lower))

    def own(self, spun: str, words: tuple[str, ...]) -> bool:
        """Whether the capitals of ``spun`` (a span inside a sentence) are its spinner's, so
        that the reading ``words`` is written in lower case."""
        return spun in self.lemmas and all(word in self.lower for word in words)


def starts_sentence(text: str, start: int) -> bool:
    """Whether the words at ``start`` may begin a sentence (a line, a quotation, a bracket):
    nothing but spaces between them and the text's start or one of SENTENCE_OPENERS."""
    at = start - 1
    while at >= 0 and text[at] in " \t":
        at -= 1
    return at < 0 or text[at] in SENTENCE_OPENERS


def match_case(restored: str, spun: str) -> str:
    """Give ``restored`` the capitalisation pattern of ``spun``."""
    if spun.isupper() and len(spun) > 1:
        return restored.upper()
    if spun[:1].isupper():
        return restored[:1].upper() + restored[1:]
    return restored


def wants_an(word: str) -> bool:
    lower = word.lower()
    if lower.startswith(_VOWEL_SOUND):
        return True
    if lower.startswith(_CONSONANT_SOUND):
        return False
    return lower[:1] in "aeiou"


def article_edits(text: str, document: Document, edits: list[Edit]) -> list[Edit]:
    """Fix "a"/"an" right before a restored word (the spinner never repairs them)."""
    fixes = []
    by_start = {e.start: e for e in edits}
    for token in document.tokens[:-1]:
        if token.norm not in ("a", "an") or any(e.start < token.end and token.start < e.end for e in edits):
            continue
        following = document.tokens[token.i + 1]
        edit = by_start.get(following.start)
        if edit is None or token.whitespace == "":
            continue
        wanted = "an" if wants_an(edit.restored) else "a"
        if token.norm != wanted:
            fixes.append(Edit(token.start, token.end, token.text, match_case(wanted, token.text),
                              edit.confidence, "article", relations.DESCRIPTIONS["article"]))
    return fixes


def reason(spun: str, candidate: Candidate) -> str:
    """A readable reason: 'beryllium: WordNet lemma of a chemical element -> be'."""
    base = relations.base(candidate.relation)
    text = relations.DESCRIPTIONS.get(base, base)
    if base == relations.PHRASE_TERM and candidate.original:
        text += f" (the term \"{candidate.original}\")"
    if relations.inflected(candidate.relation):
        text += ", re-inflected"
    return f"{spun}: {text} -> {' '.join(candidate.words)}"
