"""JSON in and out of unspin's results, in one place: the field lists, the format version,
and the shapes derived from them (the HTTP API's pydantic models, batch's parquet columns).

A Restoration on the wire::

    {"format": "unspin.restoration/1", "text", "restored_text", "edits": [Edit...],
     "spun_score", "signature"}
    Edit: {"start", "end", "spun", "restored", "confidence", "relation", "reason",
           "alternatives": [{"restored", "confidence", "relation"}...]}

Offsets count Unicode code points.  ``Restoration.to_dict``, ``unspin restore --format json``,
``/v1/restore``, batch records and ``unspin eval --restored`` all go through this module.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from unspin.errors import UnspinError
from unspin.types import Alternative, Edit, Restoration, Token

FORMAT = "unspin.restoration/1"


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    kind: type  # int, float, str, or list (of ``item``)
    description: str
    item: tuple["Field", ...] = ()  # the fields of each list item


TOKEN = (
    Field("i", int, "index of the token in the document"),
    Field("start", int, "start offset, in Unicode code points"),
    Field("end", int, "end offset (exclusive), in Unicode code points"),
    Field("text", str, "the token as written"),
    Field("whitespace", str, "the whitespace after it"),
    Field("norm", str, "the form the language model reads"),
)
ALTERNATIVE = (
    Field("restored", str, "another possible original wording"),
    Field("confidence", float, "probability that it is right, 0..1"),
    Field("relation", str, "the channel relation that proposes it"),
)
EDIT = (
    Field("start", int, "start of the spun span, in Unicode code points"),
    Field("end", int, "end (exclusive) of the spun span, in Unicode code points"),
    Field("spun", str, "the spun text of the span"),
    Field("restored", str, "the original wording unspin restores"),
    Field("confidence", float, "probability that the edit is right, 0..1"),
    Field("relation", str, "the channel relation that links the two (synonym, hypernym, phrase, ...)"),
    Field("reason", str, "a readable reason"),
    Field("alternatives", list, "the other readings, most likely first", ALTERNATIVE),
)
RESTORATION = (
    Field("format", str, f"the format and its version: {FORMAT}"),
    Field("text", str, "the spun text"),
    Field("restored_text", str, "the text with every edit applied"),
    Field("edits", list, "sorted, non-overlapping; offsets in code points", EDIT),
    Field("spun_score", float, "how likely the document is spun, 0..1"),
    Field("signature", str, "the reproducibility signature of the restorer and its settings"),
)
# What a batch record gains (its own text field stays as it was).
RESULT_FIELDS = ("restored_text", "edits", "spun_score", "signature")


# ---------------------------------------------------------------- to JSON

def token_to_dict(token: Token) -> dict:
    return {field.name: getattr(token, field.name) for field in TOKEN}


def alternative_to_dict(alternative: Alternative) -> dict:
    return {field.name: getattr(alternative, field.name) for field in ALTERNATIVE}


def edit_to_dict(edit: Edit) -> dict:
    out = {field.name: getattr(edit, field.name) for field in EDIT}
    out["alternatives"] = [alternative_to_dict(a) for a in edit.alternatives]
    return out


def restoration_to_dict(restoration: Restoration) -> dict:
    return {"format": FORMAT, "text": restoration.text, "restored_text": restoration.restored_text,
            "edits": [edit_to_dict(e) for e in restoration.edits], "spun_score": restoration.spun_score,
            "signature": restoration.signature}


def result_to_dict(restoration: Restoration) -> dict:
    """The fields a batch record gains: the restoration without its format and input text."""
    full = restoration_to_dict(restoration)
    return {name: full[name] for name in RESULT_FIELDS}


# ---------------------------------------------------------------- from JSON

def token_from_dict(data: dict) -> Token:
    return Token(*(data[field.name] for field in TOKEN))


def alternative_from_dict(data: dict) -> Alternative:
    return Alternative(data["restored"], float(data.get("confidence", 0.0)), data.get("relation", ""))


def edit_from_dict(data: dict) -> Edit:
    """An edit as written above; a hand-made one may leave out everything after ``restored``."""
    return Edit(int(data["start"]), int(data["end"]), data["spun"], data["restored"],
                float(data.get("confidence", 1.0)), data.get("relation", ""), data.get("reason", ""),
                tuple(alternative_from_dict(a) for a in data.get("alternatives", ())))


def restoration_from_dict(data: dict) -> Restoration:
    """A Restoration from its JSON; refuses another format version (E020)."""
    found = data.get("format", FORMAT)
    if found != FORMAT:
        raise UnspinError("E020", f"restoration format {found!r}; this unspin reads {FORMAT}")
    return Restoration(data["text"], data.get("restored_text", data["text"]),
                       tuple(edit_from_dict(e) for e in data.get("edits", ())),
                       float(data.get("spun_score", 0.0)), data.get("signature", ""))


# ---------------------------------------------------------------- derived shapes

@functools.cache
def pydantic_models() -> tuple[type, type, type]:
    """(AlternativeOut, EditOut, RestorationOut): the HTTP API's response models, made from the
    field lists above (pydantic is imported here, so only the server needs it)."""
    from pydantic import Field as Described
    from pydantic import create_model

    def model(name: str, fields: tuple[Field, ...], items: dict[str, type]):
        spec = {}
        for field in fields:
            kind = list[items[field.name]] if field.kind is list else field.kind
            default = FORMAT if field.name == "format" else ...
            spec[field.name] = (kind, Described(default, description=field.description))
        return create_model(name, **spec)

    alternative = model("AlternativeOut", ALTERNATIVE, {})
    edit = model("EditOut", EDIT, {"alternatives": alternative})
    return alternative, edit, model("RestorationOut", RESTORATION, {"edits": edit})


def restoration_model() -> type:
    """The pydantic model of a Restoration (the HTTP API's response)."""
    return pydantic_models()[2]


def arrow_fields(names: tuple[str, ...] = RESULT_FIELDS) -> list:
    """pyarrow fields for the named Restoration fields (batch's parquet output)."""
    import pyarrow as pa

    scalar = {int: pa.int64(), float: pa.float64(), str: pa.string()}

    def arrow_type(field: Field):
        if field.kind is list:
            return pa.list_(pa.struct([(f.name, arrow_type(f)) for f in field.item]))
        return scalar[field.kind]

    by_name = {field.name: field for field in RESTORATION}
    return [pa.field(name, arrow_type(by_name[name])) for name in names]
