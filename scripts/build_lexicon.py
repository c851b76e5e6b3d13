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
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from common import CORPUS, DATA  # noqa: E402  (also puts src/ on the path)
from unspin import rewrites  # noqa: E402
from unspin.data import update_manifest  # noqa: E402
from unspin.lexicon import GROUPED, Link, grouped_lines  # noqa: E402
from unspin.relations import WEIGHTS  # noqa: E402
from unspin.textio import atomic_gzip_text  # noqa: E402

WORDNET = Path("/usr/share/wordnet")
NUMBERS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
           "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
           "eighteen", "nineteen", "twenty"]
TENS = {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
        "ninety": 90, "hundred": 100, "thousand": 1000}
MAX_TWO_HOP_ORIGINALS = 4000
MAX_TWO_HOP_PER_WORD = 12
MAX_WORDS_IN_REPLACEMENT = 4
# Training files (never eval/) in which multi-word originals are counted.
MULTIWORD_SOURCES = ("bbc_news.txt.xz", "abc_news.txt.xz", "wmt_news.txt.xz", "fnc1_news.txt.xz",
                     "wikipedia_en.txt.xz")


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
    """A replacement a spinner can write: up to four words of letters, digits, hyphens,
    apostrophes and points ("atomic number 49", "1st", "e-mail"), with a letter or digit."""
    return (text != original and len(text.split()) <= MAX_WORDS_IN_REPLACEMENT
            and any(ch.isalnum() for ch in text) and all(ch.isalnum() or ch in " -'." for ch in text))


def element_synsets(wn) -> set:
    root = wn.synset("chemical_element.n.01")
    return set(root.closure(lambda s: s.hyponyms()))


def synsets_of(wn, word: str) -> list:
    """The synsets of ``word`` and of each of its lemmas, in every part of speech: spinners
    look a word up without regard to its part of speech ("done" -> do -> "doh", the note)."""
    from lemminflect import getAllLemmas

    found = list(wn.synsets(word.replace(" ", "_")))
    seen = set(found)
    for lemma in sorted({form for forms in getAllLemmas(word).values() for form in forms} - {word}):
        for synset in wn.synsets(lemma):
            if synset not in seen:
                seen.add(synset)
                found.append(synset)
    return found


def _own_lemmas(synset, word: str, lemmas: set[str]):
    """The synset's lemmas that are ``word`` or one of its lemmas (their derivations and
    pertainyms are the word's)."""
    return [lemma for lemma in synset.lemmas() if lemma_text(lemma.name()) in lemmas]


def one_hop(wn, word: str, elements: set) -> dict[str, tuple[str, str]]:
    """replacement -> (relation, via synset) for one original word, across parts of speech:
    synonyms (chemical elements apart), similar-to and also-see adjectives, hypernyms and
    instance hypernyms (their first three lemmas), derivationally related forms and
    pertainyms of the word's own lemmas."""
    from lemminflect import getAllLemmas

    found: dict[str, tuple[str, str]] = {}

    def add(text: str, relation: str, via: str) -> None:
        if usable(text, word) and text not in found:
            found[text] = (relation, via)

    synsets = synsets_of(wn, word)
    lemmas = {word} | {form for forms in getAllLemmas(word).values() for form in forms}
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
    for synset in synsets:
        for own in _own_lemmas(synset, word, lemmas):
            for name, related in (("derivation", own.derivationally_related_forms()),
                                  ("pertainym", own.pertainyms())):
                for other in sorted(related, key=lambda lemma: lemma.synset().name() + lemma.name()):
                    add(lemma_text(other.name()), name, f"{synset.name()}>{other.synset().name()}")
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


def multiword_originals(wn, corpus: Path, words: int, minimum: int, limit: int) -> list[str]:
    """WordNet's multi-word lemmas ("stock market", "at least") that the corpus uses at
    least ``minimum`` times in its first ``words`` words of news and Wikipedia: a thesaurus
    spinner rewrites them as a unit ("stock market" -> "stock exchange")."""
    import lzma

    from unspin.tokenize import lm_words

    wanted = {tuple(lemma_text(name).split()) for name in wn.all_lemma_names()
              if "_" in name and name.count("_") <= 2 and name.replace("_", "").isalpha()}
    counts: dict[tuple[str, ...], int] = {}
    seen = 0
    for name in MULTIWORD_SOURCES:
        with lzma.open(corpus / name, "rt", encoding="utf-8") as handle:
            for line in handle:
                tokens = lm_words(line)
                seen += len(tokens)
                for n in (2, 3):
                    for i in range(len(tokens) - n + 1):
                        gram = tuple(tokens[i : i + n])
                        if gram in wanted:
                            counts[gram] = counts.get(gram, 0) + 1
                if seen >= words:
                    break
        if seen >= words:
            break
    frequent = sorted((gram for gram, count in counts.items() if count >= minimum),
                      key=lambda gram: (-counts[gram], gram))
    return [" ".join(gram) for gram in frequent[:limit]]


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
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the shared training corpus")
    parser.add_argument("--multiword-words", type=int, default=30_000_000,
                        help="corpus words read to count WordNet's multi-word lemmas")
    parser.add_argument("--multiword-minimum", type=int, default=25)
    parser.add_argument("--multiword-limit", type=int, default=12_000)
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
    phrases = multiword_originals(wn, args.corpus, args.multiword_words, args.multiword_minimum,
                                  args.multiword_limit)
    print(f"{len(phrases)} multi-word originals", flush=True)
    for phrase in phrases:
        rows.extend(rows_for(wn, phrase, elements, False))
    for rank, word in enumerate(vocabulary):
        # Keyed by the surface word: wn.synsets() lemmatises it ("told" -> tell) as the
        # spinner does, so no re-inflection is needed to undo a plain WordNet spinner.
        if wn.synsets(word):
            rows.extend(rows_for(wn, word, elements, rank < MAX_TWO_HOP_ORIGINALS))

    path = args.out / "channel.tsv.gz"
    links = [Link(*row) for row in sorted(set(rows))]
    with atomic_gzip_text(path) as handle:  # the same inputs give the same bytes (and checksum)
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
