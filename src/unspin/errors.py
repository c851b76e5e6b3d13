"""One base exception with coded messages that say how to fix the problem."""

from __future__ import annotations

CATALOGUE = {
    "E001": "model file not found; reinstall unspin or point UNSPIN_DATA / --model at a model folder",
    "E002": "model file checksum mismatch; rebuild it with scripts/build_lm.py or reinstall unspin",
    "E003": "input is not valid UTF-8; pass --errors replace to substitute U+FFFD",
    "E004": "input looks binary (NUL bytes or mostly control characters); refusing to process it",
    "E005": "input too large for this interface",
    "E006": "input is UTF-16 or UTF-32, and unspin reads UTF-8; convert it first, e.g. "
            "iconv -f UTF-16 -t UTF-8 FILE > FILE.txt (-f UTF-32 for UTF-32)",
    "E010": "internal tokenizer invariant broken; please report this input",
    "E011": "an edit does not match the text it applies to",
    "E020": "bad model or data file format",
    "E021": "the calibration does not fit this model; refit it with scripts/calibrate.py --model DIR "
            "(README: How the models are built)",
    "E022": "encoder files do not belong together (vocabulary, weights, data pack, channel table); export "
            "them again with scripts/export_encoder.py or repack with scripts/pack_encoder_data.py",
    "E023": "the profile was learned with another model; learn it again on this model with `unspin learn`, "
            "or restore with the model it names (`unspin profile show`)",
    "E030": "bad argument",
    "E031": "bad setting; see unspin.Settings for the allowed values",
    "E040": "server busy: every restore slot is taken; retry later or start more workers",
    "E041": "request timed out; send shorter text or raise --timeout",
    "E042": "a restore worker process could not start or stopped; see the server's log",
    "E043": "internal error; please report the input that caused it",
    "E050": "unknown name: choose one of the registered names listed",
    "E051": "bad registration: every entry needs a unique name, a loader, its files and a description",
    "E060": "building the neural encoder needs torch: pip install -e '.[encoder]' (torch==2.13.0, CPU)",
}

# What an HTTP client can do about an error: the catalogue's remedies name command-line flags.
HTTP_HINTS = {
    "E003": "send the text as UTF-8",
    "E004": "send text, not binary data",
    "E005": "split the text into smaller requests",
    "E006": "send the text as UTF-8",
    "E030": "see /docs for the request format",
    "E031": "see /docs for the allowed values",
}


class UnspinError(Exception):
    """Base class of every error unspin raises on purpose."""

    def __init__(self, code: str, detail: str = "") -> None:
        self.code = code
        self.detail = detail
        hint = CATALOGUE.get(code, "")
        message = f"[{code}] {detail}" if detail else f"[{code}]"
        if hint:
            message += f" ({hint})"
        super().__init__(message)


class BadInput(UnspinError):
    """The input cannot be processed as text."""


class HTTPProblem(Exception):
    """An error answered as JSON ``{"detail", "code"}`` with an HTTP status."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail


def http_message(error: UnspinError) -> str:
    """``error`` for an HTTP client: its code and detail with an HTTP remedy, no CLI flags."""
    message = f"[{error.code}] {error.detail}" if error.detail else f"[{error.code}]"
    hint = HTTP_HINTS.get(error.code)
    return f"{message} ({hint})" if hint else message
