#!/usr/bin/env python3
"""Build the data of the independent spinner families (src/unspin/families/).

These files are what the families read at run time instead of the channel table, so that the
spinners do not share the restorer's resources:

``wordnet_walk.tsv.gz``  a compact WordNet 3.0 graph for ``wordnet-walk``: synsets (lemma
                         names, hypernym and similar-to pointers), a lemma index (synsets in
                         sense order, all parts of speech) and lemma-level derivation and
                         pertainym links.  Kept: what spinning the corpus can reach, i.e. the
                         lemmas of the commonest corpus words and everything they reach within
                         the family's deepest chain.
``thesaurus_b.tsv.gz``   the LibreOffice English thesaurus (MyThes th_en_US_v2, Debian
                         ``mythes-en-us``) for ``thesaurus-b``: per headword its first meanings
                         with part of speech, synonyms, generic, similar and related terms
                         (never antonyms).  Headwords: the lemmas of the commonest corpus words
                         and multi-word headwords made of common words.

Inputs: Debian's wordnet-base (/usr/share/wordnet, read with nltk) and mythes-en-us
(/usr/share/mythes), and unigrams.tsv (from scripts/build_lm.py) for the vocabulary.

    apt-get install wordnet-base mythes-en-us && pip install nltk
    python scripts/build_spinner_data.py                 # both files
    python scripts/build_spinner_data.py --family thesaurus-b
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

from build_lexicon import wordnet_reader  # noqa: E402
from unspin.data import update_manifest  # noqa: E402
from unspin.families.base import read_frequencies  # noqa: E402

MYTHES = Path("/usr/share/mythes/th_en_US_v2.dat")
MYTHES_COPYRIGHT = Path("/usr/share/doc/mythes-en-us/copyright")
WORDNET_POS = ("n", "v", "a", "r")  # nltk's order for synsets of all parts of speech
# The family's deepest chain: words reached in up to this many steps need their own entries.
CHAIN_DEPTH = 3
MAX_WORDS = 3  # longest replacement either family writes
# How much of each thesaurus entry is kept (the family picks among the first few).
MEANINGS = 6  # per part of speech
KEPT = {"synonym": 8, "generic": 4, "similar": 6, "related": 3}
USABLE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 '\-]*\Z")
VOCABULARY_WORD = re.compile(r"[a-z][a-z'\-]*\Z")


def usable(text: str) -> bool:
    """A replacement a spinner can write: letters, digits, inner spaces, hyphens, apostrophes."""
    return bool(USABLE.match(text)) and len(text.split(" ")) <= MAX_WORDS and "  " not in text


def vocabulary(unigrams: Path, size: int) -> list[str]:
    """The ``size`` commonest lowercase words of unigrams.tsv, commonest first."""
    if not unigrams.exists():
        raise SystemExit(f"{unigrams} is missing (scripts/build_lm.py writes it)")
    return [word for word in read_frequencies(unigrams) if VOCABULARY_WORD.match(word)][:size]


def lemmas_of(words: list[str]) -> set[str]:
    """Each word and every lemma lemminflect gives it (any part of speech)."""
    from lemminflect import getAllLemmas

    found = set(words)
    for word in words:
        for lemmas in getAllLemmas(word).values():
            found.update(lemmas)
    return found


def write_table(path: Path, header: str, lines: list[str]) -> None:
    """Write a gzipped table atomically (temporary name, then rename); fixed gzip mtime."""
    partial = path.with_name(path.name + ".part")
    with open(partial, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9,
                                                  mtime=0, filename="") as zipped:
        zipped.write((header + "\n" + "".join(line + "\n" for line in lines)).encode("utf-8"))
    os.replace(partial, path)


# ---------------------------------------------------------------- wordnet-walk

class WordNetGraph:
    """The parts of WordNet the walk reads, keyed by synset name and lowercase lemma."""

    def __init__(self, wn) -> None:
        self.names: dict[str, list[str]] = {}
        self.hypernyms: dict[str, list[str]] = {}
        self.similar: dict[str, list[str]] = {}
        self.index: dict[str, list[str]] = {}
        self.hyponyms: dict[str, list[str]] = {}
        self.derivation: dict[str, list[str]] = {}
        self.pertainym: dict[str, list[str]] = {}
        for pos in WORDNET_POS:
            for synset in wn.all_synsets(pos):
                self._add_synset(synset)
        for lemma, by_pos in sorted(wn._lemma_pos_offset_map.items()):
            # synsets in nltk's order for wn.synsets(lemma): n, v, a (satellites included), r
            names = []
            for pos in WORDNET_POS:
                for offset in by_pos.get(pos, ()):
                    names.append(wn.synset_from_pos_and_offset(pos, offset).name())
            word = lemma.replace("_", " ")
            if names and usable(word):
                self.index[word] = names

    def _add_synset(self, synset) -> None:
        name = synset.name()
        self.names[name] = [lemma.replace("_", " ") for lemma in synset.lemma_names()]
        # nltk gathers pointers through sets: sort them so every build is the same
        self.hypernyms[name] = sorted(s.name() for s in synset.hypernyms() + synset.instance_hypernyms())
        self.similar[name] = sorted(s.name() for s in synset.similar_tos())
        for parent in self.hypernyms[name]:
            self.hyponyms.setdefault(parent, []).append(name)
        for lemma in synset.lemmas():
            word = lemma.name().replace("_", " ").lower()
            for table, related in ((self.derivation, lemma.derivationally_related_forms()),
                                   (self.pertainym, lemma.pertainyms())):
                for other in sorted(related, key=lambda l: (l.synset().name(), l.name())):
                    text = other.name().replace("_", " ")
                    entry = table.setdefault(word, [])
                    if usable(text) and text.lower() != word and text not in entry:
                        entry.append(text)

    def neighbours(self, word: str) -> set[str]:
        """Every lowercase word one walk step from ``word`` (all relations)."""
        found: set[str] = set()
        synsets = self.index.get(word, [])
        synonyms = {n.lower() for s in synsets for n in self.names[s]}
        found |= synonyms
        for synset in synsets:
            for other in self.hypernyms[synset] + self.similar[synset]:
                found.update(n.lower() for n in self.names[other])
            for parent in self.hypernyms[synset]:  # siblings: their first lemma
                found.update(self.names[s][0].lower() for s in self.hyponyms.get(parent, [])
                             if self.names[s])
        found.update(n.lower() for n in self.derivation.get(word, []))
        found.update(n.lower() for n in self.pertainym.get(word, []))
        for synonym in synonyms:  # lemma-name hops into the synonyms' other synsets
            for synset in self.index.get(synonym, []):
                found.update(n.lower() for n in self.names[synset])
        return {w for w in found if usable(w) and w != word}


def build_wordnet_walk(out: Path, words: list[str]) -> None:
    wn = wordnet_reader()
    graph = WordNetGraph(wn)
    level = {w for w in lemmas_of(words) if w in graph.index}
    starts = len(level)
    needed: set[str] = set()
    for _ in range(CHAIN_DEPTH):  # words met at steps 0 .. depth-1 are walked from
        needed |= level
        level = {n for w in level for n in graph.neighbours(w)} - needed
    # a walk from the last level's words needs their synonyms' entries (lemma-name hops)
    last = {w for w in needed}
    needed |= {n.lower() for w in last for s in graph.index.get(w, []) for n in graph.names[s]}
    kept = sorted(w for w in needed if w in graph.index)
    synsets = {s for w in kept for s in graph.index[w]}
    synsets |= {p for w in kept for s in graph.index[w] for p in graph.hypernyms[s] + graph.similar[s]}
    synsets |= {c for w in kept for s in graph.index[w] for p in graph.hypernyms[s]
                for c in graph.hyponyms.get(p, [])}
    order = sorted(synsets, key=lambda name: (name.split(".")[-2], name))
    number = {name: i for i, name in enumerate(order)}

    def ids(names: list[str]) -> str:
        return ",".join(str(number[n]) for n in names if n in number)

    lines = []
    for name in order:
        names = [n for n in graph.names[name] if usable(n)]
        lines.append("\t".join(["S", names and "|".join(names) or "", ids(graph.hypernyms[name]),
                                ids(graph.similar[name])]))
    for word in kept:
        lines.append("\t".join(["W", word, ids(graph.index[word]),
                                "|".join(graph.derivation.get(word, [])),
                                "|".join(graph.pertainym.get(word, []))]))
    path = out / "wordnet_walk.tsv.gz"
    write_table(path, "# unspin.wordnet_walk/1\tS: lemma names|..., hypernym ids, similar-to ids "
                "(the line number among S lines is the id); W: word, synset ids (sense order), "
                "derivation|..., pertainym|...", lines)
    update_manifest(out, path.name, {
        "format": "unspin.wordnet_walk/1", "synsets": len(order), "words": len(kept),
        "vocabulary": len(words), "chain_depth": CHAIN_DEPTH, "used_by": "unspin.families.wordnet_walk",
        "source": "WordNet 3.0 (Debian wordnet-base, read with nltk): synsets, lemma index, "
                  "hypernym, instance hypernym (hyponyms are read back from them), similar-to, "
                  "derivation and pertainym pointers; "
                  f"lemmas of the {len(words)} commonest words of unigrams.tsv ({starts} lemmas) "
                  f"and what they reach in {CHAIN_DEPTH} steps",
        "licence": "WordNet 3.0 licence (Princeton University; permissive, keep the notice)",
        "built_by": "scripts/build_spinner_data.py"})
    print(f"wrote {path}: {len(order)} synsets, {len(kept)} words ({starts} start lemmas)")


# ---------------------------------------------------------------- thesaurus-b

TERM_KINDS = {"generic term": "generic", "similar term": "similar", "related term": "related",
              "antonym": None}
POS = {"noun": "n", "verb": "v", "adj": "a", "adv": "r"}


def read_mythes(path: Path) -> dict[str, list[tuple[str, dict[str, list[str]]]]]:
    """headword -> meanings, each (pos letter, {kind: terms}); antonyms are dropped."""
    entries: dict[str, list] = {}
    with open(path, encoding="utf-8") as handle:
        if handle.readline().strip() != "UTF-8":
            raise SystemExit(f"{path}: expected a UTF-8 MyThes file")
        for line in handle:
            headword, _, count = line.rstrip("\n").partition("|")
            meanings = []
            for _ in range(int(count)):
                fields = handle.readline().rstrip("\n").split("|")
                kinds: dict[str, list[str]] = {"synonym": [], "generic": [], "similar": [], "related": []}
                for term in fields[1:]:
                    kind = "synonym"
                    if term.endswith(")") and " (" in term:
                        term, _, label = term[:-1].rpartition(" (")
                        kind = TERM_KINDS.get(label, "skip")
                    if kind in kinds and term not in kinds[kind]:
                        kinds[kind].append(term)
                meanings.append((POS.get(fields[0].strip("()"), "?"), kinds))
            entries.setdefault(headword.lower(), []).extend(meanings)
    return entries


def build_thesaurus_b(out: Path, words: list[str]) -> None:
    entries = read_mythes(MYTHES)
    vocabulary = set(words)
    heads = lemmas_of(words)
    lines = []
    kept = 0
    for headword in sorted(entries):
        parts = headword.split(" ")
        if not usable(headword):
            continue
        if len(parts) == 1 and headword not in heads:
            continue
        if len(parts) > 1 and not all(part in vocabulary for part in parts):
            continue
        written = 0
        per_pos: dict[str, int] = {}
        for pos, kinds in entries[headword]:
            per_pos[pos] = per_pos.get(pos, 0) + 1
            if per_pos[pos] > MEANINGS:
                continue
            columns = ["|".join([t for t in kinds[kind] if usable(t) and t.lower() != headword]
                                [:limit]) for kind, limit in KEPT.items()]
            if any(columns):
                lines.append("\t".join([headword, pos, *columns]))
                written += 1
        kept += written > 0
    path = out / "thesaurus_b.tsv.gz"
    write_table(path, "# unspin.thesaurus_b/1\theadword\tpos\tsynonyms|...\tgeneric terms|...\t"
                "similar terms|...\trelated terms|... (one line per meaning, in the thesaurus's order)",
                lines)
    notice = _atkinson_notice()
    update_manifest(out, path.name, {
        "format": "unspin.thesaurus_b/1", "headwords": kept, "meanings": len(lines),
        "vocabulary": len(words), "used_by": "unspin.families.thesaurus_b",
        "source": "LibreOffice English thesaurus th_en_US_v2 (MyThes format; Debian mythes-en-us). "
                  "It descends from WordNet 2.x, so it shares WordNet's senses but not the "
                  f"channel table's relations or weights. Kept: the first {MEANINGS} meanings "
                  f"per part of speech of headwords that are lemmas of the {len(words)} "
                  "commonest words of unigrams.tsv (or multi-word headwords made of such words); "
                  "per meaning the first " + ", ".join(f"{n} {kind}" for kind, n in KEPT.items())
                  + " terms; antonyms never",
        "licence": "Kevin Atkinson's permissive notice (Debian copyright, dictionaries/en/*): " + notice,
        "built_by": "scripts/build_spinner_data.py"})
    print(f"wrote {path}: {kept} headwords, {len(lines)} meanings")


def _atkinson_notice() -> str:
    """The licence paragraph of dictionaries/en/* in Debian's copyright file, as one line."""
    text = MYTHES_COPYRIGHT.read_text(encoding="utf-8")
    block = text.split("Files: dictionaries/en/*", 1)[1].split("\nFiles:", 1)[0]
    return " ".join(line.strip() for line in block.strip().splitlines())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "src" / "unspin" / "data")
    parser.add_argument("--family", choices=["wordnet-walk", "thesaurus-b", "all"], default="all")
    parser.add_argument("--vocabulary", type=int, default=60_000,
                        help="start from the lemmas of this many commonest corpus words")
    args = parser.parse_args()
    words = vocabulary(args.out / "unigrams.tsv", args.vocabulary)
    if args.family in ("thesaurus-b", "all"):
        build_thesaurus_b(args.out, words)
    if args.family in ("wordnet-walk", "all"):
        build_wordnet_walk(args.out, words)


if __name__ == "__main__":
    main()
