"""Batch input and output: formats, shards, atomic part files, resume state.

A run reads INPUT (a file, or a folder of files) as a sequence of *shards* of at most
``shard_size`` documents.  Each finished shard is written under a state folder as part
files (temporary name + ``os.replace``) followed by a done marker; when every shard is
done the parts are joined into the outputs (again atomically) and the state folder is
removed.  ``--resume`` skips shards whose done marker exists.

Formats, by file name: ``.txt`` (one document per file), ``.jsonl`` / ``.jsonl.gz`` (one
JSON object per line, text in ``text_field``, other fields passed through) and
``.parquet`` (the same, read and written with pyarrow).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from unspin.errors import UnspinError
from unspin.schema import RESULT_FIELDS, arrow_fields
from unspin.textio import atomic_path, write_atomic

STATE_FORMAT = "unspin.batch-state/1"
ADDED_FIELDS = RESULT_FIELDS  # what each record gains (unspin.schema)
EDITS_NAME = "edits.jsonl"
ERRORS_NAME = "errors.jsonl"


def format_of(path: Path) -> str | None:
    """"txt", "jsonl", "jsonl.gz", "parquet", or None for files we do not read."""
    name = path.name.lower()
    for suffix in ("jsonl.gz", "jsonl", "parquet", "txt"):
        if name.endswith("." + suffix):
            return suffix
    return None


def base_name(path: Path) -> str:
    """File name without its format suffix ("news.jsonl.gz" -> "news")."""
    kind = format_of(path)
    return path.name[: -len(kind) - 1] if kind else path.name


@dataclass(frozen=True)
class Source:
    """One input file and where its output goes (``dest`` unused for .txt)."""

    path: Path
    rel: str
    kind: str
    dest: Path


@dataclass
class Item:
    """One document of a shard.  ``error`` is set when the record could not be read."""

    position: int  # line number (jsonl, 1-based), row number (parquet, 0-based), or 0 (txt)
    text: str | None
    record: dict | None = None  # pass-through fields (jsonl / parquet)
    source: Source | None = None
    error: str | None = None
    raw: str | None = None  # the unparsable line, kept so nothing is lost
    raw_base64: str | None = None  # a line that is not UTF-8, byte for byte


@dataclass
class Shard:
    key: str
    kind: str
    source: Source | None  # None for a group of .txt files
    items: list[Item] = field(default_factory=list)


@dataclass
class Layout:
    """Where everything goes for one run."""

    input: Path
    output: Path
    sources: list[Source]
    state: Path
    errors: Path
    edits: Path | None  # the edits file of .txt documents

    @property
    def txt_sources(self) -> list[Source]:
        return [s for s in self.sources if s.kind == "txt"]


def plan(input_path: str | os.PathLike, output_path: str | os.PathLike) -> Layout:
    """Find the inputs and name every output; raise E030 on an impossible request."""
    source_root = Path(input_path)
    out = Path(output_path)
    if source_root.is_file():
        kind = format_of(source_root)
        if kind is None:
            raise UnspinError("E030", f"{source_root}: unknown format (use .txt, .jsonl, .jsonl.gz or .parquet)")
        if kind == "txt":  # one document; write the restored text to OUTPUT
            source = Source(source_root, source_root.name, "txt", out)
            return Layout(source_root, out, [source], out.parent / f".{out.name}.unspin",
                          out.parent / f"{out.name}.{ERRORS_NAME}", out.parent / f"{out.name}.{EDITS_NAME}")
        if format_of(out) != kind:
            raise UnspinError("E030", f"output {out} must have the input's format (.{kind})")
        return Layout(source_root, out, [Source(source_root, source_root.name, kind, out)],
                      out.parent / f".{out.name}.unspin", out.parent / f"{base_name(out)}.{ERRORS_NAME}", None)
    if not source_root.is_dir():
        raise UnspinError("E030", f"input {source_root} does not exist")
    if out.exists() and not out.is_dir():
        raise UnspinError("E030", f"input {source_root} is a folder, so output {out} must be a folder")
    if out.resolve() == source_root.resolve():
        raise UnspinError("E030", "output folder must differ from the input folder")
    sources = []
    for path in sorted(source_root.rglob("*")):
        kind = format_of(path)
        if kind and path.is_file() and out.resolve() not in path.resolve().parents:
            rel = path.relative_to(source_root).as_posix()
            if rel in (EDITS_NAME, ERRORS_NAME):
                raise UnspinError("E030", f"{path}: the name {rel} is reserved for the output folder")
            sources.append(Source(path, rel, kind, out / rel))
    if not sources:
        raise UnspinError("E030", f"{source_root} holds no .txt, .jsonl, .jsonl.gz or .parquet files")
    has_txt = any(s.kind == "txt" for s in sources)
    return Layout(source_root, out, sources, out / ".unspin", out / ERRORS_NAME,
                  out / EDITS_NAME if has_txt else None)


def reading(input_path: str | os.PathLike) -> Layout:
    """The documents of INPUT (a file, or a folder of files) to read, with no output:
    ``unspin learn`` reads its inputs as ``unspin batch`` does (see ``shards``)."""
    source_root = Path(input_path)
    if source_root.is_file():
        kind = format_of(source_root)
        if kind is None:
            raise UnspinError("E030", f"{source_root}: unknown format (use .txt, .jsonl, .jsonl.gz or .parquet)")
        sources = [Source(source_root, source_root.name, kind, source_root)]
    elif source_root.is_dir():
        sources = [Source(path, path.relative_to(source_root).as_posix(), format_of(path), path)
                   for path in sorted(source_root.rglob("*")) if format_of(path) and path.is_file()]
        if not sources:
            raise UnspinError("E030", f"{source_root} holds no .txt, .jsonl, .jsonl.gz or .parquet files")
    else:
        raise UnspinError("E030", f"input {source_root} does not exist")
    return Layout(source_root, source_root, sources, source_root, source_root, None)


# ---------------------------------------------------------------- reading

def _open_text(path: Path, mode: str = "rt"):
    """Lines of text; invalid UTF-8 becomes lone surrogates (surrogateescape), so one bad line
    is found and reported by _parse_line while the lines around it are read as usual."""
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, mode, encoding="utf-8", errors="surrogateescape", newline="")
    return open(path, mode, encoding="utf-8", errors="surrogateescape", newline="")


_ESCAPED = re.compile("[\udc80-\udcff]")  # what surrogateescape makes of a byte that is not UTF-8


def _undecodable(number: int, line: str, source: Source) -> Item:
    """The item for a line that is not UTF-8: its error, and the line kept byte for byte."""
    raw = line.encode("utf-8", "surrogateescape")
    try:
        raw.decode("utf-8")
        where = ""
    except UnicodeDecodeError as error:
        where = f" at byte {error.start} of the line"
    return Item(number, None, source=source, error=f"E003 invalid UTF-8{where}",
                raw=raw.decode("utf-8", "backslashreplace"),
                raw_base64=base64.b64encode(raw).decode("ascii"))


def count_documents(layout: Layout) -> int:
    """Documents in the input (for the progress bar's ETA); blank jsonl lines excluded."""
    import pyarrow.parquet as pq

    total = 0
    for source in layout.sources:
        if source.kind == "txt":
            total += 1
        elif source.kind == "parquet":
            total += pq.ParquetFile(source.path).metadata.num_rows
        else:
            opener = gzip.open if source.kind == "jsonl.gz" else open
            with opener(source.path, "rb") as handle:
                total += sum(1 for line in handle if line.strip())
    return total


def _read_txt(source: Source) -> Item:
    try:
        text = source.path.read_bytes().decode("utf-8")
        return Item(0, text, source=source)
    except UnicodeDecodeError as error:
        return Item(0, None, source=source, error=f"E003 not valid UTF-8: {error}")


def _parse_line(number: int, line: str, text_field: str, source: Source) -> Item:
    if _ESCAPED.search(line):
        return _undecodable(number, line, source)
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        return Item(number, None, source=source, error=f"bad JSON: {error}", raw=line)
    if not isinstance(record, dict):
        return Item(number, None, source=source, error="record is not a JSON object", raw=line)
    text = record.get(text_field)
    if not isinstance(text, str):
        problem = "missing" if text_field not in record else f"of type {type(text).__name__}, not a string"
        return Item(number, None, record, source, f"field {text_field!r} is {problem}")
    return Item(number, text, record, source)


def shards(layout: Layout, shard_size: int, text_field: str) -> Iterator[Shard]:
    """Every shard of the input, in a fixed order (the keys are stable across runs)."""
    import pyarrow.parquet as pq

    txt = layout.txt_sources
    for index in range(0, len(txt), shard_size):
        group = txt[index : index + shard_size]
        yield Shard(f"txt-{index // shard_size:06d}", "txt", None, [_read_txt(s) for s in group])
    for number, source in enumerate(layout.sources):
        prefix = f"{number:05d}"
        if source.kind in ("jsonl", "jsonl.gz"):
            shard = Shard(f"{prefix}-{0:06d}", source.kind, source)
            with _open_text(source.path) as handle:
                for line_number, line in enumerate(handle, 1):
                    if not line.strip():
                        continue
                    shard.items.append(_parse_line(line_number, line.rstrip("\r\n"), text_field, source))
                    if len(shard.items) == shard_size:
                        yield shard
                        shard = Shard(f"{prefix}-{int(shard.key[-6:]) + 1:06d}", source.kind, source)
            if shard.items or shard.key.endswith("000000"):
                yield shard
        elif source.kind == "parquet":
            row = 0
            for index, batch in enumerate(pq.ParquetFile(source.path).iter_batches(batch_size=shard_size)):
                shard = Shard(f"{prefix}-{index:06d}", "parquet", source)
                for record in batch.to_pylist():
                    text = record.get(text_field)
                    error = None if isinstance(text, str) else f"field {text_field!r} is not a string"
                    shard.items.append(Item(row, text if error is None else None, record, source, error))
                    row += 1
                yield shard


# ---------------------------------------------------------------- resume

EDGE_BYTES = 1 << 20  # the fingerprint hashes this much at each end of every input file


def input_fingerprint(layout: Layout) -> dict:
    """Every input file's size, modification time and a hash of its first and last MB.

    Stored with the run; ``--resume`` refuses to go on when it has changed.
    """
    files = {}
    for source in layout.sources:
        status = source.path.stat()
        digest = hashlib.sha256()
        with open(source.path, "rb") as handle:
            digest.update(handle.read(EDGE_BYTES))
            if status.st_size > EDGE_BYTES:
                handle.seek(max(EDGE_BYTES, status.st_size - EDGE_BYTES))
                digest.update(handle.read(EDGE_BYTES))
        files[source.rel] = {"size": status.st_size, "mtime_ns": status.st_mtime_ns,
                             "sha256_ends": digest.hexdigest()}
    return files


def _input_changes(stored: dict, now: dict) -> str:
    """What changed between two input fingerprints, for the message."""
    changes = []
    for rel in sorted(set(stored) | set(now)):
        if rel not in now:
            changes.append(f"{rel} is gone")
        elif rel not in stored:
            changes.append(f"{rel} is new")
        elif stored[rel] != now[rel]:
            what = [key for key in ("size", "mtime_ns", "sha256_ends") if stored[rel].get(key) != now[rel][key]]
            changes.append(f"{rel} ({', '.join(what)} changed)")
    return "; ".join(changes)


# ---------------------------------------------------------------- writing

def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def error_record(item: Item, error: str) -> dict:
    out = {"source": item.source.rel if item.source else None, "error": error}
    if item.source and item.source.kind == "parquet":
        out["row"] = item.position
    elif item.source and item.source.kind != "txt":
        out["line"] = item.position
    if item.raw is not None:
        out["raw"] = item.raw
        if item.raw_base64 is not None:
            out["raw_base64"] = item.raw_base64
    elif item.record is not None:
        out["record"] = item.record
    elif item.text is not None:
        out["text"] = item.text
    return out


class State:
    """The state folder: run fingerprint, part files and done markers."""

    def __init__(self, layout: Layout, settings: dict, resume: bool) -> None:
        self.layout = layout
        self.folder = layout.state
        fingerprint = {"format": STATE_FORMAT, "input": str(layout.input.resolve()),
                       "output": str(layout.output.resolve()), **settings}
        run_file = self.folder / "run.json"
        if resume and run_file.exists():
            stored = json.loads(run_file.read_text(encoding="utf-8"))
            if "inputs" in stored and stored["inputs"] != fingerprint.get("inputs"):
                changes = _input_changes(stored["inputs"], fingerprint.get("inputs") or {})
                raise UnspinError("E030", f"--resume: the input changed since the unfinished run in "
                                  f"{self.folder} began: {changes}; drop --resume to start over")
            if stored != fingerprint:
                changed = sorted(k for k in set(stored) | set(fingerprint) if stored.get(k) != fingerprint.get(k))
                raise UnspinError("E030", f"--resume: the unfinished run in {self.folder} used other "
                                  f"settings ({', '.join(changed)}); rerun them or drop --resume")
        else:
            shutil.rmtree(self.folder, ignore_errors=True)
            write_atomic(run_file, (json.dumps(fingerprint, indent=2, sort_keys=True) + "\n").encode())

    def _marker(self, key: str) -> Path:
        return self.folder / "done" / f"{key}.json"

    def done(self, key: str) -> dict | None:
        """The stats of a finished shard, or None."""
        marker = self._marker(key)
        return json.loads(marker.read_text(encoding="utf-8")) if marker.exists() else None

    def part(self, key: str, name: str) -> Path:
        return self.folder / "parts" / f"{key}.{name}"

    def write_shard(self, shard: Shard, results: list[dict | str | None], only_spun: float | None,
                    flag_score: float) -> dict:
        """Write one shard's outputs and errors, then its done marker; return its stats.

        ``results[i]`` is the restoration dict of item i, or an error string.
        """
        errors, lines, rows = [], [], []
        stats = {"documents": len(shard.items), "words": 0, "spun": 0, "errors": 0, "written": 0}
        for item, result in zip(shard.items, results):
            if item.error is not None or not isinstance(result, dict):
                errors.append(error_record(item, item.error or str(result)))
                continue
            stats["words"] += len(item.text.split())
            stats["spun"] += result["spun_score"] >= flag_score
            if only_spun is not None and result["spun_score"] < only_spun:
                continue
            stats["written"] += 1
            if shard.kind == "txt":
                write_atomic(item.source.dest, result["restored_text"].encode("utf-8"))
                lines.append(_dumps({"path": item.source.rel, **{k: result[k] for k in ADDED_FIELDS[1:]}}))
            else:
                record = {k: v for k, v in item.record.items() if k not in ADDED_FIELDS}
                record.update((k, result[k]) for k in ADDED_FIELDS)
                rows.append(record)
        stats["errors"] = len(errors)
        if errors:
            write_atomic(self.part(shard.key, ERRORS_NAME), "".join(_dumps(e) + "\n" for e in errors).encode())
        if shard.kind == "parquet":
            write_atomic(self.part(shard.key, "parquet"), _parquet_bytes(rows, shard.source))
        else:
            body = "".join(_dumps(r) + "\n" for r in rows) + "".join(line + "\n" for line in lines)
            data = body.encode("utf-8")
            if shard.kind == "jsonl.gz":
                data = gzip.compress(data, mtime=0)  # gzip members concatenate into one valid file
            write_atomic(self.part(shard.key, "jsonl"), data)
        write_atomic(self._marker(shard.key), json.dumps(stats).encode())
        return stats

    def finish(self, keys: list[str]) -> int:
        """Join the parts into the outputs (atomically); return the number of error records."""
        import pyarrow.parquet as pq

        by_source: dict[str, list[str]] = {}
        for key in keys:
            by_source.setdefault(key.split("-")[0], []).append(key)
        for number, source in enumerate(self.layout.sources):
            part_keys = sorted(by_source.get(f"{number:05d}", []))
            if source.kind == "parquet":
                with atomic_path(source.dest) as partial:
                    writer = pq.ParquetWriter(partial, output_schema(source))
                    for key in part_keys:
                        writer.write_table(pq.read_table(self.part(key, "parquet")))
                    writer.close()
            elif source.kind != "txt":
                self._join([self.part(k, "jsonl") for k in part_keys], source.dest)
        if self.layout.edits is not None:
            self._join([self.part(k, "jsonl") for k in sorted(keys) if k.startswith("txt-")], self.layout.edits)
        error_parts = [self.part(k, ERRORS_NAME) for k in sorted(keys)]
        count = 0
        for path in error_parts:
            if path.exists():
                count += path.read_bytes().count(b"\n")
        if count:
            self._join(error_parts, self.layout.errors)
        elif self.layout.errors.exists():
            self.layout.errors.unlink()  # a stale file from an earlier run
        shutil.rmtree(self.folder, ignore_errors=True)
        return count

    @staticmethod
    def _join(parts: list[Path], dest: Path) -> None:
        with atomic_path(dest) as partial, open(partial, "wb") as out:
            for path in parts:
                if path.exists():
                    with open(path, "rb") as handle:
                        shutil.copyfileobj(handle, out)


# ---------------------------------------------------------------- parquet schema

def output_schema(source: Source):
    """The input's schema with the added columns (typed, so empty shards agree)."""
    import pyarrow.parquet as pq

    schema = pq.ParquetFile(source.path).schema_arrow
    for name in ADDED_FIELDS:
        if name in schema.names:
            schema = schema.remove(schema.get_field_index(name))
    schema = schema.remove_metadata()
    for column in arrow_fields(ADDED_FIELDS):
        schema = schema.append(column)
    return schema


def _parquet_bytes(rows: list[dict], source: Source) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(rows, schema=output_schema(source))
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return sink.getvalue().to_pybytes()
