"""LanguageTool's wire format: UTF-16 offsets, matches, annotated text, request options.

LanguageTool counts offsets in UTF-16 code units; unspin counts code points.  Everything
that translates between the two shapes lives here, so server.py only routes.
"""

import bisect
import json
import re
import urllib.parse

from unspin import __version__
from unspin.errors import BadInput, HTTPProblem

RULE = {"id": "UNSPIN_SPUN_WORD", "description": "Word replaced by an automatic text spinner",
        "issueType": "grammar", "category": {"id": "UNSPIN", "name": "Spun text"}}
LANGUAGES = [("English", "en"), ("English (US)", "en-US"), ("English (GB)", "en-GB"),
             ("English (Australian)", "en-AU"), ("English (Canadian)", "en-CA"),
             ("English (New Zealand)", "en-NZ"), ("English (South African)", "en-ZA")]
ASTRAL = re.compile("[\U00010000-\U0010ffff]")
MAX_JSON_DEPTH = 64  # annotated text needs 3 levels; deeper JSON is refused before parsing
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def json_too_deep(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether JSON ``text`` nests arrays and objects deeper than ``limit`` (strings skipped).

    Checked before ``json.loads``, whose recursion a deeply nested document exhausts.
    """
    depth = 0
    for match in _JSON_TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                return True
        elif token in "]}":
            depth -= 1
    return False


class UTF16:
    """Converts code-point offsets of one text to UTF-16 code units (what LanguageTool counts)."""

    def __init__(self, text: str) -> None:
        self.astral = [m.start() for m in ASTRAL.finditer(text)]

    def __call__(self, position: int) -> int:
        return position + bisect.bisect_left(self.astral, position)


def _sentence(text: str, start: int, end: int) -> str:
    left = max(text.rfind(mark, 0, start) for mark in (". ", "! ", "? ", "\n")) + 1
    rights = [p for p in (text.find(mark, end) for mark in (". ", "! ", "? ", "\n")) if p >= 0]
    right = min(rights) + 1 if rights else len(text)
    return text[left:right].strip()


def _context(text: str, start: int, end: int, size: int = 40) -> dict:
    left, right = max(0, start - size), min(len(text), end + size)
    before = ("..." if left else "") + text[left:start]
    window = (before + text[start:right] + ("..." if right < len(text) else "")).replace("\n", " ")
    return {"text": window, "offset": len(before.encode("utf-16-le")) // 2,
            "length": len(text[start:end].encode("utf-16-le")) // 2}


def lt_match(edit: dict, text: str, utf16: UTF16, start: int, end: int) -> dict:
    """One LanguageTool match for an edit.  ``start``/``end`` are original code points."""
    values = [edit["restored"]] + [a["restored"] for a in edit.get("alternatives", ())
                                   if a["restored"] not in (edit["restored"], edit["spun"])]
    message = (f"“{edit['spun']}” looks like a spinner's substitute for “{edit['restored']}” "
               f"({edit['relation']}, confidence {edit['confidence']:.2f}).")
    if edit.get("reason"):
        message += f" {edit['reason']}"
    return {"message": message, "shortMessage": "Spun word",
            "offset": utf16(start), "length": utf16(end) - utf16(start),
            "replacements": [{"value": value} for value in values],
            "context": _context(text, start, end), "sentence": _sentence(text, start, end),
            "type": {"typeName": "Other"}, "rule": RULE,
            "ignoreForIncompleteSentence": False, "contextForSureMatch": 0}


def annotated_text(data: str) -> tuple[str, str, list[tuple[int, int, int, int]]]:
    """LanguageTool's ``data`` parameter -> (original, plain text, segments).

    Each segment maps plain ``[p0, p1)`` to original ``[o0, o1)`` code points; markup is
    read as its ``interpretAs`` (default: nothing), text as itself.
    """
    if json_too_deep(data):
        raise HTTPProblem(400, "E030", f"'data' nests JSON deeper than {MAX_JSON_DEPTH} levels")
    try:
        parts = json.loads(data)["annotation"]
        assert isinstance(parts, list)
    except (ValueError, KeyError, TypeError, AssertionError, RecursionError):
        raise HTTPProblem(400, "E030", "'data' must be JSON like "
                          '{"annotation": [{"text": "..."}, {"markup": "..."}]}') from None
    original, plain, segments = [], [], []
    o = p = 0
    for part in parts:
        if not isinstance(part, dict) or not {"text", "markup"} & part.keys():
            raise HTTPProblem(400, "E030", "each annotation needs 'text' or 'markup'")
        shown = str(part.get("text", part.get("markup", "")))
        read = shown if "text" in part else str(part.get("interpretAs", ""))
        segments.append((p, p + len(read), o, o + len(shown)))
        original.append(shown)
        plain.append(read)
        o, p = o + len(shown), p + len(read)
    return "".join(original), "".join(plain), segments


def _to_original(segments, position: int, is_end: bool) -> int:
    for p0, p1, o0, o1 in segments:
        if p0 <= position < p1 or (is_end and position == p1 and p1 > p0):
            if p1 - p0 == o1 - o0:  # a text segment: one to one
                return o0 + position - p0
            return o1 if is_end else o0
    return segments[-1][3] if segments else 0


def lt_response(restoration, original: str, segments, language: str) -> dict:
    """LanguageTool ``/v2/check`` JSON for a restoration of the plain text."""
    utf16 = UTF16(original)
    matches = []
    for edit in restoration["edits"]:
        start = _to_original(segments, edit["start"], False) if segments else edit["start"]
        end = _to_original(segments, edit["end"], True) if segments else edit["end"]
        matches.append(lt_match(edit, original, utf16, start, end))
    name = dict((code, name) for name, code in LANGUAGES).get(language, "English (US)")
    detected = {"name": name, "code": language, "confidence": 1.0, "source": "unspin"}
    return {"software": {"name": "unspin", "version": __version__, "buildDate": None,
                         "apiVersion": 1, "premium": False, "status": ""},
            "warnings": {"incompleteResults": False},
            "language": {"name": name, "code": language, "detectedLanguage": detected},
            "matches": matches, "unspin": {"offsets": "utf-16", "spun_score":
                                           restoration["spun_score"],
                                           "signature": restoration["signature"]}}


def language_code(requested: str | None) -> str:
    if not requested or requested.lower() in ("auto", "en"):
        return "en-US" if not requested or requested.lower() == "auto" else "en"
    for _, code in LANGUAGES:
        if requested.lower().replace("_", "-") == code.lower():
            return code
    raise HTTPProblem(400, "E030", f"unsupported language {requested!r}: unspin handles English "
                      f"only ({', '.join(code for _, code in LANGUAGES)}, auto)")


def parse_form(body: bytes) -> dict:
    try:
        pairs = urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True,
                                       encoding="utf-8", errors="strict")
    except UnicodeDecodeError as error:
        raise BadInput("E003", f"invalid UTF-8 in the form at byte {error.start}") from None
    return dict(pairs)


def rule_enabled(params: dict) -> bool:
    listed = lambda name: {r.strip() for r in params.get(name, "").split(",") if r.strip()}  # noqa: E731
    if RULE["id"] in listed("disabledRules") or "UNSPIN" in listed("disabledCategories"):
        return False
    if params.get("enabledOnly") == "true":
        return RULE["id"] in listed("enabledRules") or "UNSPIN" in listed("enabledCategories")
    return True
