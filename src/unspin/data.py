"""Finding and verifying model files: the bundled folder, UNSPIN_DATA, or --model."""

from __future__ import annotations

import functools
import hashlib
import json
import os
from pathlib import Path

from unspin.errors import UnspinError
from unspin.textio import write_atomic

MANIFEST = "MANIFEST.json"
BUNDLED = Path(__file__).resolve().parent / "data"
# The last bbc_news lines that the calibration LM and the topic vectors never see, so that
# scripts/calibrate.py can fit the confidence model on them (scripts/ share this number).
CALIBRATION_HOLDOUT = 2000
# Lines of ../shared/corpus that the term inventory (scripts/build_term_inventory.py) never
# reads, so that bench/phrases_bench.py measures on science text it has not seen: Wikipedia
# from this line on (the LM reads only its first 25M words, so it never saw them either)
# and every 50th OpenStax line (the LM did read those).
PHRASE_HOLDOUT = {"wikipedia_en.txt.xz": 930_000, "openstax_textbooks.txt.xz": 50}


def phrase_held_out(name: str, number: int) -> bool:
    """Whether line ``number`` (0-based) of corpus file ``name`` is held out of the inventory."""
    if name == "wikipedia_en.txt.xz":
        return number >= PHRASE_HOLDOUT[name]
    if name == "openstax_textbooks.txt.xz":
        return number % PHRASE_HOLDOUT[name] == PHRASE_HOLDOUT[name] - 1
    return False


def data_dir(model: str | os.PathLike | None = None) -> Path:
    """The model folder: ``model`` if given, else $UNSPIN_DATA, else the bundled one."""
    chosen = model or os.environ.get("UNSPIN_DATA") or BUNDLED
    path = Path(chosen)
    if not path.is_dir():
        raise UnspinError("E001", f"model folder {path} does not exist")
    return path


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not path.exists():
        return {"format": "unspin.manifest/1", "files": {}}
    return json.loads(path.read_text(encoding="utf-8"))


def update_manifest(folder: Path, name: str, info: dict) -> None:
    """Record ``name``'s checksum, size and provenance in the folder's manifest (atomic)."""
    manifest = read_manifest(folder)
    path = folder / name
    manifest["files"][name] = {**info, "sha256": sha256(path), "size": path.stat().st_size}
    write_atomic(folder / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True) + "\n")


@functools.lru_cache(maxsize=16)
def checksum_prefix(folder: str, name: str) -> str:
    """The manifest's sha256 prefix for a file (no hashing at load time)."""
    entry = read_manifest(Path(folder))["files"].get(name)
    return entry["sha256"][:8] if entry else "unlisted"


def model_file(folder: Path, name: str) -> Path:
    path = folder / name
    if not path.exists():
        raise UnspinError("E001", f"{path} is missing")
    return path


def verify(folder: Path) -> list[str]:
    """Check every manifest entry; return the names whose checksum or size differ."""
    bad = []
    for name, entry in read_manifest(folder)["files"].items():
        path = folder / name
        if not path.exists() or path.stat().st_size != entry["size"] or sha256(path) != entry["sha256"]:
            bad.append(name)
    return bad
