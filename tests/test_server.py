"""HTTP server: native API (code points), LanguageTool API (UTF-16), limits, the page."""

import asyncio
import contextlib
import json
import re
import socket
import threading
import time
import warnings

import pytest

fastapi = pytest.importorskip("fastapi", reason="the server extra is not installed")
uvicorn = pytest.importorskip("uvicorn", reason="the server extra is not installed")
with warnings.catch_warnings():  # starlette asks for httpx2; httpx works
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient  # noqa: E402

from unspin.server import create_app, serve_command  # noqa: E402
from unspin.types import Alternative, Edit, Restoration, apply_edits  # noqa: E402

SPUN = "🙂 He was successful the abode, beryllium sure."


class FakeRestorer:
    """Stands in for unspin.Restorer: swaps a few known spinner substitutes back."""

    signature = "unspin:test|lexicon:fake|lm:fake"
    table = {"successful": ("in", 0.93, "synonym-of-sense"), "abode": ("house", 0.71, "synonym"),
             "beryllium": ("be", 0.88, "abbreviation-expansion")}

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay

    def restore(self, text: str, threshold: float = 0.5, **settings) -> Restoration:
        time.sleep(self.delay)
        edits = []
        for match in re.finditer(r"\w+", text):
            if match.group() in self.table:
                restored, confidence, relation = self.table[match.group()]
                if confidence >= threshold:
                    edits.append(Edit(match.start(), match.end(), match.group(), restored, confidence,
                                      relation, reason=f"“{restored}” fits the context better",
                                      alternatives=(Alternative(restored, confidence, relation),
                                                    Alternative("at", 0.05, "synonym"))))
        return Restoration(text, apply_edits(text, edits), tuple(edits), min(1.0, 0.3 * len(edits)),
                           self.signature)

    def info(self) -> dict:
        return {"version": "test", "files": {}, "signature": self.signature}


@pytest.fixture()
def client():
    with TestClient(create_app(FakeRestorer(), max_bytes=2000)) as test_client:
        yield test_client


@contextlib.contextmanager
def serving(app):
    """Run ``app`` with uvicorn in a thread on a free loopback port; yield its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def test_server_restore_counts_code_points(client):
    response = client.post("/v1/restore", json={"text": SPUN})
    assert response.status_code == 200
    data = response.json()
    assert data["restored_text"] == "🙂 He was in the house, be sure."
    first = data["edits"][0]
    assert (first["start"], first["end"], first["spun"]) == (9, 19, "successful")
    for edit in data["edits"]:
        assert SPUN[edit["start"]:edit["end"]] == edit["spun"]
    assert set(first) == {"start", "end", "spun", "restored", "confidence", "relation", "reason",
                          "alternatives"}
    assert data["signature"] == FakeRestorer.signature


def test_server_restore_passes_threshold(client):
    data = client.post("/v1/restore", json={"text": SPUN, "threshold": 0.9}).json()
    assert [edit["spun"] for edit in data["edits"]] == ["successful"]
    assert client.post("/v1/restore", json={"text": SPUN, "threshold": 2}).status_code == 422


@pytest.mark.parametrize("method", ["get", "post"])
def test_server_check_counts_utf16_units(client, method):
    params = {"text": SPUN, "language": "en-US"}
    response = client.get("/v2/check", params=params) if method == "get" else \
        client.post("/v2/check", data=params)
    assert response.status_code == 200
    data = response.json()
    assert data["software"]["name"] == "unspin" and data["software"]["apiVersion"] == 1
    assert data["language"]["code"] == "en-US" and "detectedLanguage" in data["language"]
    first = data["matches"][0]
    utf16 = SPUN.encode("utf-16-le")
    assert first["offset"] == 10 and first["length"] == 10  # the emoji is two UTF-16 units
    assert utf16[2 * first["offset"]: 2 * (first["offset"] + first["length"])].decode("utf-16-le") \
        == "successful"
    assert [r["value"] for r in first["replacements"]] == ["in", "at"]
    assert first["rule"]["id"] == "UNSPIN_SPUN_WORD" and first["rule"]["category"]["id"] == "UNSPIN"
    context = first["context"]
    window = context["text"].encode("utf-16-le")  # context offsets count UTF-16 units too
    assert window[2 * context["offset"]:2 * (context["offset"] + context["length"])] \
        .decode("utf-16-le") == "successful"
    assert first["sentence"].startswith("🙂 He was successful")
    assert {"message", "shortMessage", "type"} <= first.keys()


def test_server_check_maps_annotated_data_to_original_offsets(client):
    annotation = [{"text": "He was "}, {"markup": "<b>"}, {"text": "successful"},
                  {"markup": "</b>"}, {"text": " the "}, {"markup": "<br/>", "interpretAs": "\n"},
                  {"text": "abode."}]
    data = client.post("/v2/check", data={"data": json.dumps({"annotation": annotation}),
                                          "language": "auto"}).json()
    original = "".join(part.get("text", part.get("markup")) for part in annotation)
    spans = [original[m["offset"]:m["offset"] + m["length"]] for m in data["matches"]]
    assert spans == ["successful", "abode"]


@pytest.mark.parametrize("params, status", [
    ({"language": "en-US"}, 400),
    ({"text": "x", "language": "de-DE"}, 400),
    ({"data": "not json", "language": "en"}, 400),
    ({"text": "", "language": "en-US"}, 200),
])
def test_server_check_rejects_bad_parameters(client, params, status):
    response = client.post("/v2/check", data=params)
    assert response.status_code == status, response.text
    if status == 400:
        assert response.json()["detail"]


def test_server_check_honours_disabled_rules(client):
    data = client.post("/v2/check", data={"text": SPUN, "language": "en-US",
                                          "disabledRules": "UNSPIN_SPUN_WORD"}).json()
    assert data["matches"] == []


def test_server_languages_are_english(client):
    languages = client.get("/v2/languages").json()
    assert {"name": "English (US)", "code": "en", "longCode": "en-US"} in languages


def test_server_empty_text_gives_empty_restoration(client):
    data = client.post("/v1/restore", json={"text": ""}).json()
    assert data["edits"] == [] and data["restored_text"] == "" and data["signature"]


@pytest.mark.parametrize("send", [
    lambda c: c.post("/v1/restore", json={"text": "word " * 1000}),
    lambda c: c.post("/v2/check", data={"text": "word " * 1000}),
    lambda c: c.get("/v2/check", params={"text": "word " * 1000}),
    lambda c: c.post("/v1/restore", content=(b"x" * 500 for _ in range(10)),
                     headers={"content-type": "application/json"}),  # chunked, no length
])
def test_server_refuses_oversize_requests(client, send):
    response = send(client)
    assert response.status_code == 413
    assert "larger than 2000 bytes" in response.json()["detail"]


@pytest.mark.parametrize("send, code", [
    (lambda c: c.post("/v1/restore", content=b'{"text": "caf\xe9"}',
                      headers={"content-type": "application/json"}), "E003"),
    (lambda c: c.post("/v2/check", content=b"language=en-US&text=caf%E9",
                      headers={"content-type": "application/x-www-form-urlencoded"}), "E003"),
    (lambda c: c.post("/v1/restore", json={"text": "a\u0000b"}), "E004"),
    (lambda c: c.post("/v2/check", data={"text": "a\u0000b", "language": "en"}), "E004"),
    (lambda c: c.post("/v1/restore", content=b'{"text": "a\\ud800b"}',
                      headers={"content-type": "application/json"}), "E003"),
])
def test_server_refuses_non_text(client, send, code):
    response = send(client)
    assert response.status_code == 400
    assert response.json()["code"] == code


def test_server_times_out_slow_restores():
    app = create_app(FakeRestorer(delay=1.0), timeout=0.2, concurrency=1)

    async def two_at_once():
        import httpx

        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            return await asyncio.gather(*(http.post("/v1/restore", json={"text": "He was here."})
                                          for _ in range(2)))

    statuses = sorted(r.status_code for r in asyncio.run(two_at_once()))
    assert statuses == [503, 504]  # one ran out of time, one never got the single slot


def test_server_detect_scores_each_text(client):
    scores = client.post("/v1/detect", json={"texts": [SPUN, "Plain.", ""]}).json()["scores"]
    assert len(scores) == 3 and scores[0] > scores[1] == scores[2] == 0


def test_server_health_and_info(client):
    assert client.get("/healthz").json()["status"] == "ok"
    assert client.get("/v1/info").json()["signature"] == FakeRestorer.signature


def test_server_openapi_names_operations_and_units(client):
    schema = client.get("/openapi.json").json()
    ids = [op["operationId"] for path in schema["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids))
    assert schema["paths"]["/v2/check"]["get"]["operationId"] != \
        schema["paths"]["/v2/check"]["post"]["operationId"]
    assert "code points" in json.dumps(schema) and "UTF-16" in json.dumps(schema)


@pytest.mark.parametrize("path, kind", [("/", "text/html"), ("/static/app.js", "text/javascript"),
                                        ("/static/style.css", "text/css")])
def test_server_serves_the_page(client, path, kind):
    response = client.get(path)
    assert response.status_code == 200 and response.headers["content-type"].startswith(kind)
    assert "default-src 'self'" in response.headers["content-security-policy"]


@pytest.mark.parametrize("path", ["/static/../server.py", "/static/%2e%2e/server.py",
                                  "/static/index.html/../../data.py", "/etc/passwd"])
def test_server_reads_no_files_on_request(client, path):
    assert client.get(path).status_code == 404


def test_server_page_uses_no_external_resources():
    from importlib import resources

    folder = resources.files("unspin").joinpath("static")
    for path in folder.iterdir():
        text = path.read_text(encoding="utf-8").replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert not re.search(r"https?://|//cdn", text), path.name


def test_server_command_help():
    from click.testing import CliRunner

    result = CliRunner().invoke(serve_command, ["--help"])
    assert result.exit_code == 0
    for flag in ("--host", "--port", "--workers", "--max-bytes", "--timeout", "--model"):
        assert flag in result.output


def test_server_works_with_language_tool_python():
    """The real LanguageTool client, unmodified, sees our matches (over real HTTP)."""
    language_tool_python = pytest.importorskip("language_tool_python")
    with serving(create_app(FakeRestorer())) as url:
        tool = language_tool_python.LanguageTool("en-US", remote_server=url)
        try:
            matches = tool.check(SPUN)
            # the client converts LanguageTool's UTF-16 offsets back to Python code points
            assert [SPUN[m.offset:m.offset + m.error_length] for m in matches] == \
                ["successful", "abode", "beryllium"]
            assert matches[0].rule_id == "UNSPIN_SPUN_WORD"
            assert matches[0].replacements[0] == "in"
            assert tool.correct(SPUN) == "🙂 He was in the house, be sure."
        finally:
            tool.close()


# ---------------------------------------------------------------- with the real, shipped model

@pytest.fixture(scope="module")
def real_restorer():
    from unspin.errors import UnspinError
    from unspin.restorer import default_restorer

    try:
        restorer = default_restorer()  # loaded once per test run, shared with test_browser
        restorer.restore("He was successful the house.")
    except (UnspinError, ImportError) as error:
        pytest.skip(f"the shipped model is not available: {error}")
    return restorer


@pytest.mark.model
def test_server_real_model_native_and_languagetool_agree(real_restorer):
    text = "🙂 He was successful the house when the telephone rang."
    with TestClient(create_app(real_restorer)) as http:
        native = http.post("/v1/restore", json={"text": text}).json()
        checked = http.post("/v2/check", data={"text": text, "language": "en-US"}).json()
    spun = {edit["spun"]: edit["restored"] for edit in native["edits"]}
    assert spun.get("successful") == "in"
    for edit in native["edits"]:
        assert text[edit["start"]:edit["end"]] == edit["spun"]
    assert apply_edits(text, [Edit(**{**e, "alternatives": ()}) for e in native["edits"]]) == \
        native["restored_text"]
    assert [m["offset"] for m in checked["matches"]] == [e["start"] + 1 for e in native["edits"]]
    assert checked["unspin"]["signature"] == native["signature"] == real_restorer.signature


@pytest.mark.model
def test_server_real_model_restores_and_reports_tortured_phrases(real_restorer):
    text = "The model relies on man-made intelligence."
    with TestClient(create_app(real_restorer)) as http:
        plain = http.post("/v1/restore", json={"text": text}).json()
        phrased = http.post("/v1/restore", json={"text": text, "phrases": True}).json()
        detected = http.post("/v1/detect", json={"texts": [text, "", "Plain text here."], "phrases": True}).json()
        without = http.post("/v1/detect", json={"texts": [text]}).json()
        refused = http.post("/v1/restore", json={"text": text, "phrases": "yes"})
    assert plain["restored_text"] == text and "|phrases:" not in plain["signature"]
    assert "artificial intelligence" in phrased["restored_text"] and "|phrases:" in phrased["signature"]
    first, empty, clean = detected["phrases"]
    assert first["count"] == 1 and empty["count"] == clean["count"] == 0
    found = first["phrases"][0]
    assert (found["spun"], found["term"]) == ("man-made intelligence", "artificial intelligence")
    assert text[found["start"] : found["end"]] == found["spun"]
    assert "phrases" not in without and refused.status_code == 422


@pytest.mark.model
def test_server_real_model_with_language_tool_python(real_restorer):
    language_tool_python = pytest.importorskip("language_tool_python")
    text = "🙂 He defected to South Korea successful 2019."
    with serving(create_app(real_restorer)) as url:
        tool = language_tool_python.LanguageTool("en-US", remote_server=url)
        try:
            matches = tool.check(text)
        finally:
            tool.close()
    found = {text[m.offset:m.offset + m.error_length]: m.replacements[0] for m in matches}
    assert found.get("successful") == "in"


@pytest.mark.model
@pytest.mark.slow
def test_server_command_serves_with_two_workers(real_restorer, tmp_path):
    """``unspin serve --workers 2`` end to end, in a subprocess on a free loopback port."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    src = str(Path(__file__).resolve().parents[1] / "src")
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join(
        filter(None, [src, os.environ.get("PYTHONPATH")])))
    server = subprocess.Popen([sys.executable, "-m", "unspin.cli", "serve", "--port", str(port),
                               "--workers", "2", "--concurrency", "1", "--max-bytes", "5000"], env=environment,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, "unspin serve exited"
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "unspin serve did not start in 60 s"
                time.sleep(0.3)
        data = httpx.post(url + "/v2/check", data={"text": "He was successful the house.",
                                                   "language": "en-US"}, timeout=30).json()
        assert data["matches"] and data["matches"][0]["replacements"][0]["value"] == "in"
        assert httpx.post(url + "/v1/restore", json={"text": "x" * 6000}).status_code == 413
        info = httpx.get(url + "/v1/info", timeout=30)
        assert info.json()["settings"]["threshold"] == 0.6 and info.json()["files"]
        assert str(Path(__file__).resolve().parents[1]) not in info.text and '"/' not in info.text
        import psutil

        family = psutil.Process(server.pid).children(recursive=True)
        assert len(family) >= 4  # two uvicorn workers, each with one restore worker
        server.terminate()
        server.wait(15)
        gone, alive = psutil.wait_procs(family, timeout=5)
        assert not alive, f"left running after the server stopped: {alive}"
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(15)


# ---------------------------------------------------------------- issue 16: no 500s, no CLI flags

@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e400", "5", "-1", "true", "[]"])
def test_server_issue16_impossible_threshold_is_422_not_500(client, value):
    response = client.post("/v1/restore", content=f'{{"text": "He was here.", "threshold": {value}}}',
                           headers={"content-type": "application/json"})
    assert response.status_code == 422, response.text
    assert "threshold" in response.json()["detail"] and "input" not in response.json()


@pytest.mark.parametrize("send", [
    lambda c: c.post("/v2/check", data={"data": '{"annotation": ' + "[" * 100_000 + "]" * 100_000 + "}"}),
    lambda c: c.post("/v2/check", data={"data": "[" * 100_000}),
    lambda c: c.post("/v1/restore", content=b"[" * 1500 + b"]" * 1500, headers={"content-type": "application/json"}),
    lambda c: c.post("/v1/restore", content=b"He was here.", headers={"content-type": "text/plain"}),
    lambda c: c.post("/v1/restore", content=b"{not json", headers={"content-type": "application/json"}),
    lambda c: c.post("/v1/restore", json=["He was here."]),
], ids=["lt-data-deep", "lt-data-open", "body-deep", "text-plain", "bad-json", "json-list"])
def test_server_issue16_malformed_requests_are_400(send):
    with TestClient(create_app(FakeRestorer(), max_bytes=1_000_000), raise_server_exceptions=False) as http:
        response = send(http)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "E030" and response.json()["detail"]


@pytest.mark.parametrize("send", [
    lambda c: c.post("/v1/restore", content=b'{"text": "caf\xe9"}', headers={"content-type": "application/json"}),
    lambda c: c.post("/v2/check", content=b"language=en-US&text=caf%E9",
                     headers={"content-type": "application/x-www-form-urlencoded"}),
    lambda c: c.post("/v1/restore", json={"text": "a\u0000b"}),
    lambda c: c.post("/v1/restore", json={"text": "word " * 1000}),
    lambda c: c.post("/v1/restore", json={"text": "x", "threshold": 2}),
    lambda c: c.post("/v1/restore", json={}),
], ids=["utf8-json", "utf8-form", "nul", "too-large", "threshold", "missing-text"])
def test_server_issue16_messages_name_no_command_line_flags(client, send):
    response = send(client)
    assert 400 <= response.status_code < 500
    detail = response.json()["detail"]
    assert isinstance(detail, str) and "--" not in detail, detail


def test_server_issue16_info_shows_no_server_paths(tiny_restorer):
    from conftest import TINY

    with TestClient(create_app(tiny_restorer)) as http:
        info = http.get("/v1/info")
    assert info.status_code == 200 and str(TINY) not in info.text and str(TINY.parent) not in info.text
    assert info.json()["settings"]["threshold"] == 0.6 and info.json()["files"]


def test_server_issue16_docs_and_favicon_are_served_locally(client):
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/static/docs.js" in docs.text and "cdn" not in docs.text.lower()
    assert client.get("/static/docs.js").status_code == 200
    assert client.get("/openapi.json").json()["paths"]["/v1/restore"]
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert client.get("/redoc").status_code == 404  # it would load its script from a CDN


def test_server_issue16_busy_port_exits_3_before_loading_the_model(tmp_path):
    import subprocess
    import sys

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        started = time.monotonic()
        # a model folder that does not exist: loading it first would exit 1, not 3
        out = subprocess.run([sys.executable, "-m", "unspin.cli", "serve", "--port", str(port),
                              "--model", str(tmp_path / "missing")], capture_output=True, text=True, timeout=60)
    assert out.returncode == 3, out.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in out.stderr and time.monotonic() - started < 30


# ---------------------------------------------------------------- issue 16: timed-out work stops

def tree_usage(pids) -> tuple[float, int]:
    """CPU seconds and resident bytes of the live processes among ``pids``."""
    import psutil

    cpu, rss = 0.0, 0
    for pid in pids:
        try:
            process = psutil.Process(pid)
            times = process.cpu_times()
            cpu, rss = cpu + times.user + times.system, rss + process.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return cpu, rss


def test_server_issue16_timed_out_requests_stop_using_cpu_and_memory():
    """Two requests that would run forever get 504; their workers are killed and replaced, a
    small request is answered at once after, and CPU and memory are back where they were."""
    import psutil

    app = create_app(factory="hog:HogRestorer", timeout=2.0, concurrency=2)
    with TestClient(app) as http:
        runner = app.state.runner
        first = runner.pids()
        _, baseline = tree_usage(first)
        peak = [0]
        stop = threading.Event()

        def sample():
            while not stop.is_set():
                peak[0] = max(peak[0], tree_usage(first)[1])
                time.sleep(0.05)

        sampler = threading.Thread(target=sample)
        sampler.start()

        async def two_hogs():
            import httpx

            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test", timeout=30) as client:
                return await asyncio.gather(*(client.post("/v1/restore", json={"text": "hog"}) for _ in range(2)))

        # TestClient's loop runs the app; drive the two at once through its portal
        statuses = sorted(r.status_code for r in http.portal.call(two_hogs))
        stop.set()
        sampler.join()
        assert statuses == [504, 504]
        assert peak[0] > baseline + 200 * 2**20, (peak[0], baseline)  # the hogs did take memory
        started = time.monotonic()
        small = http.post("/v1/restore", json={"text": "He was here."})
        assert small.status_code == 200 and time.monotonic() - started < 15
        assert not any(psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
                       for pid in first), "the timed-out workers still run"
        deadline = time.monotonic() + 15
        while len(runner.pids()) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        now = runner.pids()
        assert len(now) == 2 and not set(now) & set(first)
        cpu_before, rss = tree_usage(now)
        time.sleep(1.0)
        cpu_after, _ = tree_usage(now)
        assert cpu_after - cpu_before < 0.3, "a worker is still computing"
        assert rss < baseline + 100 * 2**20, (rss, baseline)
