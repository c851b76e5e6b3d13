"""HTTP server: a native JSON API, a LanguageTool-compatible API, and a web page.

Native endpoints (``/v1/...``) count offsets in Unicode code points, like the Python API.
``/v2/check`` follows LanguageTool and counts UTF-16 code units, so unmodified LanguageTool
clients work.  No request can make the server read or write a file: the page's three static
files are read once, at start-up, from the package.

FastAPI and uvicorn are an optional extra (``pip install unspin[server]``); they are imported
inside functions so that ``import unspin.server`` never breaks the command line.
"""

import asyncio
import dataclasses
import json
import os
import socket
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Literal
from importlib import resources

import click

from unspin import __version__
from unspin.errors import BadInput, HTTPProblem, UnspinError, http_message
from unspin.languagetool import (LANGUAGES, MAX_JSON_DEPTH, annotated_text, json_too_deep, language_code,
                                 lt_response, parse_form, rule_enabled)
from unspin.supervisor import MAX_WAITING, WARM_UP

MAX_BYTES = 1_000_000
TIMEOUT = 30.0
CONCURRENCY = 2
SETTINGS_VARIABLE = "UNSPIN_SERVER_SETTINGS"  # passes settings to each uvicorn worker
EXIT_CANNOT_LISTEN = 3  # `unspin serve`: the address is in use or cannot be bound
STATIC = {"/": ("index.html", "text/html; charset=utf-8"),
          "/static/app.js": ("app.js", "text/javascript; charset=utf-8"),
          "/static/style.css": ("style.css", "text/css; charset=utf-8"),
          "/docs": ("docs.html", "text/html; charset=utf-8"),
          "/static/docs.js": ("docs.js", "text/javascript; charset=utf-8"),
          "/favicon.ico": ("favicon.svg", "image/svg+xml"),
          "/static/favicon.svg": ("favicon.svg", "image/svg+xml")}
HEADERS = {"X-Content-Type-Options": "nosniff",
           "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'"}


def check_text(text: str) -> str:
    """Refuse what is not text: lone surrogates (not encodable as UTF-8) and NUL characters."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise BadInput("E003", f"lone surrogate at code point {error.start}") from None
    if "\x00" in text:
        raise BadInput("E004", f"NUL character at code point {text.index(chr(0))}")
    return text


# ---------------------------------------------------------------- limits

class BodyGuard:
    """ASGI middleware: refuse bodies over ``max_bytes`` (413) and JSON that is not UTF-8 (400).

    It reads the whole (bounded) body before the app runs and replays it, so a slow or endless
    upload never reaches the endpoints.
    """

    def __init__(self, app, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope["headers"])
        length = headers.get(b"content-length", b"0")
        too_large = len(scope.get("query_string", b"")) > self.max_bytes or (
            not length.isdigit() or int(length) > self.max_bytes)
        body = bytearray()
        more = not too_large
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_bytes:
                too_large, more = True, False
        if too_large:
            return await _problem(413, "E005", f"request larger than {self.max_bytes} bytes; split the "
                                  "text into smaller requests")(scope, receive, send)
        if b"json" in headers.get(b"content-type", b""):
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError as error:
                return await _problem(400, "E003", f"request body is not valid UTF-8 (byte {error.start})"
                                      )(scope, receive, send)
            if json_too_deep(text):
                return await _problem(400, "E030", f"request body nests JSON deeper than {MAX_JSON_DEPTH} "
                                      "levels")(scope, receive, send)
        replayed = False

        async def replay():
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        await self.app(scope, replay, send)


def _problem(status: int, code: str, detail: str):
    from fastapi.responses import JSONResponse

    return JSONResponse({"detail": detail, "code": code}, status_code=status, headers=HEADERS)


class Runner:
    """Runs calls on a restorer object in a bounded thread pool, each within ``timeout`` seconds.

    For a restorer handed to ``create_app`` (tests, embedding): a thread cannot be stopped, so
    a call that times out runs on to its end.  The server itself uses ``supervisor.Supervisor``
    (worker processes, killed on timeout).
    """

    def __init__(self, restorer, timeout: float, concurrency: int) -> None:
        self.restorer, self.timeout, self.concurrency = restorer, timeout, concurrency
        self.pool = ThreadPoolExecutor(concurrency, thread_name_prefix="unspin-restore")
        self.slots = asyncio.Semaphore(concurrency)
        self.waiting = 0

    async def start(self) -> None:
        await asyncio.get_running_loop().run_in_executor(None, lambda: (
            self.restorer.signature, self.restorer.restore(WARM_UP)))

    async def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)

    async def run(self, function, *args, **kwargs):
        """``function(restorer, *args, **kwargs)`` in a free thread."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        if self.waiting >= MAX_WAITING:
            raise HTTPProblem(503, "E040", f"server busy ({self.waiting} requests waiting); retry later")
        self.waiting += 1
        try:
            await asyncio.wait_for(self.slots.acquire(), self.timeout)
        except TimeoutError:
            raise HTTPProblem(503, "E040", f"server busy: no free worker within {self.timeout:g} s; "
                              "retry later") from None
        finally:
            self.waiting -= 1
        future = loop.run_in_executor(self.pool, lambda: function(self.restorer, *args, **kwargs))
        future.add_done_callback(lambda done: (self.slots.release(),  # and mark any error as seen
                                               done.cancelled() or done.exception()))
        try:
            return await asyncio.wait_for(asyncio.shield(future), max(0.001, deadline - loop.time()))
        except TimeoutError:
            raise HTTPProblem(504, "E041", f"restoring took longer than this server's limit of "
                              f"{self.timeout:g} s; send a shorter text") from None


# ---------------------------------------------------------------- the application

def _page_files() -> dict:
    folder = resources.files("unspin").joinpath("static")
    return {route: (folder.joinpath(name).read_bytes(), kind) for route, (name, kind) in STATIC.items()}


def _restore(restorer, text: str, profile: str | None = None, **settings) -> dict:
    if profile is not None:
        settings["profile"] = profile
    return restorer.restore(text, **settings).to_dict()


def _scores(restorer, texts: list[str], profile: str | None = None) -> list[float]:
    if profile is not None:
        return [restorer.restore(text, profile=profile).spun_score if text else 0.0 for text in texts]
    scorer = getattr(restorer, "detect", None) or (lambda text: restorer.restore(text).spun_score)
    return [scorer(text) if text else 0.0 for text in texts]


def _phrase_reports(restorer, texts: list[str]) -> list[dict]:
    """The suspected tortured phrases of each text (``unspin.phrases.report``)."""
    from unspin.phrases import report

    return [report(text, restorer).to_dict() for text in texts]


def _attributions(restorer, texts: list[str]) -> list[dict]:
    """The profile each text fits best (None: none), with its fit in bits."""
    from unspin.profiles.attribution import attribute, fits
    from unspin.tokenize import tokenize

    found = [attribute(fits(tokenize(text), restorer.profiles)) for text in texts]
    return [{"profile": a.profile, "fit": a.fit} for a in found]


def create_app(restorer=None, max_bytes: int = MAX_BYTES, timeout: float = TIMEOUT,
               concurrency: int = CONCURRENCY, model: str | None = None, factory: str | None = None,
               profiles: dict[str, str] | None = None):
    """The FastAPI application.

    By default restorations run in ``concurrency`` worker processes, each holding
    ``factory(model)`` (``module:callable``, default ``unspin.restorer:Restorer``), started
    and warmed up with the app; a request that runs past ``timeout`` gets 504 and its worker
    is killed and replaced, so the work stops at once (``supervisor.Supervisor``).  A
    ``restorer`` object given here (``restore(text, **settings)``, ``info()``, ``signature``)
    runs in threads instead, for tests and embedding; its timed-out calls run to their end.
    ``profiles`` (name -> profile file) are loaded by every worker; a request names one in
    its ``profile`` field (a restorer object given here brings its own ``profiles``).
    """
    import contextlib

    from fastapi import FastAPI, Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse, Response
    from pydantic import BaseModel, Field

    from unspin import schema
    from unspin.restorer import Settings
    from unspin.types import Restoration

    if restorer is None:
        from unspin.supervisor import DEFAULT_FACTORY, Supervisor

        runner = restorer = Supervisor(factory or DEFAULT_FACTORY, model, concurrency, timeout, profiles)
    else:
        runner = Runner(restorer, timeout, concurrency)

    def profile_list() -> list[dict]:
        from unspin.supervisor import profiles_of

        listed = getattr(restorer, "profile_list", None)
        return listed if listed is not None else profiles_of(restorer)

    def check_profile(name: str | None) -> None:
        """422 (E050) for a profile the server does not hold, before any work."""
        names = [p["name"] for p in profile_list()]
        if name is not None and name not in names:
            raise HTTPProblem(422, "E050", f"unknown profile {name!r}; this server holds: "
                              f"{', '.join(names) or 'none'} (see /v1/info)")
    page = _page_files()

    @contextlib.asynccontextmanager
    async def lifespan(app):
        await runner.start()
        yield
        await runner.close()

    app = FastAPI(title="unspin", version=__version__, lifespan=lifespan, description=(
        "Find and undo the word substitutions of automatic text spinners. `/v1/*` is the native "
        "API (offsets in Unicode code points); `/v2/check` is LanguageTool-compatible (offsets in "
        f"UTF-16 code units). Requests over {max_bytes} bytes get 413; a restore that takes over "
        f"{timeout:g} s gets 504."),
        docs_url=None, redoc_url=None)  # /docs is served from the package: no CDN
    app.add_middleware(BodyGuard, max_bytes=max_bytes)
    app.state.restorer, app.state.runner = restorer, runner

    @app.exception_handler(HTTPProblem)
    async def problem(request, error: HTTPProblem):
        return _problem(error.status, error.code, error.detail)

    @app.exception_handler(UnspinError)
    async def unspin_error(request, error: UnspinError):
        status = {"E005": 413, "E031": 422}.get(error.code, 400)
        return _problem(status, error.code, http_message(error))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request, error: RequestValidationError):
        """A readable message; never the input itself (NaN or a huge text does not belong in it)."""
        problems = error.errors()
        if any(tuple(p.get("loc", ())) == ("body",) or p.get("type") == "json_invalid" for p in problems):
            return _problem(400, "E030", 'the body must be a JSON object such as {"text": "..."}, sent '
                            "with Content-Type: application/json")
        detail = "; ".join(f"{'.'.join(str(part) for part in p.get('loc', ())[1:]) or 'body'}: {p.get('msg')}"
                           for p in problems)
        return _problem(422, "E030", f"{detail} (see /docs for the request format)")

    profile_field = ("the name of a spinner profile this server holds (/v1/info lists them), to "
                     "restore with what it learned of that spinner; default: none")

    class RestoreRequest(BaseModel):
        text: str = Field(description="the spun text; UTF-8, no NUL characters")
        threshold: float | None = Field(None, strict=True, description="minimum confidence of an "
                                        "edit (0.2 less for an edit beside a kept one), a finite "
                                        "number from 0 to 1 (default: the server's setting); anything "
                                        "else: 422")
        scorer: Literal["auto", "neural", "ngram"] | None = Field(
            None, description="neural: the encoder's evidence beside the n-gram model; ngram: the n-gram "
                              "alone (fastest); auto: neural where the server's model has an encoder")
        profile: str | None = Field(None, description=profile_field)
        phrases: bool | None = Field(None, strict=True, description="true: restore tortured terms too "
                                     "(the phrase channel, for science text: \"profound learning\" -> "
                                     "\"deep learning\"); default: the server's setting")

    RestorationOut = schema.restoration_model()  # its field lists live in unspin.schema

    class DetectRequest(BaseModel):
        texts: list[str]
        profile: str | None = Field(None, description=profile_field)
        phrases: bool = Field(False, strict=True, description="true: also list each text's suspected "
                              "tortured phrases with their likely terms (research-integrity report)")

    class SuspectedPhrase(BaseModel):
        start: int = Field(description="offset of the run in the text, in Unicode code points")
        end: int
        spun: str = Field(description="the run as the text writes it")
        term: str = Field(description="the established term it likely stands for")
        confidence: float

    class PhraseReportOut(BaseModel):
        count: int = Field(description="suspected tortured phrases in the text")
        words: int
        phrases: list[SuspectedPhrase]

    class Attribution(BaseModel):
        profile: str | None = Field(description="the profile the text fits best; null when none fits")
        fit: float = Field(description="that profile's fit: log-likelihood ratio in bits of the text's "
                           "words as its spinner's output against unspun")

    class DetectResponse(BaseModel):
        scores: list[float]
        attributions: list[Attribution] | None = Field(None, description="per text, the profile it fits "
                                                       "best (only when the server holds profiles)")
        phrases: list[PhraseReportOut] | None = Field(None, description="per text, its suspected tortured "
                                                      "phrases (only when the request asks for them)")

    async def restore_one(text: str, **settings) -> dict:
        check_text(text)
        if not text:
            return Restoration(text, text, (), 0.0, restorer.signature).to_dict()
        return await runner.run(_restore, text, **settings)

    @app.post("/v1/restore", operation_id="restore", responses={200: {"model": RestorationOut}})
    async def restore(body: RestoreRequest):
        """Restore spun text; edit offsets are Unicode code points into `text`."""
        settings = {name: value for name, value in (("threshold", body.threshold), ("scorer", body.scorer),
                                                    ("phrases", body.phrases)) if value is not None}
        Settings.of(**settings)  # E031 (422) for an impossible value, before any work
        check_profile(body.profile)
        if body.profile is not None:
            settings["profile"] = body.profile
        return JSONResponse(await restore_one(body.text, **settings), headers=HEADERS)

    @app.post("/v1/detect", operation_id="detect", response_model=DetectResponse,
              response_model_exclude_unset=True)
    async def detect(body: DetectRequest):
        """How likely each document is spun, 0..1; with profiles on the server, also the
        profile each document fits best; with `phrases`, each document's suspected tortured
        phrases (offsets in code points)."""
        for text in body.texts:
            check_text(text)
        check_profile(body.profile)
        answer = {"scores": await runner.run(_scores, body.texts, body.profile)}
        if profile_list():
            answer["attributions"] = await runner.run(_attributions, body.texts)
        if body.phrases:
            answer["phrases"] = await runner.run(_phrase_reports, body.texts)
        return answer

    @app.get("/healthz", operation_id="health")
    async def health():
        return {"status": "ok", "version": __version__}

    @app.get("/v1/info", operation_id="info")
    async def info():
        """Version, model files with their checksums, the reproducibility signature and the
        default settings.  No path on the server's disk is shown."""
        public = {key: value for key, value in restorer.info().items() if key != "model_folder"}
        settings = getattr(restorer, "settings", None)
        public["settings"] = dataclasses.asdict(settings if isinstance(settings, Settings) else Settings())
        public["profiles"] = profile_list()
        return public

    async def lt_check(params: dict) -> dict:
        language = language_code(params.get("language"))
        if params.get("data"):
            original, plain, segments = annotated_text(params["data"])
        elif "text" in params:
            original = plain = params["text"]
            segments = None
        else:
            raise HTTPProblem(400, "E030", "missing 'text' or 'data' parameter")
        check_text(original)
        check_text(plain)
        if plain.strip() and rule_enabled(params):
            restoration = await restore_one(plain)
        else:
            restoration = {"edits": [], "spun_score": 0.0, "signature": restorer.signature}
        return lt_response(restoration, original, segments, language)

    form_schema = {"type": "object", "properties": {
        "text": {"type": "string", "description": "the text to check"},
        "data": {"type": "string", "description": "LanguageTool annotated text JSON"},
        "language": {"type": "string", "default": "auto"},
        "disabledRules": {"type": "string"}, "enabledRules": {"type": "string"},
        "enabledOnly": {"type": "string"}}}
    lt_doc = ("LanguageTool-compatible check: matches' `offset`/`length` count UTF-16 code units, "
              "as LanguageTool does.")

    @app.post("/v2/check", operation_id="languagetool_check_post", description=lt_doc,
              openapi_extra={"requestBody": {"required": True, "content": {
                  "application/x-www-form-urlencoded": {"schema": form_schema}}}})
    async def check_post(request: Request):
        kind = request.headers.get("content-type", "")
        if kind.startswith("multipart/form-data"):
            params = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        else:
            params = parse_form(await request.body())
        return await lt_check(params)

    @app.get("/v2/check", operation_id="languagetool_check_get", description=lt_doc,
             openapi_extra={"parameters": [
                 {"name": name, "in": "query", "schema": schema}
                 for name, schema in form_schema["properties"].items()]})
    async def check_get(request: Request):
        return await lt_check(parse_form(request.scope.get("query_string", b"")))

    @app.get("/v2/languages", operation_id="languagetool_languages")
    async def languages():
        """The languages /v2/check accepts (English variants)."""
        return [{"name": name, "code": "en", "longCode": code} for name, code in LANGUAGES]

    for route, (content, kind) in page.items():
        app.add_api_route(route, _static(content, kind, Response), methods=["GET"],
                          include_in_schema=False)
    return app


def _static(content: bytes, kind: str, response_class):
    async def serve():
        return response_class(content, media_type=kind, headers=HEADERS)
    return serve


def check_address(host: str, port: int) -> None:
    """Exit with EXIT_CANNOT_LISTEN at once if ``host:port`` cannot be bound (port in use)."""
    try:
        family, kind, protocol, _name, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
        with socket.socket(family, kind, protocol) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
            probe.bind(address)
    except OSError as error:
        click.echo(f"unspin: cannot listen on {host}:{port}: {error.strerror or error} "
                   "(choose another --port or stop the program using it)", err=True)
        sys.exit(EXIT_CANNOT_LISTEN)


def app_from_environment():
    """Factory for uvicorn workers: settings come from $UNSPIN_SERVER_SETTINGS."""
    return create_app(**json.loads(os.environ.get(SETTINGS_VARIABLE, "{}")))


def _named_profiles(context, parameter, values) -> dict[str, str]:
    """click callback: ``NAME=PATH`` options -> {name: absolute path}; a usage error (exit 2)
    for a malformed or repeated name or a missing file."""
    found: dict[str, str] = {}
    for value in values:
        name, equals, path = value.partition("=")
        if not equals or not name or not path:
            raise click.BadParameter(f"{value!r}: write NAME=PATH (e.g. site-a=site-a.tsv.gz)")
        if name in found:
            raise click.BadParameter(f"{name!r} is given twice")
        if not os.path.isfile(path):
            raise click.BadParameter(f"{path}: no such profile file")
        found[name] = os.path.abspath(path)
    return found


def _checked_profiles(profiles: dict[str, str], model: str) -> dict[str, str]:
    """Read every profile once here, so that a damaged one (E020) stops the server before
    it listens; each worker refuses one learned with another model (E023) as it starts."""
    from unspin.profiles import read

    for name, path in profiles.items():
        read(path, name)
    return profiles


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="address to bind")
@click.option("--port", default=8010, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1),
              help="processes, each loading the model once")
@click.option("--max-bytes", default=MAX_BYTES, show_default=True, type=click.IntRange(1),
              help="largest request body accepted (bigger: 413)")
@click.option("--timeout", default=TIMEOUT, show_default=True, type=click.FloatRange(min=0.001),
              help="seconds one request may take (longer: 504)")
@click.option("--concurrency", default=CONCURRENCY, show_default=True, type=click.IntRange(1),
              help="restore worker processes per server process (each loads the model); more requests "
              "wait (up to --timeout: 503); one past --timeout gets 504 and its worker is replaced")
@click.option("--model", type=click.Path(file_okay=False), default=None,
              help="model folder (default: bundled, or $UNSPIN_DATA)")
@click.option("--profile", "profiles", multiple=True, metavar="NAME=PATH", callback=_named_profiles,
              help="a spinner profile (unspin learn) requests may ask for by NAME; repeat for more")
def serve_command(host, port, workers, max_bytes, timeout, concurrency, model, profiles):
    """Serve the web page, the JSON API (/docs) and a LanguageTool-compatible /v2/check.

    Exit code 3 if the address cannot be bound (e.g. the port is in use), checked before
    the model is loaded.
    """
    check_address(host, port)
    try:
        import fastapi  # noqa: F401
        import uvicorn
    except ImportError:
        click.echo("unspin: the server needs the 'server' extra: pip install 'unspin[server]'", err=True)
        sys.exit(1)
    from unspin.data import data_dir

    try:
        model = str(data_dir(model))
    except UnspinError as error:
        click.echo(f"unspin: {error}", err=True)
        sys.exit(1)
    try:
        profiles = _checked_profiles(profiles, model)
    except UnspinError as error:
        click.echo(f"unspin: {error}", err=True)
        sys.exit(1)
    os.environ[SETTINGS_VARIABLE] = json.dumps({"max_bytes": max_bytes, "timeout": timeout,
                                                "concurrency": concurrency, "model": model,
                                                "profiles": profiles})
    uvicorn.run("unspin.server:app_from_environment", factory=True, host=host, port=port,
                workers=workers, log_level="info", timeout_graceful_shutdown=5,
                # busy workers must not drop a kept-alive connection as a request arrives
                timeout_keep_alive=30)
