"""The encoder's training configuration: the schema of configs/encoder/*.json.

One frozen dataclass per section (``model``, ``data``, ``optim``, ``run``) inside
``TrainConfig``; unknown keys are refused.  No torch here: the configs can be read and
checked (sizes, mixture) without the ``encoder`` extra.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path

from unspin.errors import UnspinError
from unspin.scorers.neural import CASES

CLEAN = "clean"  # a mixture entry: the paragraph as it stands
OWN = "own"  # a mixture entry: every family built on the restorer's own channel table
ALL = "all"  # a mixture entry: every registered spinner family (unspin.registry.families)


@dataclass(frozen=True)
class ModelConfig:
    """The encoder's shape (``vocab_size`` comes from the data pack)."""

    vocab_size: int
    d_model: int = 256
    layers: int = 4
    heads: int = 4
    ff: int = 1024
    max_len: int = 128
    dropout: float = 0.1

    def parameters(self) -> int:
        """How many weights ``Encoder(self)`` has (checked against torch in the tests)."""
        d = self.d_model
        block = 4 * d * d + 4 * d + 2 * d * self.ff + self.ff + d + 4 * d
        embeddings = (self.vocab_size + CASES + self.max_len) * d + 2 * d
        heads = d * d + d + 2 * d + d + 1 + self.vocab_size + 2 * d
        return self.layers * block + embeddings + heads


@dataclass(frozen=True)
class DataSettings:
    """How examples are drawn (the ``data`` part of a training config)."""

    mixture: tuple = ((OWN, 1.0), (CLEAN, 0.25))  # (family, "own", "all" or "clean", weight)
    source_weights: tuple = ()  # (corpus file, weight of each of its paragraphs); others weigh 1
    exclude_families: tuple = ()  # left out of "own" and "all" (leave-one-family-out runs)
    rate: tuple = (0.05, 0.4)  # spin rate drawn uniformly from this range
    single_sentence_share: float = 0.5  # examples of one sentence; the rest are sentence runs
    batch_tokens: int = 2048  # padded tokens per batch
    readings: int = 40  # channel readings per position in the candidate set
    negatives: int = 256  # random negatives shared by the positions of a batch
    identity_share: float = 0.25  # unspun positions trained for restoration (spun: all)
    pool_batches: int = 8  # examples drawn for this many batches, then sorted by length
    validation_paragraphs: int = 200
    validation_rate: float = 0.25
    validate_unseen: bool = True  # also validate on every registered family the mixture leaves out


@dataclass(frozen=True)
class OptimSettings:
    lr: float = 1e-3
    warmup_steps: int = 200
    weight_decay: float = 0.01
    min_lr_share: float = 0.1
    clip: float = 1.0
    detect_weight: float = 1.0
    restore_weight: float = 1.0


@dataclass(frozen=True)
class RunSettings:
    max_steps: int = 1000
    time_limit_minutes: float | None = None  # stop (and end the schedule) after this long
    log_every: int = 50
    eval_every: int = 500
    checkpoint_minutes: float = 10.0
    device: str = "cpu"  # "cpu", "cuda" or "auto"
    threads: int = 1  # torch threads in the training process
    workers: int = 0  # data-loader processes (0: build batches in the training process)
    precision: str = "fp32"  # "fp32" or "bf16" (autocast on a GPU)
    checkpoint_dtype: str = "float32"  # "float16" halves the checkpoint (device hand-back)


@dataclass(frozen=True)
class TrainConfig:
    name: str
    seed: int = 0
    model: dict = field(default_factory=dict)  # ModelConfig fields but vocab_size (from the pack)
    data: DataSettings = DataSettings()
    optim: OptimSettings = OptimSettings()
    run: RunSettings = RunSettings()

    @classmethod
    def from_dict(cls, raw: dict) -> "TrainConfig":
        def build(kind, values: dict):
            names = {f.name for f in dataclasses.fields(kind)}
            unknown = set(values) - names
            if unknown:
                raise UnspinError("E030", f"unknown {kind.__name__} settings: {', '.join(sorted(unknown))}")
            return kind(**{k: tuple(map(_tuple, v)) if isinstance(v, list) else v for k, v in values.items()})

        raw = dict(raw)
        unknown = set(raw) - {f.name for f in dataclasses.fields(cls)}
        unknown |= {f"model.{k}" for k in set(raw.get("model", {})) - {f.name for f in dataclasses.fields(ModelConfig)}}
        if unknown or "vocab_size" in raw.get("model", {}):
            raise UnspinError("E030", f"unknown config settings: {', '.join(sorted(unknown)) or 'model.vocab_size'}")
        return cls(name=raw["name"], seed=int(raw.get("seed", 0)), model=dict(raw.get("model", {})),
                   data=build(DataSettings, raw.get("data", {})), optim=build(OptimSettings, raw.get("optim", {})),
                   run=build(RunSettings, raw.get("run", {})))

    @classmethod
    def load(cls, path: Path) -> "TrainConfig":
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def model_config(self, vocab_size: int) -> ModelConfig:
        return ModelConfig(vocab_size=vocab_size, **self.model)


def _tuple(value):
    return tuple(value) if isinstance(value, list) else value
