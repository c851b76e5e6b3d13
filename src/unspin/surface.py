"""Surface details of an edit: capitalisation, a/an before a restored word, the reason."""

from __future__ import annotations

from unspin import relations
from unspin.types import Candidate, Document, Edit

# Words spelled with a vowel letter but read with a consonant sound, and the reverse.
_CONSONANT_SOUND = ("one", "once", "uni", "use", "usu", "uti", "eu", "ewe", "ufo", "ura", "uro", "ubi")
_VOWEL_SOUND = ("hour", "honest", "honor", "honour", "heir")


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
