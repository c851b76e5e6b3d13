"""Training data for the encoder: a packed corpus slice, spun on the fly, in batches.

A *pack* (``scripts/pack_encoder_data.py``; small enough for the device machine's 64 MiB)
holds training paragraphs and what the spinner and the loss need besides the bundled
channel table: the encoder vocabulary, each word's channel readings as word ids (the
candidates the restoration head must tell apart) and word counts (for random negatives).
Paragraphs are kept as text, not ids, because the simulator rewrites text: every example
is cropped, spun with a random family of the mixture, seed and rate, then tokenized.

The mixture names registered spinner families (``unspin.registry.families``), ``clean``, or
``own``: the families built on the restorer's own channel table.  The configs train on
``own`` only, so that the independent families (and ``mixed``, which draws from them)
measure the encoder on spinners it has never seen; validation reports those too.

Numpy only: the batches are built in data-loader processes and turned into tensors by
``unspin.training.train``.
"""

from __future__ import annotations

import json
import lzma
import math
import os
from bisect import bisect_left
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Sequence

import numpy as np

from unspin.data import sha256
from unspin.errors import UnspinError
from unspin.scorers.neural import VOCAB_FILE, Vocabulary, align, case_class
from unspin.tokenize import sentences, tokenize
from unspin.training.config import ALL, CLEAN, OWN, DataSettings

PACK_FORMAT = "unspin.encoder-pack/1"
PACK_INFO = "PACK.json"
TRAIN_FILE, VALIDATION_FILE = "train.txt.xz", "validation.txt.xz"
ARRAYS_FILE = "readings.npz"  # readings [words, per_word] int32 (-1 pads), counts [words] int64
CHANNEL = "wordnet"  # the restorer's channel source (unspin.registry.channel_sources): the readings
FIRST_WORD = 3  # ids below are specials (<pad>, <unk>, <num>)


def own_families() -> tuple[str, ...]:
    """The registered families built on the restorer's own channel table: not independent,
    and reading the channel source's file themselves (wordnet, thesaurus, tortured).

    ``mixed`` is registered as not independent too, but it reads no file of its own: it
    draws each document's spinner from every family, the independent ones included, so
    training on it would show the encoder the families kept for leave-out evaluation."""
    from unspin.families.mixed import NAME as MIXED
    from unspin.registry import channel_sources, families

    channel_files = set(channel_sources.get(CHANNEL).files)  # mixed lists the files it draws on (its bases')
    return tuple(f.name for f in families
                 if not f.independent and f.name != MIXED and channel_files & set(f.files))


def expand_mixture(settings: DataSettings) -> list[tuple[str, float]]:
    """The mixture with "own" and "all" replaced by the registered families they stand for
    now (less ``exclude_families``); weights of a family named twice add up."""
    from unspin.registry import families

    registered = families.names()
    expanded: dict[str, float] = {}
    for name, weight in settings.mixture:
        group = own_families() if name == OWN else registered if name == ALL else None
        names = [f for f in group if f not in settings.exclude_families] if group is not None else [name]
        for family in names:
            if family != CLEAN and family not in registered:
                raise UnspinError("E030", f"unknown spinner family {family!r} in the mixture; the registered "
                                  f"families are {', '.join(registered)} (or {OWN}, {ALL}, {CLEAN})")
            expanded[family] = expanded.get(family, 0.0) + float(weight)
    if not expanded or min(expanded.values()) < 0 or sum(expanded.values()) <= 0:
        raise UnspinError("E030", f"the mixture {settings.mixture} has no positive weight")
    return sorted(expanded.items())


def unseen_families(settings: DataSettings) -> tuple[str, ...]:
    """The registered families the mixture leaves out (the leave-out evaluation's)."""
    from unspin.registry import families

    trained = {name for name, _weight in expand_mixture(settings)}
    return tuple(name for name in families.names() if name not in trained)


def spinner_files() -> tuple[str, ...]:
    """The model-folder files the spinner families and the channel source read (a pack
    records their checksums: its readings and its examples depend on them)."""
    from unspin.registry import channel_sources, families

    names = [*channel_sources.get(CHANNEL).files, "unigrams.tsv", *(name for f in families for name in f.files)]
    return tuple(dict.fromkeys(names))


def family_resources(names, spinner_folder: Path | None) -> dict[str, object]:
    """What each family of ``names`` reads, loaded once from the spinner folder (``clean``: None)."""
    from unspin.simulate import resources_for

    folder = str(spinner_folder) if spinner_folder else None
    return {name: None if name == CLEAN else resources_for(name, folder) for name in names}


# ---------------------------------------------------------------- the pack

class _UnigramModel:
    """The two LM questions the reading table asks, answered from word counts."""

    order = 1

    def __init__(self, counts: dict[str, int]) -> None:
        total = sum(counts.values()) or 1
        self._log10 = {w: math.log10(c / total) for w, c in counts.items() if c > 0}

    def known(self, word: str) -> bool:
        return word in self._log10

    def unigram(self, word: str) -> float:
        return self._log10.get(word, -9.0)


def reading_ids(vocabulary: Vocabulary, lexicon, counts: dict[str, int], per_word: int) -> np.ndarray:
    """[words, per_word] int32: the channel's readings of each vocabulary word (the first
    word of each reading, as ``align`` scores a one-token site), -1 padded."""
    from unspin.candidates import ReadingTable

    table = ReadingTable(lexicon, _UnigramModel(counts), per_word)
    out = np.full((len(vocabulary), per_word), -1, dtype=np.int32)
    for i, word in enumerate(vocabulary.words[FIRST_WORD:], start=FIRST_WORD):
        found: list[int] = []
        for reading in table.readings(word):
            j = vocabulary.index.get(reading.words[0], -1)
            if j >= FIRST_WORD and j != i and j not in found:
                found.append(j)
        out[i, : len(found[:per_word])] = found[:per_word]
    return out


def write_pack(out: Path, train: Sequence[str], validation: Sequence[str], vocabulary: Vocabulary,
               spinner_folder: Path, readings: int, info: dict) -> dict:
    """Write a pack folder; returns its PACK.json content."""
    from unspin.families.base import read_frequencies
    from unspin.registry import channel_sources

    out.mkdir(parents=True, exist_ok=True)
    for name, lines in ((TRAIN_FILE, train), (VALIDATION_FILE, validation)):
        partial = out / (name + ".part")
        with lzma.open(partial, "wt", encoding="utf-8", preset=6) as handle:
            for line in lines:
                handle.write(line.replace("\n", " ") + "\n")
        os.replace(partial, out / name)
    (out / VOCAB_FILE).write_text(vocabulary.text(), encoding="utf-8")
    frequencies = read_frequencies(spinner_folder / "unigrams.tsv")
    counts = np.array([frequencies.get(w, 0) if i >= FIRST_WORD else 0 for i, w in enumerate(vocabulary.words)],
                      dtype=np.int64)
    lexicon = channel_sources.get(CHANNEL).load(spinner_folder)
    with open(out / (ARRAYS_FILE + ".part"), "wb") as handle:
        np.savez_compressed(handle, readings=reading_ids(vocabulary, lexicon, frequencies, readings), counts=counts)
    os.replace(out / (ARRAYS_FILE + ".part"), out / ARRAYS_FILE)
    pack = {"format": PACK_FORMAT, **info, "train_paragraphs": len(train), "validation_paragraphs": len(validation),
            "vocab_size": len(vocabulary), "readings_per_word": readings,
            "vocab_sha256": sha256(out / VOCAB_FILE),
            "spinner_files": {name: sha256(spinner_folder / name) for name in spinner_files()
                              if (spinner_folder / name).exists()}}
    (out / PACK_INFO).write_text(json.dumps(pack, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return pack


@dataclass
class Pack:
    """A loaded pack: paragraphs, vocabulary, readings, counts and its record."""

    folder: Path
    info: dict
    train: list[str]
    validation: list[str]
    vocabulary: Vocabulary
    readings: np.ndarray
    counts: np.ndarray
    spinner_folder: Path | None = None
    _cdf: np.ndarray | None = field(default=None, repr=False)

    @classmethod
    def load(cls, folder: Path, spinner_folder: Path | None = None) -> "Pack":
        """Load ``folder``; refuses a spinner channel table other than the one the pack's
        readings were built from (``spinner_folder``: default the bundled model)."""
        from unspin.data import data_dir

        folder = Path(folder)
        if not (folder / PACK_INFO).exists():
            raise UnspinError("E001", f"{folder} is not an encoder data pack (run scripts/pack_encoder_data.py)")
        info = json.loads((folder / PACK_INFO).read_text(encoding="utf-8"))
        if info.get("format") != PACK_FORMAT:
            raise UnspinError("E020", f"{folder / PACK_INFO} is not {PACK_FORMAT}")
        spinner = data_dir(spinner_folder)
        for name, expected in info.get("spinner_files", {}).items():
            if not (spinner / name).exists() or sha256(spinner / name) != expected:
                raise UnspinError("E022", f"{spinner / name} is missing or differs from the file the pack {folder} "
                                          "was built with; pack it again with scripts/pack_encoder_data.py")

        def lines(name: str) -> list[str]:
            with lzma.open(folder / name, "rt", encoding="utf-8") as handle:
                return [line for line in handle.read().split("\n") if line]

        with np.load(folder / ARRAYS_FILE, allow_pickle=False) as arrays:
            readings, counts = arrays["readings"], arrays["counts"]
        return cls(folder, info, lines(TRAIN_FILE), lines(VALIDATION_FILE), Vocabulary.load(folder / VOCAB_FILE),
                   readings, counts, spinner)

    def sampler(self, source_weights: Sequence) -> Callable[[np.random.Generator], str]:
        """Draws a training paragraph; a source's paragraphs weigh ``source_weights[file]``."""
        weights = dict(source_weights)
        sources = self.info.get("sources") or [{"file": "all", "first_line": 0}]
        unknown = set(weights) - {s["file"] for s in sources}
        if unknown:
            raise UnspinError("E030", f"source_weights names files the pack lacks: {', '.join(sorted(unknown))}")
        starts = [s.get("first_line", 0) for s in sources] + [len(self.train)]
        ranges = [(starts[i], starts[i + 1], float(weights.get(s["file"], 1.0))) for i, s in enumerate(sources)
                  if starts[i + 1] > starts[i]]
        mass = np.array([(end - begin) * weight for begin, end, weight in ranges])
        if mass.sum() <= 0:
            raise UnspinError("E030", "source_weights leave no paragraph to draw")
        shares = mass / mass.sum()

        def draw(rng: np.random.Generator) -> str:
            begin, end, _weight = ranges[int(rng.choice(len(ranges), p=shares))]
            return self.train[int(rng.integers(begin, end))]

        return draw

    def negatives(self, rng: np.random.Generator, count: int) -> np.ndarray:
        """``count`` word ids drawn by unigram frequency to the power 0.75."""
        if self._cdf is None:
            weights = self.counts.astype(np.float64) ** 0.75
            weights[:FIRST_WORD] = 0.0
            if weights.sum() <= 0:
                weights[FIRST_WORD:] = 1.0
            self._cdf = np.cumsum(weights) / weights.sum()
        return np.minimum(np.searchsorted(self._cdf, rng.random(count), side="right"), len(self._cdf) - 1)


# ---------------------------------------------------------------- examples

@dataclass(frozen=True)
class Example:
    """One spun token sequence: ids, case classes, the original word id at each position
    (the observed id where nothing was spun) and whether a spinner wrote each token."""

    token_ids: np.ndarray
    case_ids: np.ndarray
    targets: np.ndarray
    spun: np.ndarray
    profile: str

    def __len__(self) -> int:
        return len(self.token_ids)


def crop(text: str, rng: np.random.Generator, max_words: int, single_sentence_share: float) -> str:
    """A run of whole sentences of ``text`` of at most ``max_words`` tokens (one sentence
    with probability ``single_sentence_share``); a longer sentence is cut."""
    document = tokenize(text)
    tokens = document.tokens
    ranges = sentences(document)
    if not ranges:
        return text
    first = int(rng.integers(len(ranges)))
    single = rng.random() < single_sentence_share
    begin, end = ranges[first]
    for b, e in ranges[first + 1 :]:
        if single or e - begin > max_words:
            break
        end = e
    end = min(end, begin + max_words)
    return text[tokens[begin].start : tokens[end - 1].end]


def make_example(text: str, profile: str, seed: int, rate: float, resources, vocabulary: Vocabulary,
                 max_len: int) -> Example:
    """Spin ``text`` with the family ``profile`` (or not: "clean") and label every token of
    the spun text; ``resources`` is what the family's ``load`` gives (``family_resources``)."""
    from unspin.simulate import spin

    if profile == CLEAN:
        spun_text, edits = text, ()
    else:
        result = spin(text, profile, seed, rate, resources=resources)
        spun_text, edits = result.spun, result.edits
    tokens = tokenize(spun_text).tokens[:max_len]
    norms = [t.norm for t in tokens]
    targets = list(norms)
    spun = np.zeros(len(tokens), dtype=np.bool_)
    starts = [t.start for t in tokens]
    for edit in edits:
        begin, end = bisect_left(starts, edit.spun_start), bisect_left(starts, edit.spun_end)
        original = [t.norm for t in tokenize(edit.original).tokens]
        if end <= begin or not original:
            continue
        for j, a in enumerate(align(end - begin, len(original))):
            targets[begin + j] = original[a]
            spun[begin + j] = original[a] != norms[begin + j]
    return Example(np.array([vocabulary.id(n) for n in norms], dtype=np.int32),
                   np.array([case_class(t.text) for t in tokens], dtype=np.int8),
                   np.array([vocabulary.id(n) for n in targets], dtype=np.int32), spun, profile)


def collate(examples: Sequence[Example], pack: Pack, settings: DataSettings, rng: np.random.Generator,
            identity_share: float | None = None) -> dict[str, np.ndarray]:
    """Padded arrays for ``Encoder.training_logits`` plus the labels ``spun`` and ``gold_in``.

    ``positions`` are flat indices of the tokens trained for restoration (every spun token,
    ``identity_share`` of the others; never where the original is not in the vocabulary);
    ``candidates`` [positions, 2 + readings] holds the gold id, the observed id and the
    channel's readings of the observed word (-1 pads); ``negatives`` are shared.
    """
    share = settings.identity_share if identity_share is None else identity_share
    width = max(len(e) for e in examples)
    batch = len(examples)
    token_ids = np.zeros((batch, width), dtype=np.int64)
    case_ids = np.zeros((batch, width), dtype=np.int64)
    mask = np.zeros((batch, width), dtype=np.int64)
    spun = np.zeros((batch, width), dtype=np.float32)
    targets = np.zeros((batch, width), dtype=np.int64)
    for row, example in enumerate(examples):
        n = len(example)
        token_ids[row, :n] = example.token_ids
        case_ids[row, :n] = example.case_ids
        mask[row, :n] = 1
        spun[row, :n] = example.spun
        targets[row, :n] = example.targets
    chosen = (mask > 0) & (targets >= FIRST_WORD) & ((spun > 0) | (rng.random(mask.shape) < share))
    positions = np.flatnonzero(chosen)
    observed = token_ids.reshape(-1)[positions]
    gold = targets.reshape(-1)[positions]
    candidates = np.concatenate([gold[:, None], observed[:, None],
                                 pack.readings[observed, : settings.readings].astype(np.int64)], axis=1)
    return {"token_ids": token_ids, "case_ids": case_ids, "mask": mask, "spun": spun,
            "positions": positions.astype(np.int64), "candidates": candidates,
            "negatives": pack.negatives(rng, settings.negatives).astype(np.int64)}


def batches(pack: Pack, settings: DataSettings, max_len: int, seed: int, worker: int = 0) -> Iterator[dict]:
    """Endless batches: random paragraphs, cropped, spun by a random family of the mixture
    with a random seed and rate; pooled, sorted by length and cut at ``batch_tokens``."""
    rng = np.random.default_rng([seed, worker])
    mixture = expand_mixture(settings)
    names = [name for name, _ in mixture]
    resources = family_resources(names, pack.spinner_folder)
    weights = np.array([w for _, w in mixture]) / sum(w for _, w in mixture)
    low, high = settings.rate
    paragraph = pack.sampler(settings.source_weights)
    # ~20 tokens per example is a floor estimate: the pool holds enough for pool_batches
    pool_size = max(8, settings.pool_batches * settings.batch_tokens // 20)
    while True:
        pool = []
        while len(pool) < pool_size:
            text = crop(paragraph(rng), rng, int(max_len * 0.85), settings.single_sentence_share)
            profile = names[int(rng.choice(len(names), p=weights))]
            example = make_example(text, profile, int(rng.integers(2**31)), float(rng.uniform(low, high)),
                                   resources[profile], pack.vocabulary, max_len)
            if len(example):
                pool.append(example)
        pool.sort(key=len)
        cut, start = [], 0
        for end in range(2, len(pool) + 1):
            if len(pool[end - 1]) * (end - start) > settings.batch_tokens:
                cut.append((start, end - 1))
                start = end - 1
        cut.append((start, len(pool)))
        for i in rng.permutation(len(cut)):
            begin, end = cut[i]
            yield collate(pool[begin:end], pack, settings, rng)


def validation_families(settings: DataSettings) -> list[str]:
    """What validation reports on: the mixture's families and clean text, then (with
    ``validate_unseen``) every registered family the mixture leaves out."""
    names = [name for name, _weight in expand_mixture(settings)]
    return names + list(unseen_families(settings) if settings.validate_unseen else ())


def validation_examples(pack: Pack, settings: DataSettings, max_len: int) -> dict[str, list[Example]]:
    """Fixed validation examples per family of ``validation_families`` (and clean text): the
    pack's validation paragraphs, cropped and spun with fixed seeds at ``validation_rate``."""
    names = validation_families(settings)
    resources = family_resources(names, pack.spinner_folder)
    paragraphs = pack.validation[: settings.validation_paragraphs]
    out = {}
    for profile in names:
        rng = np.random.default_rng(12345)
        examples = [make_example(crop(text, rng, int(max_len * 0.85), settings.single_sentence_share), profile,
                                 10_000 + i, settings.validation_rate, resources[profile], pack.vocabulary, max_len)
                    for i, text in enumerate(paragraphs)]
        out[profile] = [e for e in examples if len(e)]
    return out
