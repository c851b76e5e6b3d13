#!/usr/bin/env python3
"""Build the channel table (src/unspin/data/channel.tsv.gz) from WordNet 3.0.

Each row says: a spinner that meets ORIGINAL (a lemma) may write REPLACEMENT, through
RELATION (via the WordNet synset VIA).  The restorer reads the table backwards
(replacement -> possible originals), the simulator forwards.

Inputs: Debian's wordnet-base (/usr/share/wordnet, read with nltk) and unigrams.tsv
from scripts/build_lm.py (originals are limited to the words the corpus uses).

    apt-get install wordnet-base && pip install nltk
    python scripts/build_lexicon.py
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from common import DATA  # noqa: E402  (also puts src/ on the path)
from unspin import rewrites  # noqa: E402
from unspin.data import update_manifest  # noqa: E402
from unspin.lexicon import GROUPED, Link, grouped_lines  # noqa: E402
from unspin.relations import WEIGHTS  # noqa: E402
from unspin.textio import atomic_path  # noqa: E402

WORDNET = Path("/usr/share/wordnet")
NUMBERS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
           "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
           "eighteen", "nineteen", "twenty"]
TENS = {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
        "ninety": 90, "hundred": 100, "thousand": 1000}
MAX_TWO_HOP_ORIGINALS = 4000
MAX_TWO_HOP_PER_WORD = 12
MAX_WORDS_IN_REPLACEMENT = 4


def wordnet_reader():
    """nltk's WordNet reader over Debian's files (nltk wants a lexnames file too)."""
    import nltk
    from nltk.corpus.reader.wordnet import WordNetCorpusReader

    root = Path(tempfile.mkdtemp()) / "nltk_data"
    nltk.data.path.insert(0, str(root))
    folder = root / "corpora" / "wordnet"
    shutil.copytree(WORDNET, folder, ignore=shutil.ignore_patterns("bin", "pixmaps", "wnres"))
    names = ["adj.all", "adj.pert", "adv.all", "noun.Tops", "noun.act", "noun.animal",
             "noun.artifact", "noun.attribute", "noun.body", "noun.cognition",
             "noun.communication", "noun.event", "noun.feeling", "noun.food", "noun.group",
             "noun.location", "noun.motive", "noun.object", "noun.person", "noun.phenomenon",
             "noun.plant", "noun.possession", "noun.process", "noun.quantity", "noun.relation",
             "noun.shape", "noun.state", "noun.substance", "noun.time", "verb.body",
             "verb.change", "verb.cognition", "verb.communication", "verb.competition",
             "verb.consumption", "verb.contact", "verb.creation", "verb.emotion", "verb.motion",
             "verb.perception", "verb.possession", "verb.social", "verb.stative", "verb.weather",
             "adj.ppl"]
    (folder / "lexnames").write_text(
        "".join(f"{i:02d}\t{name}\t{name.split('.')[0]}\n" for i, name in enumerate(names)))
    return WordNetCorpusReader(str(folder), None)


def lemma_text(name: str) -> str:
    return name.replace("_", " ").lower()


def usable(text: str, original: str) -> bool:
    return (text != original and len(text.split()) <= MAX_WORDS_IN_REPLACEMENT
            and all(ch.isalpha() or ch in " -'" for ch in text))


def element_synsets(wn) -> set:
    root = wn.synset("chemical_element.n.01")
    return set(root.closure(lambda s: s.hyponyms()))


def one_hop(wn, word: str, elements: set) -> dict[str, tuple[str, str]]:
    """replacement -> (relation, via synset) for one original lemma, across parts of speech."""
    found: dict[str, tuple[str, str]] = {}

    def add(text: str, relation: str, via: str) -> None:
        if usable(text, word) and text not in found:
            found[text] = (relation, via)

    synsets = wn.synsets(word)
    for synset in synsets:
        relation = "element" if synset in elements else "synonym"
        for lemma in synset.lemma_names():
            add(lemma_text(lemma), relation, synset.name())
    for synset in synsets:
        for name, related in (("similar_to", synset.similar_tos()), ("also_see", synset.also_sees()),
                              ("hypernym", synset.hypernyms()),
                              ("instance_hypernym", synset.instance_hypernyms())):
            # nltk gathers related synsets through sets (their order changes from run to
            # run), so they are sorted: the table is the same on every build
            for other in sorted(related, key=lambda synset: synset.name()):
                for lemma in other.lemma_names()[:3]:
                    add(lemma_text(lemma), name, f"{synset.name()}>{other.name()}")
    return found


def rows_for(wn, word: str, elements: set, two_hop: bool):
    direct = one_hop(wn, word, elements)
    for text, (relation, via) in direct.items():
        yield word, text, relation, via
    if not two_hop:
        return
    extra = 0
    for middle, (relation, _via) in list(direct.items()):
        if relation not in ("synonym", "similar_to") or " " in middle:
            continue
        for synset in wn.synsets(middle):
            for lemma in synset.lemma_names():
                text = lemma_text(lemma)
                if text in direct or not usable(text, word) or extra >= MAX_TWO_HOP_PER_WORD:
                    continue
                direct[text] = ("two_hop", "")
                extra += 1
                yield word, text, "two_hop", f"{middle}>{synset.name()}"


def number_rows():
    for value, word in enumerate(NUMBERS):
        yield word, str(value), "number", "digits"
    for word, value in TENS.items():
        yield word, str(value), "number", "digits"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DATA)
    parser.add_argument("--vocabulary", type=int, default=40_000,
                        help="originals are limited to this many most frequent corpus words")
    args = parser.parse_args()

    wn = wordnet_reader()
    elements = element_synsets(wn)
    vocabulary = []
    with open(args.out / "unigrams.tsv", encoding="utf-8") as handle:
        next(handle)
        for line in handle:
            word = line.split("\t", 1)[0]
            if word.isalpha():
                vocabulary.append(word)
            if len(vocabulary) >= args.vocabulary:
                break

    rows = list(number_rows())
    rows += [(original, spun, "phrase", "rewrite") for original, spun in rewrites.ALL]
    for rank, word in enumerate(vocabulary):
        # Keyed by the surface word: wn.synsets() lemmatises it ("told" -> tell) as the
        # spinner does, so no re-inflection is needed to undo a plain WordNet spinner.
        if wn.synsets(word):
            rows.extend(rows_for(wn, word, elements, rank < MAX_TWO_HOP_ORIGINALS))

    path = args.out / "channel.tsv.gz"
    links = [Link(*row) for row in sorted(set(rows))]
    with atomic_path(path) as partial, gzip.open(partial, "wt", encoding="utf-8", compresslevel=9) as handle:
        handle.write(f"{GROUPED}\treplacement\t(original\trelation\tvia\tshare)...\n")
        handle.write("\t".join(["# originals", *sorted({link.original for link in links})]) + "\n")
        for line in grouped_lines(links):
            handle.write(line + "\n")
    update_manifest(args.out, "channel.tsv.gz", {
        "format": "unspin.channel/2", "rows": len(set(rows)), "relation_weights": WEIGHTS,
        "sources": ["WordNet 3.0 (Debian wordnet-base; WordNet licence, permissive)",
                    "unigrams.tsv (vocabulary filter)", "hand-written number words and phrase rewrites"],
        "built_by": "scripts/build_lexicon.py", "vocabulary": args.vocabulary})
    print(f"wrote {path} with {len(set(rows))} rows")


if __name__ == "__main__":
    main()
