"""Reading input safely: UTF-8 checks, binary refusal, streaming by paragraph, atomic writes."""

from __future__ import annotations

import contextlib
import os
import secrets
import sys
from pathlib import Path
from typing import Iterator

from unspin.errors import BadInput

CHUNK_BYTES = 1 << 16  # stream large input in ~64 KB pieces (about 10,000 words), cut at paragraph breaks


def check_binary(data: bytes) -> None:
    """Refuse data that is clearly not text (NUL bytes, or mostly control characters)."""
    sample = data[:65536]
    if b"\x00" in sample:
        raise BadInput("E004", f"NUL byte at offset {sample.index(0)}")
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    if sample and controls / len(sample) > 0.1:
        raise BadInput("E004", f"{controls} control bytes in the first {len(sample)} bytes")


def decode(data: bytes, errors: str = "strict", offset: int = 0) -> str:
    """UTF-8 decode; on failure name the byte offset (``offset`` = where ``data`` starts)."""
    try:
        return data.decode("utf-8", errors=errors)
    except UnicodeDecodeError as error:
        raise BadInput("E003", f"invalid UTF-8 at byte offset {offset + error.start}") from None


def _cut(buffer: bytes, final: bool) -> int:
    """Where to cut ``buffer``: after its last paragraph break (or line break)."""
    if final:
        return len(buffer)
    for separator in (b"\n\n", b"\n"):
        position = buffer.rfind(separator)
        if position > 0:
            return position + len(separator)
    # no line break at all: cut at a UTF-8 character boundary after a space
    position = buffer.rfind(b" ")
    return position + 1 if position > 0 else len(buffer)


def read_text(path: str, errors: str = "strict", chunk_bytes: int = CHUNK_BYTES) -> Iterator[str]:
    """Yield the input as text pieces that end at paragraph breaks (bounded memory).

    Joining the pieces gives the whole decoded input.  ``path`` may be ``-`` for stdin.
    """
    handle = sys.stdin.buffer if path == "-" else None
    try:
        if handle is None:
            try:
                handle = open(path, "rb")
            except OSError as error:
                raise BadInput("E030", f"cannot read {path}: {error.strerror}") from None
        buffer = b""
        consumed = 0
        first = True
        while True:
            block = handle.read(chunk_bytes)
            final = not block
            buffer += block
            if first and buffer:
                check_binary(buffer)
                if buffer.startswith(b"\xef\xbb\xbf"):
                    pass  # the BOM is kept as text, byte for byte
                first = False
            if not buffer:
                return
            cut = _cut(buffer, final)
            piece, buffer = buffer[:cut], buffer[cut:]
            if piece:
                yield decode(piece, errors, consumed)
                consumed += len(piece)
            if final:
                if buffer:
                    yield decode(buffer, errors, consumed)
                return
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


def write_atomic(path: str | Path, data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8, newlines untouched) to a temporary file beside ``path``
    and rename it into place, so readers see the old file or the whole new one."""
    with atomic_path(path) as temporary:
        if isinstance(data, bytes):
            temporary.write_bytes(data)
        else:
            temporary.write_text(data, encoding="utf-8", newline="")
