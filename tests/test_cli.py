import json
import os
import subprocess
import sys

import pytest
from conftest import TINY

from unspin.types import Edit, apply_edits

RUN = [sys.executable, "-m", "unspin.cli"]


def run(args, data: bytes):
    return subprocess.run(RUN + args, input=data, capture_output=True, timeout=120)


def test_cli_restore_text_and_json():
    spun = "He was successful Seoul successful 2019.\r\n".encode()
    out = run(["restore", "--model", str(TINY)], spun)
    assert out.returncode == 0, out.stderr
    assert out.stdout == "He was in Seoul in 2019.\r\n".encode()
    out = run(["restore", "--model", str(TINY), "--format", "json"], spun)
    record = json.loads(out.stdout)
    assert record["restored_text"] == "He was in Seoul in 2019.\r\n"
    assert record["edits"][0]["spun"] == "successful"


def test_cli_diff_format():
    out = run(["restore", "--model", str(TINY), "--format", "diff"], b"He was successful Seoul successful 2019.")
    assert out.stdout.decode() == "He was [-successful-]{+in+} Seoul [-successful-]{+in+} 2019."


def test_cli_bad_input_exit_codes():
    out = run(["restore", "--model", str(TINY)], b"ok \xff\xfe")
    assert out.returncode == 1 and b"byte offset 3" in out.stderr
    out = run(["restore", "--model", str(TINY)], b"\x00\x01\x02binary")
    assert out.returncode == 1 and b"E004" in out.stderr
    out = run(["restore", "--no-such-flag"], b"")
    assert out.returncode == 2


def test_cli_empty_input_gives_empty_output():
    out = run(["restore", "--model", str(TINY)], b"")
    assert out.returncode == 0 and out.stdout == b""


def test_cli_detect_prints_scores(tmp_path):
    spun = tmp_path / "spun.txt"
    spun.write_text("He was successful Seoul successful 2019. The house volition beryllium home.")
    clean = tmp_path / "clean.txt"
    clean.write_text("He was in Seoul in 2019.")
    out = run(["detect", "--model", str(TINY), str(spun), str(clean)], b"")
    scores = [float(line.split("\t")[1]) for line in out.stdout.decode().splitlines()]
    assert scores[0] > 0.5 > scores[1]


def test_cli_verify_checks_manifest():
    out = run(["verify", "--model", str(TINY)], b"")
    assert out.returncode == 0, out.stderr


def test_cli_verify_names_a_corrupted_file(tmp_path):
    import shutil

    folder = tmp_path / "model"
    shutil.copytree(TINY, folder)
    with open(folder / "lm.arpa", "ab") as handle:
        handle.write(b"\n")  # one byte more: size and checksum differ
    out = run(["verify", "--model", str(folder)], b"")
    assert out.returncode == 1
    assert b"lm.arpa" in out.stderr and b"channel.tsv.gz" not in out.stderr
    (folder / "channel.tsv.gz").write_bytes((folder / "channel.tsv.gz").read_bytes()[::-1])  # same size, other bytes
    out = run(["verify", "--model", str(folder)], b"")
    assert out.returncode == 1 and b"channel.tsv.gz" in out.stderr and b"lm.arpa" in out.stderr


# ---------------------------------------------------------------- issue 16: streaming

def test_cli_issue16_input_without_final_newline_is_restored():
    for spun, want in ((b"He was successful Seoul.", b"He was in Seoul."),
                       (b"He was successful Seoul.\n", b"He was in Seoul.\n")):
        out = run(["restore", "--model", str(TINY)], spun)
        assert out.returncode == 0 and out.stdout == want, out.stderr
    out = run(["restore", "--model", str(TINY), "--format", "json"], b"He was successful Seoul.")
    assert json.loads(out.stdout)["restored_text"] == "He was in Seoul."


@pytest.mark.parametrize("text", ["a" + "é" * 40_000, "€" * 30_000], ids=["e-acute", "euro"])
@pytest.mark.parametrize("errors", ["strict", "replace"])
def test_cli_issue16_long_runs_of_multibyte_characters(text, errors):
    out = run(["restore", "--model", str(TINY), "--errors", errors], text.encode("utf-8"))
    assert out.returncode == 0, out.stderr
    assert out.stdout == text.encode("utf-8")  # nothing to restore, and no U+FFFD


def test_cli_issue16_json_offsets_count_from_the_start_of_the_input():
    paragraph = "He was successful Seoul successful 2019. The house volition beryllium home. " * 400
    text = (paragraph + "\n\n") * 4 + paragraph.strip()  # several 64 KB pieces, no final newline
    out = run(["restore", "--model", str(TINY), "--format", "json"], text.encode())
    assert out.returncode == 0, out.stderr
    documents = out.stdout.decode().splitlines()
    assert len(documents) == 1  # one Restoration for the whole input
    record = json.loads(documents[0])
    assert record["text"] == text and len(record["edits"]) == 4 * 5 * 400
    edits = [Edit(**{**e, "alternatives": ()}) for e in record["edits"]]
    assert all(text[e.start:e.end] == e.spun for e in edits)
    assert apply_edits(text, edits) == record["restored_text"]
    assert record["edits"][-1]["start"] > len(text) - 20


def test_cli_issue16_detect_streams_a_large_file_in_bounded_memory(tmp_path):
    line = "He was successful Seoul successful 2019. The house volition beryllium home. "
    small, large = tmp_path / "small.txt", tmp_path / "large.txt"
    small.write_text(line * 800)  # one piece
    large.write_text(line * 6000)  # 450 KB on one line: seven pieces
    peaks, scores = {}, {}
    for path in (small, large):
        process = subprocess.Popen(RUN + ["detect", "--model", str(TINY), str(path)],
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        output = process.stdout.read()
        _pid, status, usage = os.wait4(process.pid, 0)
        assert status == 0
        peaks[path.name], scores[path.name] = usage.ru_maxrss, output.decode().split("\t")[1]
    assert scores["large.txt"] == scores["small.txt"] == "1.000\n"
    assert peaks["large.txt"] < peaks["small.txt"] + 30_000, peaks  # kB: not ten times the text


@pytest.mark.parametrize("value", ["-1", "nan", "inf", "5", "1e400"])
def test_cli_issue16_impossible_threshold_is_a_usage_error(value):
    out = run(["restore", "--model", str(TINY), "--threshold", value], b"He was successful Seoul.")
    assert out.returncode == 2 and b"must be a finite number from 0 to 1" in out.stderr, out.stderr
    assert out.stdout == b""


def test_cli_issue16_threshold_reaches_the_signature():
    out = run(["restore", "--model", str(TINY), "--threshold", "0.99", "-v"], b"He was here.")
    assert out.returncode == 0 and b"threshold:0.99" in out.stderr


# ---------------------------------------------------------------- issue 16: progress on a terminal

def run_with_terminal_stderr(args) -> tuple[int, bytes, str]:
    """Run the CLI with stderr on a pseudo-terminal: (exit code, stdout, what the terminal got)."""
    import pty
    import threading

    master, slave = pty.openpty()
    process = subprocess.Popen(RUN + args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave,
                               env={**os.environ, "TERM": "xterm", "COLUMNS": "120"})
    os.close(slave)
    received = []

    def drain():
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:
                return
            if not data:
                return
            received.append(data)

    reader = threading.Thread(target=drain)
    reader.start()
    output = process.stdout.read()
    process.wait(timeout=120)
    reader.join(10)
    os.close(master)
    return process.returncode, output, b"".join(received).decode("utf-8", "replace")


@pytest.mark.parametrize("command, label", [("restore", "restoring"), ("detect", "scoring")])
def test_cli_issue16_progress_bar_only_on_a_terminal(tmp_path, command, label):
    spun = tmp_path / "spun.txt"
    spun.write_text("He was successful Seoul successful 2019.\n" * 200)
    code, output, terminal = run_with_terminal_stderr([command, "--model", str(TINY), str(spun)])
    assert code == 0 and label in terminal, terminal
    assert (b"He was in Seoul in 2019.\n" * 200 if command == "restore" else b"\t1.000\n") in output
    code, output, terminal = run_with_terminal_stderr([command, "--model", str(TINY), "--quiet", str(spun)])
    assert code == 0 and label not in terminal
    piped = subprocess.run(RUN + [command, "--model", str(TINY), str(spun)], capture_output=True, timeout=120)
    assert piped.returncode == 0 and label.encode() not in piped.stderr


def test_cli_issue16_batch_progress_only_on_a_terminal(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"text": "He was successful Seoul."}) + "\n" for _ in range(20)))
    args = ["batch", str(source), str(tmp_path / "out.jsonl"), "--workers", "1", "--model", str(TINY)]
    code, output, terminal = run_with_terminal_stderr(args)
    assert code == 0 and "restoring" in terminal and b"20 documents" in output
    piped = subprocess.run(RUN + args, capture_output=True, timeout=120)
    assert piped.returncode == 0 and b"restoring" not in piped.stderr
    code, output, terminal = run_with_terminal_stderr(args + ["--quiet"])
    assert code == 0 and "restoring" not in terminal
