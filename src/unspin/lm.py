"""Language-model scoring behind a small interface.

``KenLMModel`` wraps a KenLM binary (the shipped default); ``ArpaModel`` is a pure-Python
back-off model read from an ARPA file, for tests and tiny fixtures.  Both score one word
at a time from an opaque, hashable state, so the decoder does not care which it has.
"""

from __future__ import annotations

from pathlib import Path
from typing import Hashable, Protocol

from unspin.data import model_file
from unspin.errors import UnspinError
from unspin.registry import scorers


class LanguageModel(Protocol):
    order: int

    def begin_state(self) -> Hashable:
        """State after the sentence-begin marker."""

    def score(self, state: Hashable, word: str) -> tuple[float, Hashable]:
        """log10 P(word | state) and the state after ``word``."""

    def null_state(self) -> Hashable:
        """State with no context (the middle of a sentence whose start is not known)."""

    def end_score(self, state: Hashable) -> float:
        """log10 P(</s> | state)."""

    def known(self, word: str) -> bool:
        """Whether ``word`` is in the vocabulary."""

    def unigram(self, word: str) -> float:
        """log10 P(word) with no context."""

    def bigram_known(self, first: str, second: str) -> bool:
        """Whether the model holds the bigram ``first second`` (it was seen in training)."""


def sentence_log10(model: LanguageModel, words: list[str], eos: bool = True) -> float:
    """Total log10 probability of a sentence, scored one word at a time."""
    state = model.begin_state()
    total = 0.0
    for word in words:
        log10_prob, state = model.score(state, word)
        total += log10_prob
    return total + (model.end_score(state) if eos else 0.0)


class KenLMModel:
    """A KenLM model (ARPA or binary), memory-mapped where the format allows."""

    def __init__(self, path: str | Path) -> None:
        import kenlm

        if not Path(path).exists():
            raise UnspinError("E001", f"language model {path} is missing")
        config = kenlm.Config()
        config.load_method = kenlm.LoadMethod.LAZY
        self._kenlm = kenlm
        self._model = kenlm.Model(str(path), config)
        self.order = self._model.order
        self.path = Path(path)
        self._State = kenlm.State

    def __reduce__(self):
        """A KenLM model travels to another process as its path (it is memory-mapped there)."""
        return KenLMModel, (str(self.path),)

    def begin_state(self):
        state = self._kenlm.State()
        self._model.BeginSentenceWrite(state)
        return state

    def null_state(self):
        state = self._kenlm.State()
        self._model.NullContextWrite(state)
        return state

    def score(self, state, word: str):
        # No cache: a dict lookup keyed by (state, word) costs more than KenLM's own query.
        out = self._State()
        return self._model.BaseScore(state, word, out), out

    def end_score(self, state) -> float:
        out = self._kenlm.State()
        return self._model.BaseScore(state, "</s>", out)

    def known(self, word: str) -> bool:
        return word in self._model

    def unigram(self, word: str) -> float:
        return self._model.score(word, bos=False, eos=False)

    def bigram_known(self, first: str, second: str) -> bool:
        scores = self._model.full_scores(f"{first} {second}", bos=False, eos=False)
        next(scores)
        return next(scores)[1] >= 2  # the n-gram length KenLM matched for the second word


class ArpaModel:
    """Pure-Python back-off n-gram model read from an ARPA file (for tests)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._prob: dict[tuple[str, ...], float] = {}
        self._backoff: dict[tuple[str, ...], float] = {}
        order = 0
        section = 0
        with open(path, encoding="utf-8") as handle:
            for raw in handle:
                line = raw.strip()
                if not line or line.startswith("ngram ") or line == "\\data\\":
                    continue
                if line.startswith("\\") and line.endswith("-grams:"):
                    section = int(line[1:].split("-")[0])
                    order = max(order, section)
                    continue
                if line == "\\end\\":
                    break
                parts = line.split("\t")
                if len(parts) < 2:
                    parts = line.split()
                    words = tuple(parts[1 : 1 + section])
                    rest = parts[1 + section :]
                else:
                    words = tuple(parts[1].split())
                    rest = parts[2:]
                self._prob[words] = float(parts[0])
                if rest:
                    self._backoff[words] = float(rest[0])
        if not order:
            raise UnspinError("E020", f"{path} is not an ARPA file")
        self.order = order

    def begin_state(self) -> tuple[str, ...]:
        return ("<s>",)

    def _log10(self, context: tuple[str, ...], word: str) -> float:
        backoff = 0.0
        for start in range(len(context) + 1):
            ngram = context[start:] + (word,)
            if ngram in self._prob:
                return backoff + self._prob[ngram]
            backoff += self._backoff.get(context[start:], 0.0)
        return backoff + self._prob.get(("<unk>",), -100.0)

    def null_state(self) -> tuple[str, ...]:
        return ()

    def score(self, state: tuple[str, ...], word: str) -> tuple[float, tuple[str, ...]]:
        log10_prob = self._log10(state, word)
        known = word if (word,) in self._prob else "<unk>"
        new_state = (state + (known,))[-(self.order - 1) :] if self.order > 1 else ()
        return log10_prob, new_state

    def end_score(self, state: tuple[str, ...]) -> float:
        return self._log10(state, "</s>")

    def known(self, word: str) -> bool:
        return (word,) in self._prob

    def unigram(self, word: str) -> float:
        return self._log10((), word)

    def bigram_known(self, first: str, second: str) -> bool:
        return (first, second) in self._prob


def load(path: str | Path) -> LanguageModel:
    """KenLM when it is installed and the file is binary, else the pure-Python reader."""
    path = Path(path)
    try:
        return KenLMModel(path)
    except ImportError:
        if path.suffix == ".arpa":
            return ArpaModel(path)
        raise


def load_ngram(folder: Path) -> LanguageModel:
    """The model folder's n-gram model: lm.binary (KenLM) if there is one, else lm.arpa."""
    return load(model_file(folder, "lm.binary" if (folder / "lm.binary").exists() else "lm.arpa"))


scorers.register("ngram", load=load_ngram, files=("lm.binary", "lm.arpa"), language_model=True,
                 description="n-gram language model: KenLM binary, or an ARPA file read in pure Python")
