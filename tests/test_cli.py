import json
import subprocess
import sys

from conftest import TINY

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
