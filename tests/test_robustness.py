"""Issue 16: random Unicode, random bytes, no final newline, huge lines and deep nesting, fed to the
Python API, the command line and the HTTP API.  Nothing crashes, no request gets a 500, the output
is byte-identical to the input outside the edits, and offsets count from the start of the input.

All on the tiny fixture model, with few examples each, so the file runs in seconds.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import json
import os
import tempfile
import warnings

import pytest
from click.testing import CliRunner
from conftest import TINY
from hypothesis import HealthCheck, example, given, settings, strategies as st

from unspin.errors import UnspinError
from unspin.types import Edit, apply_edits

# Words the tiny model restores, glued with arbitrary Unicode, so that random texts have edits.
SPUN_WORDS = ["successful", "beryllium", "volition", "crossed", "home", "2", "due to the fact that", "He",
              "was", "Seoul", "the", "house", "told", "."]
SEPARATORS = [" ", "  ", "\n", "\r\n", "\t", "\u00a0", "\n\n", "", "🙂", "e\u0301", ", ", "\u2028"]

texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(st.sampled_from(SPUN_WORDS), st.sampled_from(SEPARATORS), st.text(max_size=4)),
             max_size=80).map("".join),
)
# UNSPIN_PROPERTY_EXAMPLES=1000 for a deeper search than the suite's quick one
PROPERTY = settings(max_examples=int(os.environ.get("UNSPIN_PROPERTY_EXAMPLES", "40")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def check_restoration(text: str, record: dict) -> None:
    """Offsets into ``text``; applying the edits gives the restored text (so it is byte-identical
    to the input outside them); edits sorted and non-overlapping; a score in [0, 1]."""
    assert record["text"] == text
    edits = [Edit(**{**e, "alternatives": ()}) for e in record["edits"]]
    assert all(0 <= e.start < e.end <= len(text) and text[e.start:e.end] == e.spun for e in edits)
    assert all(a.end <= b.start for a, b in zip(edits, edits[1:]))
    assert apply_edits(text, edits) == record["restored_text"]
    assert 0.0 <= record["spun_score"] <= 1.0


# ---------------------------------------------------------------- the Python API

@PROPERTY
@given(text=texts, threshold=st.floats(0, 1))
@example(text="He was successful Seoul.", threshold=0.6)  # no final newline
@example(text="He was successful Seoul successful 2019. " * 500, threshold=0.5)  # one long line
@example(text="a" + "é" * 5000, threshold=0.6)
def test_robustness_issue16_python_api(tiny_restorer, text, threshold):
    result = tiny_restorer.restore(text, threshold=threshold)
    check_restoration(text, result.to_dict())
    assert all(edit.confidence >= threshold for edit in result.edits if edit.relation != "article")
    assert f"threshold:{threshold}" in result.signature


@PROPERTY
@given(value=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(), st.text(max_size=3),
                       st.booleans(), st.none()))
def test_robustness_issue16_python_api_settings_fail_only_with_e031(tiny_restorer, value):
    try:
        result = tiny_restorer.restore("He was successful Seoul.", threshold=value)
    except UnspinError as error:
        assert error.code == "E031"
    else:
        assert isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1
        assert result.restored_text


# ---------------------------------------------------------------- the command line

@contextlib.contextmanager
def cli_on_tiny_model(monkeypatch, restorer, chunk_bytes: int):
    """The CLI in this process, on the loaded tiny model, reading in ``chunk_bytes`` pieces."""
    import unspin.cli
    import unspin.restorer
    from unspin.restorer import Settings
    from unspin.textio import read_text

    def make(model=None, profile=None, **overrides):
        made = copy.copy(restorer)
        made.settings = Settings.of(restorer.settings, **overrides)
        made.__dict__.pop("signature", None)
        return made.with_profile(profile)

    with monkeypatch.context() as patch:
        patch.setattr(unspin.restorer, "Restorer", make)
        patch.setattr(unspin.cli, "read_text", functools.partial(read_text, chunk_bytes=chunk_bytes))
        yield unspin.cli.main


def run_cli(main, args, data: bytes):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "input.txt")
        with open(path, "wb") as handle:
            handle.write(data)
        result = CliRunner().invoke(main, ["restore", *args, path])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


random_bytes = st.one_of(
    st.binary(max_size=400),
    texts.map(lambda t: t.encode("utf-8")),
    st.tuples(texts, st.binary(max_size=3), texts).map(lambda p: p[0].encode() + p[1] + p[2].encode()),
)


@PROPERTY
@given(data=random_bytes, chunk_bytes=st.integers(8, 200), errors=st.sampled_from(["strict", "replace"]))
@example(data=b"He was successful Seoul.", chunk_bytes=4096, errors="strict")
@example(data=("a" + "é" * 3000).encode(), chunk_bytes=101, errors="replace")
@example(data=("€" * 2000).encode(), chunk_bytes=64, errors="strict")
@example(data=b"He was successful Seoul successful 2019. " * 100, chunk_bytes=150, errors="strict")
def test_robustness_issue16_cli(monkeypatch, tiny_restorer, data, chunk_bytes, errors):
    with cli_on_tiny_model(monkeypatch, tiny_restorer, chunk_bytes) as main:
        as_json = run_cli(main, ["--format", "json", "--errors", errors], data)
        as_text = run_cli(main, ["--errors", errors], data)
    assert as_json.exit_code == as_text.exit_code
    try:
        text = data.decode("utf-8", errors)
        from unspin.textio import check_binary

        check_binary(data)
    except (UnicodeDecodeError, UnspinError):
        assert as_json.exit_code == 1 and as_json.stdout_bytes == b"" == as_text.stdout_bytes
        return
    assert as_json.exit_code == 0, as_json.output
    output = as_json.stdout_bytes.decode("utf-8")
    assert output.endswith("\n") and output.count("\n") == 1  # one JSON line (JSON escapes newlines)
    record = json.loads(output)
    check_restoration(text, record)  # one document, offsets from the start of the input
    assert as_text.stdout_bytes == record["restored_text"].encode("utf-8")
    if errors == "replace":
        assert record["text"].count("\ufffd") == data.decode("utf-8", "replace").count("\ufffd")


# ---------------------------------------------------------------- the HTTP API

@pytest.fixture(scope="module")
def http(tiny_restorer):
    pytest.importorskip("fastapi", reason="the server extra is not installed")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from unspin.server import create_app

    with TestClient(create_app(tiny_restorer, max_bytes=200_000), raise_server_exceptions=False) as client:
        yield client


thresholds = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True), st.integers(-5, 5),
                       st.text(max_size=3), st.booleans())


@PROPERTY
@given(text=texts, threshold=thresholds)
@example(text="He was successful Seoul successful 2019. " * 300, threshold=None)
@example(text="🙂 He was successful the house.", threshold=float("nan"))
def test_robustness_issue16_http_native(http, text, threshold):
    body = {"text": text} if threshold is None else {"text": text, "threshold": threshold}
    response = http.post("/v1/restore", content=json.dumps(body), headers={"content-type": "application/json"})
    assert response.status_code in (200, 400, 422), response.text
    if response.status_code == 200:
        check_restoration(text, response.json())
    else:
        assert response.json()["code"] in ("E003", "E004", "E030", "E031")


@PROPERTY
@given(text=texts)
def test_robustness_issue16_http_languagetool_offsets(http, text):
    native = http.post("/v1/restore", json={"text": text})
    checked = http.post("/v2/check", data={"text": text, "language": "en-US"})
    assert native.status_code == checked.status_code and native.status_code in (200, 400)
    if native.status_code != 200:
        return
    units = text.encode("utf-16-le")
    spans = [units[2 * m["offset"]:2 * (m["offset"] + m["length"])].decode("utf-16-le")
             for m in checked.json()["matches"]]
    if text.strip():
        assert spans == [edit["spun"] for edit in native.json()["edits"]]


json_values = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8)),
                           lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                   st.dictionaries(st.sampled_from(["text", "markup", "interpretAs",
                                                                                    "annotation", "x"]),
                                                                   inner, max_size=3)),
                           max_leaves=20)
annotations = st.one_of(
    json_values.map(json.dumps),
    json_values.map(lambda value: json.dumps({"annotation": value})),
    st.integers(1, 100_000).map(lambda depth: '{"annotation": ' + "[" * depth + "]" * depth + "}"),
    st.integers(1, 100_000).map(lambda depth: "[" * depth),
    st.lists(st.one_of(st.builds(lambda t: {"text": t}, texts), st.builds(lambda m: {"markup": m}, st.text(max_size=5))),
             max_size=6).map(lambda parts: json.dumps({"annotation": parts})),
    st.text(max_size=50),
)


@PROPERTY
@given(data=annotations)
@example(data='{"annotation": ' + "[" * 100_000 + "]" * 100_000 + "}")
def test_robustness_issue16_http_annotated_data(http, data):
    response = http.post("/v2/check", data={"data": data, "language": "en-US"})
    assert response.status_code in (200, 400, 413), response.text
    if response.status_code == 200:
        original = "".join(str(p.get("text", p.get("markup", ""))) for p in json.loads(data)["annotation"])
        units = original.encode("utf-16-le")
        for match in response.json()["matches"]:
            assert 0 <= 2 * match["offset"] <= 2 * (match["offset"] + match["length"]) <= len(units)


@PROPERTY
@given(body=st.one_of(st.binary(max_size=200), json_values.map(lambda v: json.dumps(v).encode()),
                      st.integers(1, 50_000).map(lambda depth: b'{"text": ' + b"[" * depth + b"]" * depth + b"}")),
       kind=st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded", ""]),
       path=st.sampled_from(["/v1/restore", "/v1/detect", "/v2/check"]))
def test_robustness_issue16_http_random_bodies(http, body, kind, path):
    response = http.post(path, content=body, headers={"content-type": kind} if kind else {})
    assert response.status_code < 500, response.text
    assert response.headers["content-type"].startswith("application/json")
