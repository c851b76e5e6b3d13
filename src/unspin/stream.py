"""One document read in pieces: ``unspin restore`` and ``unspin detect`` on large input.

:func:`unspin.textio.read_text` cuts a large input into pieces (bounded memory) and each
piece is restored on its own.  This module puts the results back together as one
document: edit offsets count code points from the start of the whole input, and the spun
score is computed once, from every piece's evidence and words (``edits.spun_score``,
the same definition as for a document restored whole).
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass

from unspin.edits import spun_score
from unspin.schema import FORMAT, RESTORATION, edit_to_dict
from unspin.tokenize import is_word, tokenize
from unspin.types import Restoration

SPOOL_BYTES = 16 << 20  # JSON output keeps up to this much in memory, the rest in a temporary file


def count_words(text: str) -> int:
    """Words as the spun score counts them."""
    return sum(1 for token in tokenize(text).tokens if is_word(token.text))


@dataclass
class Tally:
    """What a document's pieces add up to: words, evidence of spinning, and code points read."""

    words: int = 0
    evidence: float = 0.0
    length: int = 0  # code points of the pieces added so far: the next piece's offset

    def add(self, result: Restoration) -> int:
        """Count one piece; return its offset in the whole input."""
        offset = self.length
        self.words += count_words(result.text)
        self.evidence += result.spun_evidence
        self.length += len(result.text)
        return offset

    @property
    def score(self) -> float:
        return spun_score(self.evidence, self.words)


def _escaped(text: str) -> str:
    """``text`` as the inside of a JSON string (escaping is per character, so pieces join)."""
    return json.dumps(text, ensure_ascii=False)[1:-1]


class JsonDocument:
    """Writes one Restoration (``unspin.schema``'s fields, in order) for a document given in pieces.

    Edit offsets are shifted to count from the start of the whole input.  The three long
    fields are spooled (memory, then a temporary file) until the last piece is in.
    """

    def __init__(self) -> None:
        self.tally = Tally()
        self.signature = ""
        self._parts = {name: tempfile.SpooledTemporaryFile(SPOOL_BYTES, "w+", encoding="utf-8", newline="")
                       for name in ("text", "restored_text", "edits")}
        self._edits = 0

    def add(self, result: Restoration) -> None:
        offset = self.tally.add(result)
        self.signature = self.signature or result.signature
        self._parts["text"].write(_escaped(result.text))
        self._parts["restored_text"].write(_escaped(result.restored_text))
        for edit in result.edits:
            record = edit_to_dict(edit)
            record["start"] += offset
            record["end"] += offset
            self._parts["edits"].write((", " if self._edits else "") + json.dumps(record, ensure_ascii=False))
            self._edits += 1

    def write(self, out, signature: str) -> None:
        """Write the JSON document (one line) to ``out``; ``signature`` if no piece came."""
        values = {"format": FORMAT, "spun_score": self.tally.score, "signature": self.signature or signature}
        out.write("{")
        for number, field in enumerate(RESTORATION):
            out.write((", " if number else "") + json.dumps(field.name) + ": ")
            if field.name in self._parts:
                ends = "[]" if field.kind is list else '""'
                out.write(ends[0])
                self._copy(field.name, out)
                out.write(ends[1])
            else:
                out.write(json.dumps(values[field.name], ensure_ascii=False))
        out.write("}\n")

    def _copy(self, name: str, out) -> None:
        part = self._parts[name]
        part.seek(0)
        while True:
            block = part.read(1 << 16)
            if not block:
                break
            out.write(block)
        part.close()
