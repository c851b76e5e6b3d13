"""Reading input safely: UTF-8 checks, binary refusal, streaming by paragraph, atomic writes."""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import re
import secrets
import sys
from pathlib import Path
from typing import Iterator

from unspin.errors import BadInput

CHUNK_BYTES = 1 << 16  # stream large input in ~64 KB pieces (about 10,000 words), cut at paragraph breaks


BINARY_SAMPLE = 1 << 16  # check_binary looks at this much of the start of the input


# Byte-order marks of the wide encodings (UTF-32 LE starts as UTF-16 LE does)
WIDE_MARKS = ((b"\x00\x00\xfe\xff", "UTF-32 big-endian"), (b"\xff\xfe\x00\x00", "UTF-32 little-endian"),
              (b"\xfe\xff", "UTF-16 big-endian"), (b"\xff\xfe", "UTF-16 little-endian"))


def check_binary(data: bytes) -> None:
    """Refuse data that is clearly not text (NUL bytes, or mostly control characters), and
    text in a wide encoding (UTF-16 or UTF-32: a byte-order mark, or a NUL in every other
    byte) with its own error, E006, which says how to convert it."""
    sample = data[:BINARY_SAMPLE]
    for mark, name in WIDE_MARKS:
        if sample.startswith(mark):
            raise BadInput("E006", f"{name} text (byte-order mark {mark.hex(' ').upper()})")
    if b"\x00" in sample:
        if wide_without_mark(sample):
            raise BadInput("E006", "the bytes look like UTF-16 without a byte-order mark (a NUL in every other byte)")
        raise BadInput("E004", f"NUL byte at offset {sample.index(0)}")
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    if sample and controls / len(sample) > 0.1:
        raise BadInput("E004", f"{controls} control bytes in the first {len(sample)} bytes")


def wide_without_mark(sample: bytes) -> bool:
    """Whether most of one half of the bytes (even or odd offsets) are NUL and none of the
    other: English in UTF-16 without a byte-order mark."""
    even, odd = sample[0::2], sample[1::2]
    for nuls, others in ((even, odd), (odd, even)):
        if len(nuls) >= 8 and nuls.count(0) >= 0.8 * len(nuls) and others.count(0) == 0:
            return True
    return False


def decode(data: bytes, errors: str = "strict", offset: int = 0) -> str:
    """UTF-8 decode; on failure name the byte offset (``offset`` = where ``data`` starts)."""
    try:
        return data.decode("utf-8", errors=errors)
    except UnicodeDecodeError as error:
        raise BadInput("E003", f"invalid UTF-8 at byte offset {offset + error.start}") from None


# Where a long piece may end, best first: a paragraph break, a line break after a sentence,
# any line break, a sentence end followed by spaces, any run of spaces.  Each pattern ends on
# an ASCII byte, so a cut there never falls inside a UTF-8 character.
_CUTS = (re.compile(rb"(?:\r?\n)[ \t]*\r?\n"),
         re.compile(rb"[.!?][\"')\]]*(?:\xe2\x80[\x99\x9d])?[ \t]*\r?\n"),
         re.compile(rb"\n"),
         re.compile(rb"[.!?][\"')\]]*(?:\xe2\x80[\x99\x9d])?[ \t]+"),
         re.compile(rb"[ \t]+"))


def _is_continuation(byte: int) -> bool:
    return 0x80 <= byte < 0xC0


def _cut(buffer: bytes, limit: int) -> int:
    """Where to cut ``buffer`` (longer than ``limit``): after its best break (see _CUTS)
    within the first ``limit`` bytes, so that no piece is longer than ``limit``.

    Without any break (one huge word) the cut falls on a UTF-8 character boundary: before
    the lead byte of the character that straddles the end, so that decoding the pieces
    one by one gives exactly what decoding the whole would, errors="replace" included.
    """
    for pattern in _CUTS:
        last = None
        for last in pattern.finditer(buffer, 0, limit):
            pass
        if last is not None:
            return last.end()
    position = limit
    for back in range(4):  # a character has at most three continuation bytes
        if position - back > 0 and not _is_continuation(buffer[position - back]):
            return position - back
    return position


def _pieces(handle, chunk_bytes: int) -> Iterator[bytes]:
    """The raw bytes of ``handle`` in pieces of about ``chunk_bytes`` (see _cut).

    A piece is only cut when the input is longer than ``chunk_bytes``: an input that fits
    is one piece, whether or not it ends with a newline.
    """
    buffer = b""
    while len(buffer) < BINARY_SAMPLE:  # the same sample whatever the piece size (and short reads)
        block = handle.read(BINARY_SAMPLE - len(buffer))
        if not block:
            break
        buffer += block
    check_binary(buffer)  # a leading BOM is kept as text, byte for byte
    while True:
        while len(buffer) > chunk_bytes:
            cut = _cut(buffer, chunk_bytes)
            yield buffer[:cut]
            buffer = buffer[cut:]
        block = handle.read(chunk_bytes)
        if not block:
            if buffer:
                yield buffer
            return
        buffer += block


def read_text(path: str, errors: str = "strict", chunk_bytes: int = CHUNK_BYTES) -> Iterator[str]:
    """Yield the input as text pieces that end at paragraph breaks (bounded memory).

    Joining the pieces gives the whole decoded input.  ``path`` may be ``-`` for stdin.
    Pieces end at a paragraph break, else a line break, else a sentence end, else a space,
    else a character boundary (never inside a UTF-8 character).  With ``errors="strict"`` a
    regular file is checked whole before the first piece is yielded, so invalid UTF-8 fails
    before any output; standard input is checked piece by piece.
    """
    handle = sys.stdin.buffer if path == "-" else None
    try:
        if handle is None:
            try:
                handle = open(path, "rb")
            except OSError as error:
                raise BadInput("E030", f"cannot read {path}: {error.strerror}") from None
        if errors == "strict" and handle is not sys.stdin.buffer and handle.seekable():
            consumed = 0
            for piece in _pieces(handle, chunk_bytes):
                decode(piece, errors, consumed)
                consumed += len(piece)
            handle.seek(0)
        consumed = 0
        for piece in _pieces(handle, chunk_bytes):
            yield decode(piece, errors, consumed)
            consumed += len(piece)
    finally:
        if handle is not None and handle is not sys.stdin.buffer:
            handle.close()


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; renamed onto ``path`` (after an fsync)
    when the block ends without an error, removed when it raises.  For writers that want a
    file name (gzip, numpy, pyarrow, a subprocess); ``write_atomic`` for data in memory."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.part")
    try:
        yield temporary
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def atomic_gzip_text(path: str | Path) -> Iterator[io.TextIOWrapper]:
    """A UTF-8 text handle ("\n" newlines) into a gzip file written atomically (``atomic_path``)
    and reproducibly: no name or time in its header, so the same text gives the same bytes
    (and the same manifest checksum)."""
    with atomic_path(path) as temporary, open(temporary, "wb") as raw, \
            gzip.GzipFile("", "wb", compresslevel=9, fileobj=raw, mtime=0) as packed, \
            io.TextIOWrapper(packed, encoding="utf-8", newline="\n") as handle:
        yield handle


def write_atomic(path: str | Path, data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8, newlines untouched) to a temporary file beside ``path``
    and rename it into place, so readers see the old file or the whole new one."""
    with atomic_path(path) as temporary:
        if isinstance(data, bytes):
            temporary.write_bytes(data)
        else:
            temporary.write_text(data, encoding="utf-8", newline="")
