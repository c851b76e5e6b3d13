import pytest

from unspin.errors import BadInput
from unspin.textio import atomic_path, read_text, write_atomic


def test_textio_streams_in_pieces_that_join_back(tmp_path):
    text = "".join(f"Paragraph {i} with ünïcode 👍 text.\r\n\n" for i in range(2000))
    path = tmp_path / "big.txt"
    path.write_bytes(text.encode("utf-8"))
    pieces = list(read_text(str(path), chunk_bytes=4096))
    assert len(pieces) > 10
    assert "".join(pieces) == text


def test_textio_invalid_utf8_names_offset(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"good text " * 10 + b"\xff\xfe bad")
    with pytest.raises(BadInput, match="byte offset 100"):
        list(read_text(str(path)))
    assert "\ufffd" in "".join(read_text(str(path), errors="replace"))


def test_textio_binary_refused(tmp_path):
    path = tmp_path / "bin.dat"
    path.write_bytes(b"\x7fELF\x00\x00\x01" + bytes(range(256)))
    with pytest.raises(BadInput, match="E004"):
        list(read_text(str(path)))


def test_textio_empty_file_gives_nothing(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert "".join(read_text(str(path))) == ""


def test_textio_write_atomic_replaces_whole_file(tmp_path):
    path = tmp_path / "out.txt"
    write_atomic(path, "first\r\n")
    write_atomic(path, "second\r\n")
    assert path.read_bytes() == b"second\r\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_textio_atomic_path_keeps_the_old_file_when_the_writer_fails(tmp_path):
    path = tmp_path / "sub" / "out.bin"
    write_atomic(path, b"old")  # creates the folder
    with pytest.raises(RuntimeError):
        with atomic_path(path) as partial:
            partial.write_bytes(b"half")
            raise RuntimeError("writer died")
    assert path.read_bytes() == b"old"
    assert [p.name for p in path.parent.iterdir()] == ["out.bin"]
    with atomic_path(path) as partial:
        partial.write_bytes(b"new")
    assert path.read_bytes() == b"new"
