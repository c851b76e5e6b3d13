import gzip

import pytest

from unspin.errors import BadInput
from unspin.textio import atomic_gzip_text, atomic_path, read_text, write_atomic


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


@pytest.mark.parametrize("encoding, says", [
    ("utf-16", "UTF-16 little-endian text"),  # Python writes the mark of the machine's order
    ("utf-16-be", "UTF-16 without a byte-order mark"),
    ("utf-16-le", "UTF-16 without a byte-order mark"),
    ("utf-32", "UTF-32 little-endian text"),
])
def test_textio_wide_text_is_refused_with_how_to_convert_it(tmp_path, encoding, says):
    path = tmp_path / "wide.txt"
    path.write_bytes("He volition beryllium fine, she said.\n".encode(encoding))
    with pytest.raises(BadInput, match="E006") as raised:
        list(read_text(str(path)))
    assert says in str(raised.value) and "iconv" in str(raised.value)


def test_textio_a_utf8_text_with_a_stray_nul_is_still_binary(tmp_path):
    path = tmp_path / "nul.txt"
    path.write_bytes(b"plain text with one NUL \x00 in it and more words after it")
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


# ---------------------------------------------------------------- issue 16: streaming cuts

def pieces_of(tmp_path, data: bytes, **options) -> list[str]:
    path = tmp_path / "input.txt"
    path.write_bytes(data)
    return list(read_text(str(path), **options))


def test_textio_issue16_input_without_final_newline_is_one_piece(tmp_path):
    assert pieces_of(tmp_path, b"He was successful Seoul.") == ["He was successful Seoul."]
    assert pieces_of(tmp_path, b"One.\n\nTwo words here") == ["One.\n\nTwo words here"]


@pytest.mark.parametrize("text", ["a" + "é" * 3000, "€" * 3000, "👍" * 2000, "a" + "é\u0301" * 1500],
                         ids=["e-acute", "euro", "emoji", "combining"])
@pytest.mark.parametrize("errors", ["strict", "replace"])
def test_textio_issue16_never_cuts_inside_a_character(tmp_path, text, errors):
    pieces = pieces_of(tmp_path, text.encode("utf-8"), errors=errors, chunk_bytes=1000)
    assert len(pieces) > 3
    assert "".join(pieces) == text and "\ufffd" not in "".join(pieces)
    assert all(len(piece.encode("utf-8")) <= 1000 for piece in pieces)


def test_textio_issue16_replace_substitutes_exactly_as_a_whole_decode(tmp_path):
    data = ("é" * 700).encode("utf-8") + b"\xe2\x82 \xff" + ("€" * 700).encode("utf-8") + b"\xf0\x90\x80"
    pieces = pieces_of(tmp_path, data, errors="replace", chunk_bytes=500)
    assert len(pieces) > 3 and "".join(pieces) == data.decode("utf-8", "replace")


def test_textio_issue16_long_lines_are_cut_after_a_sentence(tmp_path):
    text = "He was here, and she was there. " * 200
    pieces = pieces_of(tmp_path, text.encode(), chunk_bytes=1000)
    assert len(pieces) > 3 and "".join(pieces) == text
    assert all(piece.endswith("there. ") for piece in pieces)
    words = "word " * 1000  # no sentence end: cut after a space, never inside a word
    pieces = pieces_of(tmp_path, words.encode(), chunk_bytes=1000)
    assert "".join(pieces) == words and all(piece.endswith("word ") for piece in pieces)


def test_textio_issue16_paragraph_breaks_come_first(tmp_path):
    text = "".join(f"Sentence {i}. Another one.\n" + ("\n" if i % 7 == 6 else "") for i in range(300))
    pieces = pieces_of(tmp_path, text.encode(), chunk_bytes=1000)
    assert "".join(pieces) == text and all(piece.endswith("\n\n") for piece in pieces[:-1])


def test_textio_issue16_invalid_utf8_fails_before_any_piece(tmp_path):
    data = b"Fine text. " * 500 + b"\xff"
    pieces = read_text(str(tmp_path / "x"), chunk_bytes=1000)
    (tmp_path / "x").write_bytes(data)
    with pytest.raises(BadInput, match="byte offset 5500"):
        next(pieces)


def test_textio_atomic_gzip_text_is_reproducible_and_atomic(tmp_path):
    text = "# header\tkind\nlemma\tCafé\r\nlower\tcafé\n"
    for name in ("a.tsv.gz", "b.tsv.gz"):
        with atomic_gzip_text(tmp_path / name) as handle:
            handle.write(text)
    first, second = (tmp_path / "a.tsv.gz").read_bytes(), (tmp_path / "b.tsv.gz").read_bytes()
    assert first == second  # no name or time in the header
    assert gzip.decompress(first).decode("utf-8") == text
    with pytest.raises(RuntimeError):
        with atomic_gzip_text(tmp_path / "a.tsv.gz") as handle:
            handle.write("half")
            raise RuntimeError("stop")
    assert (tmp_path / "a.tsv.gz").read_bytes() == first  # the old file stands
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.tsv.gz", "b.tsv.gz"]
