"""unspin batch: formats round trip, resume after a kill, bad records, Ray = local."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from unspin.batch import batch_command, restore_parallel, run_batch, summary_line

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "fixtures" / "tiny_model"
FACTORY = "test_batch:TestRestorer"

SENTENCES = [
    "Ryu defected to South Korea successful 2019.",
    "He was successful Seoul successful 2019.",
    "They are told their families volition be executed.",
    "He ran crossed a minefield in the zone that separates the two Koreas.",
    "It is a good house.",
    "Families will be told. 🙂 Café\u00a0au lait,\r\nand more.",
]


class TestRestorer:
    """The real Restorer on the tiny model, slowed by $UNSPIN_TEST_DELAY seconds a document.

    A document containing ``CRASH-WORKER`` kills the worker process (as a segfault would).
    """

    __test__ = False  # not a pytest test class

    def __init__(self, model=None, **settings):
        from unspin.restorer import Restorer

        self.inner = Restorer(model or TINY, **settings)
        self.delay = float(os.environ.get("UNSPIN_TEST_DELAY", "0"))

    def restore(self, text):
        if "CRASH-WORKER" in text:
            os._exit(3)
        if self.delay:
            time.sleep(self.delay)
        return self.inner.restore(text)


@pytest.fixture(scope="module")
def restorer():
    from unspin.restorer import Restorer

    return Restorer(TINY)


def documents(count: int) -> list[str]:
    return [" ".join(SENTENCES[(i + k) % len(SENTENCES)] for k in range(1 + i % 3)) for i in range(count)]


def write_jsonl(path: Path, records: list, lines: list[str] = ()) -> None:
    body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records) + "".join(l + "\n" for l in lines)
    if path.name.endswith(".gz"):
        path.write_bytes(gzip.compress(body.encode()))
    else:
        path.write_text(body, encoding="utf-8", newline="")


def read_jsonl(path: Path) -> list[dict]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def expected(restorer, text: str) -> dict:
    result = restorer.restore(text)
    return json.loads(json.dumps({"restored_text": result.restored_text,
                                  "edits": [e.to_dict() for e in result.edits],
                                  "spun_score": result.spun_score, "signature": result.signature}))


def subprocess_env(**extra) -> dict:
    import unspin

    paths = [str(Path(unspin.__file__).resolve().parent.parent), str(ROOT / "tests")]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths + [os.environ.get("PYTHONPATH", "")]), **extra}


def batch_cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "unspin.batch", *args, "--model", str(TINY), "--no-progress"]


@pytest.mark.parametrize("name", ["docs.jsonl", "docs.jsonl.gz"])
def test_batch_jsonl_round_trip(tmp_path, restorer, name):
    texts = documents(30)
    records = [{"id": i, "text": t, "meta": {"source": "news", "n": [i]}} for i, t in enumerate(texts)]
    write_jsonl(tmp_path / name, records)
    out = tmp_path / ("out." + name.split(".", 1)[1])
    summary = run_batch(tmp_path / name, out, workers=2 if name.endswith("gz") else 1, model=str(TINY),
                        shard_size=7, progress=False)
    assert summary["documents"] == 30 and summary["errors"] == 0
    rows = read_jsonl(out)
    assert [r["id"] for r in rows] == list(range(30))
    for record, row in zip(records, rows):
        assert row == {**record, **expected(restorer, record["text"])}
    assert not (tmp_path / ".out.jsonl.unspin").exists() and not (tmp_path / "out.errors.jsonl").exists()


def test_batch_txt_folder_round_trip(tmp_path, restorer):
    source = tmp_path / "in"
    (source / "sub").mkdir(parents=True)
    texts = {"a.txt": SENTENCES[0], "sub/b.txt": SENTENCES[5], "c.txt": "", "d.txt": SENTENCES[4]}
    for rel, text in texts.items():
        (source / rel).write_bytes(text.encode("utf-8"))
    summary = run_batch(source, tmp_path / "out", workers=1, model=str(TINY), shard_size=3, progress=False)
    assert summary["documents"] == 4 and summary["errors"] == 0
    for rel, text in texts.items():
        assert (tmp_path / "out" / rel).read_bytes().decode("utf-8") == restorer.restore(text).restored_text
    edits = {row.pop("path"): row for row in read_jsonl(tmp_path / "out" / "edits.jsonl")}
    assert set(edits) == set(texts)
    want = expected(restorer, texts["a.txt"])
    assert edits["a.txt"] == {k: want[k] for k in ("edits", "spun_score", "signature")}
    assert edits["a.txt"]["edits"][0]["restored"] == "in"


def test_batch_parquet_round_trip(tmp_path, restorer):
    import pyarrow as pa
    import pyarrow.parquet as pq

    texts = documents(12)
    pq.write_table(pa.table({"id": pa.array(range(12), pa.int32()), "text": texts,
                             "score": [i / 2 for i in range(12)]}), tmp_path / "in.parquet")
    summary = run_batch(tmp_path / "in.parquet", tmp_path / "out.parquet", workers=1, model=str(TINY),
                        shard_size=5, progress=False)
    assert summary["documents"] == 12
    table = pq.read_table(tmp_path / "out.parquet")
    assert table.schema.field("id").type == pa.int32()
    rows = table.to_pylist()
    assert [r["id"] for r in rows] == list(range(12))
    for text, row in zip(texts, rows):
        want = expected(restorer, text)
        assert row["restored_text"] == want["restored_text"] and row["signature"] == want["signature"]
        assert [(e["start"], e["restored"]) for e in row["edits"]] == [(e["start"], e["restored"]) for e in want["edits"]]


def test_batch_only_spun_writes_spun_documents(tmp_path, restorer):
    texts = [SENTENCES[0], SENTENCES[4], SENTENCES[2]]
    write_jsonl(tmp_path / "in.jsonl", [{"text": t} for t in texts])
    run_batch(tmp_path / "in.jsonl", tmp_path / "out.jsonl", workers=1, model=str(TINY), only_spun=0.9,
              progress=False)
    kept = [row["text"] for row in read_jsonl(tmp_path / "out.jsonl")]
    assert kept == [t for t in texts if restorer.restore(t).spun_score >= 0.9] and SENTENCES[0] in kept


def test_batch_bad_records_go_to_errors_file(tmp_path):
    good = [{"id": 1, "text": SENTENCES[0]}, {"id": 2, "text": 42}, {"id": 3, "text": SENTENCES[1]}]
    write_jsonl(tmp_path / "in.jsonl", good, ['{"id": 4, "text": "unterminated', "[1, 2]", '{"id": 5}'])
    result = CliRunner().invoke(batch_command, ["--workers", "1", str(tmp_path / "in.jsonl"),
                                                str(tmp_path / "out.jsonl"), "--model", str(TINY), "--no-progress"])
    assert result.exit_code == 1, result.output
    assert "4 errors" in result.output
    assert [r["id"] for r in read_jsonl(tmp_path / "out.jsonl")] == [1, 3]
    errors = read_jsonl(tmp_path / "out.errors.jsonl")
    assert [e["line"] for e in errors] == [2, 4, 5, 6]
    assert errors[0]["record"] == {"id": 2, "text": 42} and "not a string" in errors[0]["error"]
    assert errors[1]["raw"] == '{"id": 4, "text": "unterminated' and "bad JSON" in errors[1]["error"]


def test_batch_crashed_worker_fails_only_its_document(tmp_path):
    texts = documents(20)
    texts[7] = "CRASH-WORKER " + texts[7]
    write_jsonl(tmp_path / "in.jsonl", [{"i": i, "text": t} for i, t in enumerate(texts)])
    summary = run_batch(tmp_path / "in.jsonl", tmp_path / "out.jsonl", workers=2, factory=FACTORY,
                        model=str(TINY), progress=False)
    assert summary["errors"] == 1
    assert [r["i"] for r in read_jsonl(tmp_path / "out.jsonl")] == [i for i in range(20) if i != 7]
    assert read_jsonl(tmp_path / "out.errors.jsonl")[0]["line"] == 8


@pytest.fixture(scope="module")
def chaos_run(tmp_path_factory):
    """The input of the chaos test and the output of a clean, uninterrupted run over it."""
    folder = tmp_path_factory.mktemp("chaos")
    write_jsonl(folder / "in.jsonl", [{"i": i, "text": t} for i, t in enumerate(documents(400))])
    run_batch(folder / "in.jsonl", folder / "clean.jsonl", workers=1, shard_size=20, factory=FACTORY,
              model=str(TINY), progress=False)
    return (folder / "in.jsonl").read_bytes(), (folder / "clean.jsonl").read_bytes()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_batch_issue16_chaos_kill_the_driver_then_resume(tmp_path, chaos_run, signum):
    """Kill only the driver: its workers and the resource tracker are gone within 5 s; --resume
    refuses the input once it has changed, and on the same input loses and repeats nothing."""
    import psutil

    original, clean = chaos_run
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_bytes(original)
    env = subprocess_env(UNSPIN_TEST_DELAY="0.01")
    args = ["--workers", "2", "--shard-size", "20", "--restorer", FACTORY]
    driver = subprocess.Popen(batch_cli(str(source), str(out), *args), env=env, stderr=subprocess.PIPE)
    done = tmp_path / ".out.jsonl.unspin" / "done"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(done.glob("*.json"))) < 2 and driver.poll() is None:
        time.sleep(0.02)
    assert driver.poll() is None, "the run finished before it could be killed: " + driver.stderr.read().decode()
    family = psutil.Process(driver.pid).children(recursive=True)
    assert len(family) >= 3, family  # two workers and multiprocessing's resource tracker
    os.kill(driver.pid, signum)
    code = driver.wait(30)
    _gone, alive = psutil.wait_procs(family, timeout=5)
    assert not alive, f"left running 5 s after the driver was killed: {alive}"
    if signum == signal.SIGTERM:
        assert code == 143 and b"rerun with --resume" in driver.stderr.read()
    finished = len(list(done.glob("*.json")))
    assert 2 <= finished < 20 and not out.exists()

    status = source.stat()
    source.write_bytes(original + b'{"i": 400, "text": "One more."}\n')
    refused = subprocess.run(batch_cli(str(source), str(out), *args, "--resume"), env=env,
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode == 1 and "the input changed" in refused.stderr and not out.exists()

    source.write_bytes(original)  # the very same input again
    os.utime(source, ns=(status.st_atime_ns, status.st_mtime_ns))
    resumed = subprocess.run(batch_cli(str(source), str(out), *args, "--resume"), env=env,
                             capture_output=True, text=True, timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{finished} shards from the earlier run" in resumed.stdout
    assert out.read_bytes() == clean
    assert [row["i"] for row in read_jsonl(out)] == list(range(400))


def test_batch_issue16_ray_engine_without_ray_is_a_usage_error(tmp_path):
    """Without the ray extra: one line saying what to install, exit 2, no state folder."""
    fake = tmp_path / "site" / "ray"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ModuleNotFoundError(\"No module named 'ray'\", name='ray')\n")
    write_jsonl(tmp_path / "in.jsonl", [{"text": SENTENCES[0]}])
    env = subprocess_env()
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path / "site"), env["PYTHONPATH"]])
    out = subprocess.run(batch_cli(str(tmp_path / "in.jsonl"), str(tmp_path / "out.jsonl"), "--engine", "ray"),
                         env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2, out.stderr
    assert out.stderr.strip().count("\n") == 0 and "pip install 'unspin[ray]'" in out.stderr
    assert "Traceback" not in out.stderr
    assert not (tmp_path / ".out.jsonl.unspin").exists() and not (tmp_path / "out.jsonl").exists()


def test_batch_resume_refuses_other_settings(tmp_path):
    write_jsonl(tmp_path / "in.jsonl", [{"text": SENTENCES[0]}])
    state = tmp_path / ".out.jsonl.unspin"
    state.mkdir()
    (state / "run.json").write_text(json.dumps({"format": "unspin.batch-state/1", "shard_size": 5}))
    result = CliRunner().invoke(batch_command, [str(tmp_path / "in.jsonl"), str(tmp_path / "out.jsonl"),
                                                "--resume", "--workers", "1", "--model", str(TINY)])
    assert result.exit_code == 1 and "E030" in result.output


def test_batch_restore_parallel_keeps_order(restorer):
    texts = documents(25)
    results = restore_parallel(texts, 2, restorer.spec())
    assert [r.restored_text for r in results] == [restorer.restore(t).restored_text for t in texts]
    assert [r.edits for r in results] == [restorer.restore(t).edits for t in texts]


@pytest.mark.slow
def test_batch_ray_engine_matches_local(tmp_path):
    pytest.importorskip("ray")
    texts = documents(40)
    write_jsonl(tmp_path / "in.jsonl", [{"i": i, "text": t} for i, t in enumerate(texts)], ["not json"])
    outputs = {}
    for engine in ("local", "ray"):
        out = tmp_path / f"{engine}.jsonl"
        run = subprocess.run(batch_cli(str(tmp_path / "in.jsonl"), str(out), "--engine", engine,
                                       "--workers", "2", "--shard-size", "9"),
                             env=subprocess_env(), capture_output=True, text=True, timeout=240)
        assert run.returncode == 1, run.stderr  # the "not json" line
        outputs[engine] = (out.read_bytes(), (tmp_path / f"{engine}.errors.jsonl").read_bytes())
    assert outputs["ray"] == outputs["local"]
    assert len(outputs["ray"][0].splitlines()) == 40


@pytest.mark.parametrize("workers", [1, 2])
def test_batch_corpus_mode_matches_restore_many(tmp_path, restorer, workers):
    texts = documents(20)
    write_jsonl(tmp_path / "docs.jsonl", [{"text": t} for t in texts])
    summary = run_batch(tmp_path / "docs.jsonl", tmp_path / "out.jsonl", workers=workers, model=str(TINY),
                        shard_size=6, progress=False, corpus=True, assume_one_spinner=True)
    assert summary["documents"] == 20 and summary["errors"] == 0
    assert summary["corpus"]["used"] and summary["corpus"]["originals"] < 10  # used although too small to tell
    want = restorer.restore_many(texts, corpus=True, assume_one_spinner=True)
    rows = read_jsonl(tmp_path / "out.jsonl")
    assert [r["restored_text"] for r in rows] == [w.restored_text for w in want]
    assert [[e["confidence"] for e in r["edits"]] for r in rows] == [[e.confidence for e in w.edits] for w in want]
    assert all(r["signature"].endswith("|corpus") for r in rows)


def test_batch_corpus_mode_reads_alone_a_crawl_too_small_to_tell(tmp_path, restorer):
    texts = documents(20)
    write_jsonl(tmp_path / "docs.jsonl", [{"text": t} for t in texts])
    summary = run_batch(tmp_path / "docs.jsonl", tmp_path / "out.jsonl", workers=1, model=str(TINY),
                        shard_size=6, progress=False, corpus=True)
    assert summary["corpus"]["used"] is False and summary["corpus"]["mode"] == "alone"
    rows = read_jsonl(tmp_path / "out.jsonl")
    assert [r["restored_text"] for r in rows] == [w.restored_text for w in restorer.restore_many(texts)]
    assert not any(r["signature"].endswith("|corpus") for r in rows)
    assert "each document was restored alone" in summary_line(summary)


def test_batch_summary_says_how_corpus_mode_and_a_profile_were_read():
    from types import SimpleNamespace

    from unspin.batch import seasoned_note

    assert seasoned_note(None) is None
    assert "together" in seasoned_note(SimpleNamespace(header={"pages": 10}, seasoned=False))
    note = seasoned_note(SimpleNamespace(header={"pages": 1000}, seasoned=True))
    assert "1,000 pages" in note and "with it alone" in note
    summary = {"documents": 2, "errors": 0, "spun": 1, "words": 20, "errors_file": None, "docs_per_second": 1.0,
               "words_per_second": 10.0, "resumed_shards": 0, "corpus": None, "note": note}
    assert summary_line(summary).endswith(note)
    # what the crawl lent every document is said where it lent anything
    from unspin.batch import lent_habits
    from unspin.candidates import Habits

    assert lent_habits(None) is None
    crawl = {"verdict": "not one spinner's", "used": False, "habits": lent_habits(Habits(0.9, 0.02))}
    line = summary_line({**summary, "corpus": crawl, "note": None})
    assert "restored alone" in line and "chooses anew at each occurrence 0.90, spins capitalised words 0.02" in line
    several = summary_line({**summary, "corpus": {**crawl, "used": True, "one_spinner": False}, "note": None})
    assert "restored alone" not in several and "not of each original" in several


def test_batch_assume_one_spinner_needs_corpus_mode(tmp_path):
    from unspin.errors import UnspinError

    write_jsonl(tmp_path / "docs.jsonl", [{"text": "He was successful Seoul."}])
    with pytest.raises(UnspinError, match="add --corpus"):
        run_batch(tmp_path / "docs.jsonl", tmp_path / "out.jsonl", model=str(TINY), progress=False,
                  assume_one_spinner=True)
    assert not (tmp_path / "out.jsonl").exists()


def test_batch_corpus_mode_refuses_ray(tmp_path):
    from unspin.errors import UnspinError

    write_jsonl(tmp_path / "docs.jsonl", [{"text": "He was successful Seoul."}])
    with pytest.raises(UnspinError, match="local engine"):
        run_batch(tmp_path / "docs.jsonl", tmp_path / "out.jsonl", engine="ray", model=str(TINY),
                  progress=False, corpus=True)


# ---------------------------------------------------------------- issue 16: bad bytes, changed input

@pytest.mark.parametrize("name", ["in.jsonl", "in.jsonl.gz"])
def test_batch_issue16_invalid_utf8_line_goes_to_errors_file(tmp_path, name):
    lines = [json.dumps({"id": i, "text": SENTENCES[i]}).encode() for i in range(3)]
    bad = b'{"id": 9, "text": "caf\xe9 au lait"}'
    body = b"\n".join(lines[:2] + [bad] + lines[2:]) + b"\n"
    (tmp_path / name).write_bytes(gzip.compress(body) if name.endswith(".gz") else body)
    out = tmp_path / name.replace("in.", "out.")
    result = CliRunner().invoke(batch_command, ["--workers", "1", str(tmp_path / name), str(out),
                                                "--model", str(TINY), "--no-progress"])
    assert result.exit_code == 1, result.output
    assert "1 errors" in result.output and "--errors" not in result.output
    assert [r["id"] for r in read_jsonl(out)] == [0, 1, 2]
    [error] = read_jsonl(tmp_path / "out.errors.jsonl")
    assert error["line"] == 3 and error["error"] == "E003 invalid UTF-8 at byte 22 of the line"
    import base64

    assert base64.b64decode(error["raw_base64"]) == bad and "\\xe9" in error["raw"]


def test_batch_issue16_resume_refuses_a_changed_input(tmp_path):
    from unspin.batchio import State, input_fingerprint, plan
    from unspin.errors import UnspinError

    source = tmp_path / "in.jsonl"
    write_jsonl(source, [{"text": SENTENCES[0]}])
    layout = plan(source, tmp_path / "out.jsonl")
    State(layout, {"inputs": input_fingerprint(layout)}, resume=False)
    State(layout, {"inputs": input_fingerprint(layout)}, resume=True)  # unchanged: goes on
    write_jsonl(source, [{"text": SENTENCES[1]}])
    with pytest.raises(UnspinError, match=r"input changed .*: in.jsonl \(.*sha256_ends changed\)"):
        State(layout, {"inputs": input_fingerprint(layout)}, resume=True)


@pytest.mark.model
def test_batch_phrases_restores_tortured_terms(tmp_path):
    texts = ["The model relies on man-made intelligence.", "He was successful the house."]
    write_jsonl(tmp_path / "in.jsonl", [{"text": t} for t in texts])
    for flag, out in (([], "plain.jsonl"), (["--phrases"], "phrases.jsonl")):
        result = CliRunner().invoke(batch_command, ["--workers", "1", str(tmp_path / "in.jsonl"),
                                                    str(tmp_path / out), "--no-progress", *flag])
        assert result.exit_code == 0, result.output
    plain, phrased = read_jsonl(tmp_path / "plain.jsonl"), read_jsonl(tmp_path / "phrases.jsonl")
    assert plain[0]["restored_text"] == texts[0] and "|phrases:" not in plain[0]["signature"]
    assert phrased[0]["restored_text"] == "The model relies on artificial intelligence."
    assert any(e["relation"] == "phrase_term" for e in phrased[0]["edits"]) and "|phrases:" in phrased[0]["signature"]
    assert phrased[1]["restored_text"] == plain[1]["restored_text"] == "He was in the house."
