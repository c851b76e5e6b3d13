"""The transformer encoder (torch) and its safetensors checkpoints.

Pre-LayerNorm blocks over word + letter-case + learned position embeddings.  Two heads:

- ``spun``: one logit per token, P(a spinner wrote it);
- restoration: a dense + GELU + LayerNorm transform of the token's state, dotted with the
  *input* word embeddings (tied) plus a per-word bias, gives the logit of any word as the
  token's original.  Training scores a candidate set per position (the gold word, the
  observed word, the channel's readings of it and shared random negatives); the runtime
  scores only the readings the channel proposes (``forward``'s queries).

Attention is written out (matmul, softmax) so that the ONNX export and its int8
quantization see plain MatMul nodes; on a GPU, training uses torch's fused attention.
Checkpoints are safetensors (no pickle), split into shards of at most ``max_shard_bytes``
so that the device machine can hand them back (it returns files of 16 MiB at most).
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from unspin.errors import UnspinError
from unspin.scorers.neural import CASES
from unspin.training.config import ModelConfig

CHECKPOINT_FORMAT = "unspin.encoder-checkpoint/1"
MAX_SHARD_BYTES = 15 * 2**20
PART = "#"  # "words.weight#0": row block 0 of a tensor split across shards


class Block(nn.Module):
    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        d = config.d_model
        self.d_model, self.heads, self.head_dim = d, config.heads, d // config.heads
        self.scale = 1.0 / math.sqrt(self.head_dim)
        self.attention_norm = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.out = nn.Linear(d, d)
        self.ff_norm = nn.LayerNorm(d)
        self.ff_in = nn.Linear(d, config.ff)
        self.ff_out = nn.Linear(config.ff, d)
        self.dropout = nn.Dropout(config.dropout)
        self.fused = False  # torch's scaled_dot_product_attention (training on a GPU)

    def forward(self, x: torch.Tensor, bias: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
        batch, length = x.shape[0], x.shape[1]
        q, k, v = (self.qkv(self.attention_norm(x)).reshape(batch, length, 3, self.heads, self.head_dim)
                   .permute(2, 0, 3, 1, 4).unbind(0))
        if self.fused:
            p = self.dropout.p if self.training else 0.0
            attended = F.scaled_dot_product_attention(q, k, v, attn_mask=keep, dropout_p=p)
        else:
            scores = torch.matmul(q, k.transpose(-1, -2)) * self.scale + bias
            attended = torch.matmul(self.dropout(torch.softmax(scores, dim=-1)), v)
        x = x + self.dropout(self.out(attended.transpose(1, 2).reshape(batch, length, self.d_model)))
        return x + self.dropout(self.ff_out(F.gelu(self.ff_in(self.ff_norm(x)))))


class Encoder(nn.Module):
    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.config = config
        d = config.d_model
        if d % config.heads:
            raise UnspinError("E030", f"d_model {d} is not a multiple of heads {config.heads}")
        self.words = nn.Embedding(config.vocab_size, d)
        self.cases = nn.Embedding(CASES, d)
        self.positions = nn.Embedding(config.max_len, d)
        self.embedding_norm = nn.LayerNorm(d)
        self.dropout = nn.Dropout(config.dropout)
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.layers))
        self.norm = nn.LayerNorm(d)
        self.spun = nn.Linear(d, 1)
        self.transform = nn.Linear(d, d)
        self.transform_norm = nn.LayerNorm(d)
        self.word_bias = nn.Parameter(torch.zeros(config.vocab_size))
        self.apply(self._init)

    @staticmethod
    def _init(module: nn.Module) -> None:
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, std=0.02)
        if isinstance(module, nn.Linear) and module.bias is not None:
            nn.init.zeros_(module.bias)

    def use_fused_attention(self, fused: bool) -> None:
        for block in self.blocks:
            block.fused = fused

    def encode(self, token_ids: torch.Tensor, case_ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Hidden states [batch, length, d] of padded token rows (``mask`` 1 on tokens)."""
        length = token_ids.shape[1]
        positions = torch.arange(length, device=token_ids.device)
        x = self.words(token_ids) + self.cases(case_ids) + self.positions(positions)[None]
        x = self.dropout(self.embedding_norm(x))
        keep = (mask > 0)[:, None, None, :]
        bias = (1.0 - keep.to(x.dtype)) * -1e4
        for block in self.blocks:
            x = block(x, bias, keep)
        return self.norm(x)

    def restoration_state(self, hidden: torch.Tensor) -> torch.Tensor:
        return self.transform_norm(F.gelu(self.transform(hidden)))

    def word_logits(self, state: torch.Tensor, words: torch.Tensor) -> torch.Tensor:
        """Logit of ``words[..., c]`` as the original at each row of ``state`` [n, d]."""
        embedded = self.words(words)  # [n, c, d]
        return torch.einsum("nd,ncd->nc", state, embedded) + self.word_bias[words]

    def forward(self, token_ids, case_ids, mask, query_index, query_word):
        """The exported graph: spun logits [batch, length] and the logit of each query
        (``query_word[n]`` as the original of flat token ``query_index[n]``) [n]."""
        hidden = self.encode(token_ids, case_ids, mask)
        spun = self.spun(hidden).squeeze(-1)
        flat = hidden.reshape(-1, hidden.shape[-1])
        state = self.restoration_state(flat[query_index])
        query = (state * self.words(query_word)).sum(-1) + self.word_bias[query_word]
        return spun, query

    def training_logits(self, batch: dict) -> tuple[torch.Tensor, torch.Tensor]:
        """(spun logits [batch, length], candidate logits [positions, candidates + negatives])
        with impossible candidates (padding, repeats of the gold word) at -inf."""
        hidden = self.encode(batch["token_ids"], batch["case_ids"], batch["mask"])
        spun = self.spun(hidden).squeeze(-1)
        state = self.restoration_state(hidden.reshape(-1, hidden.shape[-1])[batch["positions"]])
        candidates = batch["candidates"]  # [p, c]; column 0 is the gold word, -1 pads
        logits = self.word_logits(state, candidates.clamp(min=0))
        gold = candidates[:, :1]
        invalid = (candidates < 0) | ((candidates == gold) & (torch.arange(candidates.shape[1], device=gold.device) > 0))
        logits = logits.masked_fill(invalid, float("-inf"))
        negatives = batch["negatives"]  # [s] shared by every position
        shared = state @ self.words(negatives).T + self.word_bias[negatives]
        shared = shared.masked_fill(negatives[None, :] == gold, float("-inf"))
        return spun, torch.cat([logits, shared], dim=1)


# ---------------------------------------------------------------- checkpoints

def save_checkpoint(folder: Path, model: Encoder, meta: dict, dtype: str = "float32",
                    max_shard_bytes: int = MAX_SHARD_BYTES) -> list[Path]:
    """Write ``encoder.safetensors`` (or ``encoder-0000i-of-0000n.safetensors`` shards when
    larger than ``max_shard_bytes``) atomically; ``meta`` goes into the first shard."""
    from safetensors.torch import save_file

    folder.mkdir(parents=True, exist_ok=True)
    torch_dtype = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}[dtype]
    pieces: list[tuple[str, torch.Tensor]] = []
    for name, tensor in model.state_dict().items():
        tensor = tensor.detach().to("cpu", torch_dtype).contiguous()
        size = tensor.numel() * tensor.element_size()
        if size <= max_shard_bytes:
            pieces.append((name, tensor))
            continue
        rows = max(1, max_shard_bytes // max(1, tensor[0].numel() * tensor.element_size()))
        for i, block in enumerate(torch.split(tensor, rows)):
            pieces.append((f"{name}{PART}{i}", block.contiguous()))
    shards: list[dict[str, torch.Tensor]] = []
    used: list[int] = []
    for name, tensor in sorted(pieces, key=lambda piece: -piece[1].numel() * piece[1].element_size()):
        size = tensor.numel() * tensor.element_size()
        fits = next((i for i, total in enumerate(used) if total + size <= max_shard_bytes), None)
        if fits is None:
            shards.append({})
            used.append(0)
            fits = len(shards) - 1
        shards[fits][name] = tensor
        used[fits] += size
    names = (["encoder.safetensors"] if len(shards) == 1 else
             [f"encoder-{i + 1:05d}-of-{len(shards):05d}.safetensors" for i in range(len(shards))])
    for stale in folder.glob("encoder*.safetensors"):
        if stale.name not in names:
            stale.unlink()
    header = {"format": CHECKPOINT_FORMAT, "model": json.dumps(asdict(model.config)),
              "meta": json.dumps(meta, sort_keys=True), "shards": str(len(shards)), "dtype": dtype}
    paths = []
    for i, (name, tensors) in enumerate(zip(names, shards)):
        partial = folder / (name + ".part")
        save_file(tensors, str(partial), metadata=header if i == 0 else {"format": CHECKPOINT_FORMAT})
        os.replace(partial, folder / name)
        paths.append(folder / name)
    return paths


def checkpoint_files(folder: Path) -> list[Path]:
    single = folder / "encoder.safetensors"
    files = [single] if single.exists() else sorted(folder.glob("encoder-*-of-*.safetensors"))
    if not files:
        raise UnspinError("E001", f"no encoder checkpoint (encoder*.safetensors) in {folder}")
    return files


def load_checkpoint(folder: Path) -> tuple[Encoder, dict]:
    """The model (float32, eval mode) and the metadata saved with it."""
    from safetensors import safe_open

    files = checkpoint_files(Path(folder))
    tensors: dict[str, torch.Tensor] = {}
    header: dict = {}
    for i, path in enumerate(files):
        with safe_open(str(path), framework="pt") as handle:
            if i == 0:
                header = handle.metadata() or {}
            for name in handle.keys():
                tensors[name] = handle.get_tensor(name).float()
    if header.get("format") != CHECKPOINT_FORMAT or int(header.get("shards", 0)) != len(files):
        raise UnspinError("E020", f"{folder} does not hold a whole {CHECKPOINT_FORMAT} checkpoint")
    state: dict[str, torch.Tensor] = {}
    parts: dict[str, list[tuple[int, torch.Tensor]]] = {}
    for name, tensor in tensors.items():
        base, sep, index = name.partition(PART)
        if sep:
            parts.setdefault(base, []).append((int(index), tensor))
        else:
            state[name] = tensor
    for base, blocks in parts.items():
        state[base] = torch.cat([t for _i, t in sorted(blocks, key=lambda item: item[0])])
    model = Encoder(ModelConfig(**json.loads(header["model"])))
    model.load_state_dict(state)
    model.eval()
    return model, json.loads(header["meta"])

