"""The neural scorer: a transformer encoder that reads the whole spun sentence.

Two outputs, both from one onnxruntime call per batch of sentences:

``detect``  for each word, the probability that a spinner wrote it (ELECTRA-style
            replaced-word detection);
``score``   for each site (a token span) and each candidate reading the channel proposes
            for it, log10 P(reading | whole sentence), normalised over the site's readings.

Words are the pipeline's tokens (``Token.norm``, which is ``tokenize.lm_words`` except that
"'tween" stays one token), mapped to a fixed vocabulary (``encoder.vocab``: the commonest
words of ``unigrams.tsv``; unknown numbers share ``<num>``, other unknown words ``<unk>``),
plus a letter-case class of the surface form.  A reading of ``m`` words at a site of ``k``
tokens is aligned position by position (``align``: token ``j`` is scored against reading
word ``j * m // k``), so every reading of a site is scored at the same ``k`` positions and
their scores compare fairly.  The same alignment turns gold edits into training targets.

Built by scripts/train_encoder.py (torch, the ``encoder`` extra) and exported by
scripts/export_encoder.py to ``encoder.onnx`` + ``encoder.vocab`` + ``encoder.json``; this
module needs only numpy and onnxruntime.  See docs/encoder.md.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from unspin.data import checksum_prefix, sha256
from unspin.errors import UnspinError
from unspin.registry import scorers
from unspin.tokenize import normalize

FORMAT = "unspin.encoder/1"  # encoder.json
VOCAB_FORMAT = "# unspin.encoder-vocab/1"
MODEL_FILE, VOCAB_FILE, INFO_FILE = "encoder.onnx", "encoder.vocab", "encoder.json"
SPECIALS = ("<pad>", "<unk>", "<num>")
PAD, UNK, NUM = 0, 1, 2
# Letter-case classes of a surface token (0 is padding).
CASE_LOWER, CASE_TITLE, CASE_UPPER, CASE_MIXED = 1, 2, 3, 4
CASES = 5
INPUTS = ("token_ids", "case_ids", "mask", "query_index", "query_word")
OUTPUTS = ("spun_logit", "query_logit")
MAX_BATCH_TOKENS = 4096  # padded tokens in one onnxruntime call
LOG10_E = 0.4342944819032518


def case_class(text: str) -> int:
    """lower (or no letters), Title, UPPER (two letters or more), or mIxed."""
    if text == text.lower():
        return CASE_LOWER
    letters = [c for c in text if c.isalpha()]
    if not any(c.isupper() for c in letters):
        return CASE_LOWER
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return CASE_UPPER
    if letters[0].isupper() and not any(c.isupper() for c in letters[1:]):
        return CASE_TITLE
    return CASE_MIXED


def align(tokens: int, words: int) -> tuple[int, ...]:
    """For each of a site's ``tokens`` positions, the index of the reading word scored there."""
    return tuple(j * words // tokens for j in range(tokens))


class Vocabulary:
    """Word <-> id: three specials, then words by corpus frequency."""

    def __init__(self, words: Sequence[str]) -> None:
        if tuple(words[: len(SPECIALS)]) != SPECIALS:
            raise UnspinError("E020", f"an encoder vocabulary starts with {', '.join(SPECIALS)}")
        self.words = tuple(words)
        self.index = {word: i for i, word in enumerate(self.words)}

    def __len__(self) -> int:
        return len(self.words)

    @classmethod
    def from_unigrams(cls, path: Path, size: int) -> "Vocabulary":
        """The ``size - 3`` commonest words of a ``unigrams.tsv`` (already in count order)."""
        words = list(SPECIALS)
        with open(path, encoding="utf-8") as handle:
            next(handle, None)
            for line in handle:
                word = line.split("\t", 1)[0]
                if word and word not in SPECIALS and not any(c.isspace() for c in word):
                    words.append(word)
                if len(words) >= size:
                    break
        return cls(words)

    @classmethod
    def load(cls, path: Path) -> "Vocabulary":
        lines = Path(path).read_text(encoding="utf-8").split("\n")
        if not lines or lines[0] != VOCAB_FORMAT:
            raise UnspinError("E020", f"{path} is not an unspin encoder vocabulary")
        return cls([line for line in lines[1:] if line])

    def text(self) -> str:
        return VOCAB_FORMAT + "\n" + "".join(word + "\n" for word in self.words)

    def id(self, norm: str) -> int:
        hit = self.index.get(norm)
        if hit is not None:
            return hit
        return NUM if any(c.isdigit() for c in norm) else UNK

    def encode(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Word ids and case classes of surface tokens."""
        ids = np.fromiter((self.id(normalize(t)) for t in texts), dtype=np.int64, count=len(texts))
        cases = np.fromiter((case_class(t) for t in texts), dtype=np.int64, count=len(texts))
        return ids, cases


@dataclass(frozen=True, slots=True)
class Site:
    """Tokens ``[begin, end)`` of sentence ``sentence`` and the readings to score there.

    Each reading is a tuple of lowercase words (the kept words are an ordinary reading).
    """

    sentence: int
    begin: int
    end: int
    readings: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class _Window:
    """Tokens ``[start, end)`` of a sentence; ``detect``: its spun probabilities are reported."""

    sentence: int
    start: int
    end: int
    detect: bool


class NeuralScorer:
    """A loaded encoder (``load``): detection and reading scores for batches of sentences.

    ``sentences`` are lists of surface tokens (``Token.text``: the letter case is a feature).
    """

    def __init__(self, folder: Path, threads: int = 1, max_batch_tokens: int = MAX_BATCH_TOKENS) -> None:
        self.folder = Path(folder)
        for name in (MODEL_FILE, VOCAB_FILE, INFO_FILE):
            if not (self.folder / name).exists():
                raise UnspinError("E001", f"{self.folder / name} is missing (export one with scripts/export_encoder.py)")
        self.info = json.loads((self.folder / INFO_FILE).read_text(encoding="utf-8"))
        if self.info.get("format") != FORMAT:
            raise UnspinError("E020", f"{self.folder / INFO_FILE} is not {FORMAT}")
        if sha256(self.folder / VOCAB_FILE) != self.info["vocab_sha256"]:
            raise UnspinError("E022", f"{self.folder / VOCAB_FILE} is not the vocabulary {MODEL_FILE} was trained with")
        self.vocabulary = Vocabulary.load(self.folder / VOCAB_FILE)
        self.max_len = int(self.info["model"]["max_len"])
        self.max_batch_tokens = max(max_batch_tokens, self.max_len)
        self.session = session(self.folder / MODEL_FILE, threads)

    @property
    def signature(self) -> str:
        return f"encoder:{MODEL_FILE}+{checksum_prefix(str(self.folder), MODEL_FILE)}"

    @property
    def families(self) -> tuple[str, ...]:
        """The spinner families it was trained on (``encoder.json``'s ``fitted_on``)."""
        return tuple(self.info.get("fitted_on", {}).get("families", ()))

    @property
    def unseen_families(self) -> tuple[str, ...]:
        """The registered families its training left out: the ones that measure it honestly."""
        return tuple(self.info.get("fitted_on", {}).get("unseen_families", ()))

    def detect(self, sentences: Sequence[Sequence[str]]) -> list[np.ndarray]:
        """For each sentence, P(a spinner wrote it) for each token (float32)."""
        return self.run(sentences, (), detect=True)[0]

    def score(self, sentences: Sequence[Sequence[str]], sites: Sequence[Site]) -> list[np.ndarray]:
        """For each site, log10 P(reading | sentence) of its readings, normalised over them.

        Only the sentences that hold a site are read.
        """
        return self.run(sentences, sites, detect=False)[1]

    def run(self, sentences: Sequence[Sequence[str]], sites: Sequence[Site],
            detect: bool = True) -> tuple[list[np.ndarray] | None, list[np.ndarray]]:
        """Both outputs in one pass: (per-token spun probabilities or None, site scores)."""
        for site in sites:
            if (not 0 <= site.begin < site.end <= len(sentences[site.sentence]) or not site.readings
                    or not all(site.readings)):
                raise UnspinError("E030", f"site {site} does not fit its sentence or has an empty reading")
        windows, site_windows = self._windows(sentences, sites, detect)
        encoded = {}
        for i, window in enumerate(windows):
            ids, cases = self.vocabulary.encode(sentences[window.sentence][window.start : window.end])
            encoded[i] = (ids, cases)
        spun = [np.zeros(len(s), dtype=np.float32) for s in sentences] if detect else None
        plans = [self._plan(site) for site in sites]
        logits: list[dict] = [dict() for _ in sites]  # per site: (offset, word) -> logit
        by_window: dict[int, list[int]] = {}
        for s, w in enumerate(site_windows):
            by_window.setdefault(w, []).append(s)
        order = sorted(range(len(windows)), key=lambda i: windows[i].end - windows[i].start)
        for batch in self._batches(order, windows):
            width = max(windows[i].end - windows[i].start for i in batch)
            token_ids = np.zeros((len(batch), width), dtype=np.int64)
            case_ids = np.zeros_like(token_ids)
            mask = np.zeros_like(token_ids)
            queries: list[tuple[int, int, int, tuple[int, str]]] = []  # (flat token, word id, site, (offset, word))
            for row, i in enumerate(batch):
                ids, cases = encoded[i]
                token_ids[row, : len(ids)] = ids
                case_ids[row, : len(ids)] = cases
                mask[row, : len(ids)] = 1
                for s in by_window.get(i, ()):
                    site, base = sites[s], windows[i].start
                    flat = row * width + site.begin - base
                    for offset, words in enumerate(plans[s][0]):
                        for word in words:
                            queries.append((flat + offset, self.vocabulary.id(word), s, (offset, word)))
            index = np.array([q[0] for q in queries] or [0], dtype=np.int64)
            word = np.array([q[1] for q in queries] or [PAD], dtype=np.int64)
            spun_logit, query_logit = self.session.run(
                list(OUTPUTS), dict(zip(INPUTS, (token_ids, case_ids, mask, index, word))))
            for (_flat, _word, s, key), value in zip(queries, query_logit):
                logits[s][key] = float(value)
            if detect:
                probabilities = 1.0 / (1.0 + np.exp(-spun_logit.astype(np.float64)))
                for row, i in enumerate(batch):
                    window = windows[i]
                    if window.detect:
                        spun[window.sentence][window.start : window.end] = probabilities[row, : window.end - window.start]
        return spun, [self._site_scores(plans[s], logits[s]) for s in range(len(sites))]

    @staticmethod
    def _plan(site: Site) -> tuple[list[list[str]], list[list[str]]]:
        """Per site position, the distinct words the readings put there; per reading, its
        word at each position."""
        k = site.end - site.begin
        per_reading = [[reading[a] for a in align(k, len(reading))] if k > 1 else [reading[0]]
                       for reading in site.readings]
        positions = [list(dict.fromkeys(aligned[offset] for aligned in per_reading)) for offset in range(k)]
        return positions, per_reading

    @staticmethod
    def _site_scores(plan, logits: dict) -> np.ndarray:
        """Sum over positions of each reading's log-softmax among the words there,
        renormalised over the readings, in log10 (plain floats: the lists are short)."""
        positions, per_reading = plan
        scores = [0.0] * len(per_reading)
        for offset, words in enumerate(positions):
            values = {word: logits[(offset, word)] for word in words}
            top = max(values.values())
            normaliser = top + math.log(sum(math.exp(v - top) for v in values.values()))
            for r, aligned in enumerate(per_reading):
                scores[r] += values[aligned[offset]] - normaliser
        top = max(scores)
        normaliser = top + math.log(sum(math.exp(v - top) for v in scores))
        return np.array([(v - normaliser) * LOG10_E for v in scores], dtype=np.float32)

    def _windows(self, sentences, sites, detect: bool) -> tuple[list[_Window], list[int]]:
        """Token windows of at most ``max_len`` to encode, and the window of each site.

        A sentence that fits is one window; a longer one is cut into consecutive windows
        for detection, and each site gets a window centred on it.
        """
        windows: list[_Window] = []
        seen: dict[_Window, int] = {}

        def add(window: _Window) -> int:
            if window not in seen:
                seen[window] = len(windows)
                windows.append(window)
            return seen[window]

        limit = self.max_len
        if detect:
            for s, sentence in enumerate(sentences):
                for start in range(0, len(sentence), limit):
                    add(_Window(s, start, min(len(sentence), start + limit), True))
        site_windows = []
        for site in sites:
            n = len(sentences[site.sentence])
            if n <= limit:
                site_windows.append(add(_Window(site.sentence, 0, n, detect)))
                continue
            if site.end - site.begin > limit:
                raise UnspinError("E030", f"site {site} is longer than the encoder's {limit} tokens")
            start = min(max(0, (site.begin + site.end) // 2 - limit // 2), n - limit, site.begin)
            site_windows.append(add(_Window(site.sentence, start, start + limit, False)))
        return windows, site_windows

    def _batches(self, order: list[int], windows: list[_Window]):
        batch: list[int] = []
        for i in order:
            width = windows[i].end - windows[i].start
            if batch and width * (len(batch) + 1) > self.max_batch_tokens:
                yield batch
                batch = []
            batch.append(i)
        if batch:
            yield batch


def session(path: Path, threads: int = 1):
    """An onnxruntime CPU session; int8 weights (DequantizeLinear of constants) are folded
    into float32 weights once, at load."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.add_session_config_entry("session.disable_quant_qdq", "1")
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


@functools.lru_cache(maxsize=4)
def load(folder: str | Path, threads: int = 1) -> NeuralScorer:
    """The encoder in ``folder`` (``encoder.onnx``, ``encoder.vocab``, ``encoder.json``), cached."""
    return NeuralScorer(Path(folder), threads)


scorers.register("neural", load=load, files=(MODEL_FILE, VOCAB_FILE, INFO_FILE), language_model=False,
                 description="transformer encoder over the whole sentence (onnxruntime): P(spun) per word and "
                 "log10 P(reading | sentence) for the readings the n-gram lattice proposes at a site; "
                 "evidence beside the n-gram model, not a language model")
