"""The central data of the pipeline: small, typed, immutable."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from unspin.errors import UnspinError


@dataclass(frozen=True, slots=True)
class Token:
    """One token: half-open code-point offsets into the input text."""

    i: int
    start: int
    end: int
    text: str
    whitespace: str
    norm: str


@dataclass(frozen=True, slots=True)
class Document:
    """A text and its tokens.  ``leading`` is whitespace before the first token."""

    text: str
    leading: str
    tokens: tuple[Token, ...]

    def __post_init__(self) -> None:
        rebuilt = self.leading + "".join(t.text + t.whitespace for t in self.tokens)
        if rebuilt != self.text:
            raise UnspinError("E010", "tokens do not reproduce the input text")


@dataclass(frozen=True, slots=True)
class Candidate:
    """One possible pre-spin wording for a span of tokens.

    ``relation`` names the path that produced it ("keep" for the word as it stands);
    ``log10_prior`` is the channel's log-probability of the observed text given this
    original.  ``original`` is the channel row's original (the lemma a re-inflected
    candidate came from; empty for "keep") and ``log10_share`` its share of that row.
    ``facts`` is what its channel source knows of it beyond that (the phrase channel's facts
    about a term, ``unspin.phrases.static_facts``; empty for the others).
    """

    words: tuple[str, ...]
    relation: str
    log10_prior: float
    original: str = ""
    log10_share: float = 0.0
    facts: tuple[float, ...] = ()


@dataclass(frozen=True, slots=True)
class Arc:
    """A lattice arc: tokens ``[begin, end)`` of a sentence read as ``candidate``."""

    begin: int
    end: int
    candidate: Candidate


def observed(tokens: tuple[Token, ...], arc: Arc) -> str:
    """The arc's span as the channel reads it: the tokens' normalised words, space-joined."""
    return " ".join(t.norm for t in tokens[arc.begin : arc.end])


@dataclass(frozen=True, slots=True)
class Site:
    """One span of a decoded sentence read against its rivals.

    ``tokens`` are the sentence's tokens, ``arc`` the reading the best path took, ``ranked``
    every reading of the span (the kept words included) with its posterior, most likely
    first, ``keep`` the kept words' posterior and ``neighbours`` how many of the spans right
    before and after it the best path changes too (spinners' runs of adjacent words).
    """

    tokens: tuple[Token, ...]
    arc: Arc
    ranked: tuple[tuple[Arc, float], ...]
    keep: float
    neighbours: int = 0  # the spans right before and after it that the best path changes too

    @property
    def observed(self) -> str:
        return observed(self.tokens, self.arc)

    @property
    def span(self) -> tuple[Token, ...]:
        """The tokens the site covers."""
        return self.tokens[self.arc.begin : self.arc.end]


@dataclass(frozen=True, slots=True)
class Alternative:
    restored: str
    confidence: float
    relation: str


@dataclass(frozen=True, slots=True)
class Edit:
    """A restored span: code-point offsets into the spun text."""

    start: int
    end: int
    spun: str
    restored: str
    confidence: float
    relation: str
    reason: str = ""
    alternatives: tuple[Alternative, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict:
        from unspin.schema import edit_to_dict  # the schema module reads these types

        return edit_to_dict(self)


@dataclass(frozen=True, slots=True)
class ProfileUse:
    """Whether a restore read one document with its spinner profile, and why
    (``Profile.weigh``): the document's lowercase words fit the spinner by ``fit`` bits
    against unspun text; where that passes the ``gate``, the ``unexplained`` words a generic
    pass restores there, which the profile has never seen spun, count ``against`` bits (None:
    not counted, the words alone do not pass); it is ``used`` when what is left passes."""

    name: str
    used: bool
    fit: float
    gate: float
    unexplained: int | None = None
    against: float = 0.0

    def describe(self) -> str:
        fit = f"the document's words fit it by {self.fit:.1f} bits"
        if self.unexplained is None:
            return f"profile {self.name}: not used: {fit}, not more than {self.gate:g}"
        words = f"{self.unexplained} restored word{'s' if self.unexplained != 1 else ''} it never saw spun"
        if self.used:
            return f"profile {self.name}: used: {fit}; {words} count {self.against:.1f} bits against it"
        return (f"profile {self.name}: not used: {fit}, but {words} count {self.against:.1f} bits against it "
                f"(another spinner's words?)")


@dataclass(frozen=True, slots=True)
class Restoration:
    """Result of one call: applying ``edits`` to ``text`` gives ``restored_text``."""

    text: str
    restored_text: str
    edits: tuple[Edit, ...]
    spun_score: float
    signature: str
    # The document's evidence of spinning, in log10 (``edits.site_evidence`` summed over
    # the sites the decoder reads differently): what ``spun_score`` squashes, and what a
    # document read in pieces adds up (``stream.Tally``).  Not part of the JSON form.
    spun_evidence: float = 0.0
    # With a spinner profile: whether it was used for this document (not in the JSON form).
    profile_use: ProfileUse | None = None

    def to_dict(self) -> dict:
        """The JSON form (``unspin.schema``)."""
        from unspin.schema import restoration_to_dict  # the schema module reads these types

        return restoration_to_dict(self)


def splice(text: str, pieces: Iterable[tuple[int, int, str]], start: int = 0, end: int | None = None) -> str:
    """``text[start:end]`` with each ``(piece_start, piece_end, new)`` piece put in its place.

    Pieces lie inside ``[start, end)`` and do not overlap (they are sorted here).  The one
    loop that applies edits: ``apply_edits``, the evaluator and the diff view all use it.
    """
    parts, position = [], start
    for piece_start, piece_end, new in sorted(pieces):
        parts.append(text[position:piece_start])
        parts.append(new)
        position = piece_end
    parts.append(text[position:end])
    return "".join(parts)


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Replace each edit's span; edits must match the text and not overlap."""
    position = 0
    for edit in sorted(edits, key=lambda e: e.start):
        if edit.start < position or text[edit.start : edit.end] != edit.spun:
            raise UnspinError("E011", f"edit {edit.spun!r} at {edit.start} does not match the text")
        position = edit.end
    return splice(text, [(e.start, e.end, e.restored) for e in edits])
