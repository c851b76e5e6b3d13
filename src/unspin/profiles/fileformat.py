"""The profile file: versioned, readable, diffable text (gzip when the name ends in .gz).

::

    # unspin.profile/1
    # {"name": "site-a", "unspin": "0.1.0", "model": {...}, "settings": {...}, "pages": 1000, ...}
    # word<TAB>count<TAB>kept[<TAB>original<TAB>mass]...
    successful	530	12.4	in	512.3	booming	4.1
    in	3	3
    Successful	41	2.5	In	38.5

The first line names the format and its version; the second is the header, one JSON object
(``HEADER_FIELDS``); the third says what the columns are.  Then one line per word or phrase
as it stands in the pages, sorted: its occurrences, how many of them are expected to be the
word itself, and the originals its other occurrences stand for with their expected counts
(posterior mass), most first.  A word's lowercase occurrences and its capitalised ones
("Successful", originals "In") are separate lines (``unspin.casing``).  Numbers have at most
three decimals.  No pickle; the file is written to a temporary name and renamed when
complete, and a gzip file carries no time stamp, so the same profile is the same bytes.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
from pathlib import Path

from unspin.errors import UnspinError
from unspin.profiles.profile import Profile, Word
from unspin.textio import atomic_path

FORMAT = "unspin.profile/1"
COLUMNS = "# word\tcount\tkept[\toriginal\tmass]..."
HEADER_FIELDS = {
    "name": "what the profile is called (the file's name unless given)",
    "unspin": "the version that learned it",
    "model": "the lexicon and language model it was learned with (name+checksum prefix, LM order)",
    "settings": "the decoder settings it was learned with",
    "pages": "documents learned from",
    "words": "words in them",
    "learned": "one record per run of unspin learn: pages, words, iterations and the change of each",
    "habit_evidence": "the pages' first-pass evidence of the spinner's habits (choosing anew at every "
                      "occurrence, spinning capitalised words): [log likelihood ratio, pages] pairs",
    "habits": "what that evidence lends each document the profile fits: the priors of both habits",
}


def number(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def lines(profile: Profile) -> list[str]:
    """The body: one line per word, sorted."""
    out = []
    for text in sorted(profile.words):
        word = profile.words[text]
        originals = sorted(word.originals.items(), key=lambda item: (-item[1], item[0]))
        out.append("\t".join([text, number(word.count), number(word.kept)]
                             + [part for original, mass in originals for part in (" ".join(original), number(mass))]))
    return out


def dumps(profile: Profile) -> str:
    header = {key: value for key, value in profile.header.items() if key != "checksum"}
    return "\n".join([f"# {FORMAT}", "# " + json.dumps(header, ensure_ascii=False, sort_keys=True), COLUMNS,
                      *lines(profile)]) + "\n"


def write(profile: Profile, path: str | Path) -> None:
    """Write ``profile`` to ``path`` atomically (gzip when it ends in .gz)."""
    path = Path(path)
    data = dumps(profile).encode("utf-8")
    with atomic_path(path) as partial:
        if path.name.endswith(".gz"):
            with open(partial, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as handle:
                handle.write(data)
        else:
            partial.write_bytes(data)
    profile.header["checksum"] = hashlib.sha256(data).hexdigest()


def read(path: str | Path, name: str | None = None) -> Profile:
    """The profile in ``path``; E001 when it is missing, E020 when it is not a profile of
    this format version (or is damaged)."""
    path = Path(path)
    if not path.is_file():
        raise UnspinError("E001", f"profile {path} is missing")
    raw = path.read_bytes()
    try:
        data = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
        return loads(data.decode("utf-8"), name, source=str(path), fallback=default_name(path))
    except (OSError, EOFError, UnicodeDecodeError) as error:
        raise UnspinError("E020", f"{path} cannot be read as a profile: {error}") from None


def loads(text: str, name: str | None = None, source: str = "profile", fallback: str = "profile") -> Profile:
    """The profile in ``text``; ``name`` replaces the header's (else ``fallback`` when it has none)."""
    handle = io.StringIO(text)
    first = handle.readline().rstrip("\n")
    if not first.startswith("# unspin.profile/"):
        raise UnspinError("E020", f"{source} is not an unspin profile (it should start with '# {FORMAT}')")
    if first != f"# {FORMAT}":
        raise UnspinError("E020", f"{source} has format {first[2:]!r}; this unspin reads {FORMAT} "
                          "(learn the profile again with this version's `unspin learn`)")
    try:
        header = json.loads(handle.readline()[1:])
    except json.JSONDecodeError as error:
        raise UnspinError("E020", f"{source}: the header line is not JSON ({error})") from None
    if not isinstance(header, dict):
        raise UnspinError("E020", f"{source}: the header line is not a JSON object")
    handle.readline()  # the column names
    words = {}
    for number_, line in enumerate(handle, 4):
        fields = line.rstrip("\n").split("\t")
        if len(fields) < 3 or len(fields) % 2 == 0:
            raise UnspinError("E020", f"{source} line {number_}: expected word, count, kept and "
                              "original/mass pairs separated by tabs")
        try:
            words[fields[0]] = Word(float(fields[1]), float(fields[2]),
                                    {tuple(fields[i].split(" ")): float(fields[i + 1])
                                     for i in range(3, len(fields), 2)})
        except ValueError as error:
            raise UnspinError("E020", f"{source} line {number_}: {error}") from None
    header["name"] = name or header.get("name") or fallback
    header["checksum"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Profile(words, header)


def default_name(path: Path) -> str:
    """The file's name without .tsv / .gz / .profile endings."""
    name = path.name
    for suffix in (".gz", ".tsv", ".txt", ".profile"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name or "profile"
