"""Training the encoder: a JSON config -> checkpoints, logs and metrics in an output folder.

One step: a batch of spun examples (``examples.batches``, built in data-loader processes
when ``workers`` > 0), the detection loss (binary cross-entropy on every token) plus the
restoration loss (cross-entropy over each trained position's candidate set: gold, the
observed word, its channel readings and shared random negatives), AdamW, gradient
clipping.  The learning rate warms up linearly, then decays on a cosine to
``min_lr_share`` of its peak over the run's progress, which is the larger of
step / ``max_steps`` and elapsed / ``time_limit_minutes``: a run cut by its time limit
still ends its schedule.  With ``time_limit_minutes`` null the run is step-bound and
repeats exactly on the same machine (same seeds, same worker count).

The output folder gets ``config.json`` (the resolved config, the pack record, the
environment), ``train.log``, ``metrics.jsonl`` and the latest checkpoint
(``encoder*.safetensors``, rewritten every ``checkpoint_minutes`` and at the end): at most
seven files, as the device machine hands back at most eight.
"""

from __future__ import annotations

import dataclasses
import json
import math
import platform
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from unspin.training import require_torch
from unspin.training.config import CLEAN, DataSettings, OptimSettings, RunSettings, TrainConfig
from unspin.training.examples import Pack, batches, collate, expand_mixture, unseen_families, validation_examples


class _Log:
    """train.log (human) and metrics.jsonl (one JSON object per event), line-buffered."""

    def __init__(self, folder: Path, echo: bool = True) -> None:
        self.text = open(folder / "train.log", "a", encoding="utf-8", buffering=1)
        self.metrics = open(folder / "metrics.jsonl", "a", encoding="utf-8", buffering=1)
        self.echo = echo

    def line(self, message: str) -> None:
        stamped = f"{time.strftime('%H:%M:%S')} {message}"
        self.text.write(stamped + "\n")
        if self.echo:
            print(stamped, flush=True)

    def event(self, **record) -> None:
        self.metrics.write(json.dumps(record, sort_keys=True) + "\n")

    def close(self) -> None:
        self.text.close()
        self.metrics.close()


def _stream(pack: Pack, config: TrainConfig, max_len: int, device, torch):
    """Batches as dicts of tensors, from ``workers`` processes (or this one)."""
    workers = config.run.workers

    class Stream(torch.utils.data.IterableDataset):
        def __iter__(self):
            info = torch.utils.data.get_worker_info()
            worker = info.id if info is not None else 0
            for batch in batches(pack, config.data, max_len, config.seed, worker):
                yield {k: torch.from_numpy(v) for k, v in batch.items()}

    if workers <= 0:
        return iter(Stream())
    loader = torch.utils.data.DataLoader(Stream(), batch_size=None, num_workers=workers, prefetch_factor=4,
                                         persistent_workers=True, pin_memory=device.type == "cuda")
    return iter(loader)


def _auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """ROC AUC by ranks (ties averaged); nan when one class is missing."""
    positives = int(labels.sum())
    negatives = len(labels) - positives
    if positives == 0 or negatives == 0:
        return float("nan")
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    i = 0
    while i < len(scores):
        j = i
        while j + 1 < len(scores) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return float((ranks[labels > 0].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def evaluate(model, validation: dict, pack: Pack, settings: DataSettings, device, torch) -> dict:
    """Per family: detection AUC and accuracy, restoration accuracy at spun tokens whose
    original is among the channel's readings, keep accuracy at unspun tokens that have
    readings (argmax over observed word + readings only, as at run time), and losses;
    ``unseen`` marks the families the mixture leaves out (leave-out evaluation)."""
    model.eval()
    results = {}
    unseen = set(unseen_families(settings))
    rng = np.random.default_rng(0)
    with torch.no_grad():
        for profile, examples in validation.items():
            scores, labels, restore_hits, keep_hits, losses = [], [], [], [], []
            for start in range(0, len(examples), 64):
                arrays = collate(examples[start : start + 64], pack, settings, rng, identity_share=1.0)
                batch = {k: torch.from_numpy(v).to(device) for k, v in arrays.items()}
                spun_logit, logits = model.training_logits(batch)
                mask = batch["mask"] > 0
                scores.append(torch.sigmoid(spun_logit[mask]).float().cpu().numpy())
                labels.append(arrays["spun"][arrays["mask"] > 0])
                losses.append(float(torch.nn.functional.cross_entropy(
                    logits.float(), torch.zeros(len(logits), dtype=torch.long, device=device)).cpu()))
                candidates = arrays["candidates"]
                width = candidates.shape[1]
                channel = logits[:, :width].float().cpu().numpy()
                gold, observed = candidates[:, 0], candidates[:, 1]
                readings = candidates[:, 2:]
                # runtime choice: among observed + readings (gold's own column stands for it)
                options = np.concatenate([observed[:, None], readings], axis=1)
                option_logits = np.full(options.shape, -np.inf)
                for c in range(options.shape[1]):
                    same = options[:, c] == gold
                    option_logits[:, c] = np.where(same, channel[:, 0], channel[:, c + 1])
                option_logits[options < 0] = -np.inf
                choice = options[np.arange(len(options)), option_logits.argmax(1)]
                reachable = (options == gold[:, None]).any(1)
                spun_at = arrays["spun"].reshape(-1)[arrays["positions"]] > 0
                has_readings = (readings >= 0).any(1)
                restore_hits.append((choice == gold)[spun_at & reachable])
                keep_hits.append((choice == gold)[~spun_at & has_readings])
            score, label = np.concatenate(scores), np.concatenate(labels)
            restore, keep = np.concatenate(restore_hits), np.concatenate(keep_hits)
            results[profile] = {
                "unseen": profile in unseen,
                "detect_auc": _finite(round(_auc(score, label), 4)),
                "detect_accuracy": round(float(((score > 0.5) == (label > 0)).mean()), 4),
                "spun_tokens": int(label.sum()), "tokens": int(len(label)),
                "restore_accuracy": round(float(restore.mean()), 4) if len(restore) else None,
                "restore_sites": int(len(restore)),
                "keep_accuracy": round(float(keep.mean()), 4) if len(keep) else None,
                "restore_loss": round(float(np.mean(losses)), 4),
            }
    model.train()
    return results


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _progress(step: int, started: float, run: RunSettings) -> float:
    share = step / max(1, run.max_steps)
    if run.time_limit_minutes:
        share = max(share, (time.monotonic() - started) / (60 * run.time_limit_minutes))
    return min(1.0, share)


def _learning_rate(step: int, progress: float, optim: OptimSettings) -> float:
    if step < optim.warmup_steps:
        return optim.lr * (step + 1) / optim.warmup_steps
    cosine = 0.5 * (1 + math.cos(math.pi * progress))
    return optim.lr * (optim.min_lr_share + (1 - optim.min_lr_share) * cosine)


def _environment(torch, device) -> dict:
    env = {"python": sys.version.split()[0], "torch": torch.__version__, "numpy": np.__version__,
           "platform": platform.platform(), "device": str(device)}
    if device.type == "cuda":
        env["gpu"] = torch.cuda.get_device_name(device)
    try:
        import subprocess

        root = Path(__file__).resolve().parents[3]
        env["commit"] = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                                       text=True, timeout=5).stdout.strip() or None
    except (OSError, ValueError):
        env["commit"] = None
    return env


def train(config: TrainConfig, pack_folder: Path, out: Path, echo: bool = True) -> dict:
    """Train per ``config`` on the pack; returns the last evaluation and run summary."""
    torch = require_torch()
    from unspin.training.model import Encoder

    started = time.monotonic()
    out.mkdir(parents=True, exist_ok=True)
    log = _Log(out, echo)
    torch.manual_seed(config.seed)
    np.random.seed(config.seed)
    torch.set_num_threads(max(1, config.run.threads))
    wanted = config.run.device
    device = torch.device("cuda" if wanted == "auto" and torch.cuda.is_available() else
                          "cpu" if wanted == "auto" else wanted)
    pack = Pack.load(pack_folder)
    model_config = config.model_config(len(pack.vocabulary))
    mixture = expand_mixture(config.data)
    seen = [name for name, _weight in mixture if name != CLEAN]
    unseen = list(unseen_families(config.data))
    model = Encoder(model_config).to(device)
    model.use_fused_attention(device.type == "cuda")
    record = {"config": config.to_dict(), "model": dataclasses.asdict(model_config), "mixture": mixture,
              "families": seen, "unseen_families": unseen,
              "parameters": sum(p.numel() for p in model.parameters()), "pack": pack.info,
              "environment": _environment(torch, device)}
    (out / "config.json").write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    log.line(f"{config.name}: {record['parameters']:,} parameters on {device}; mixture {mixture}; "
             f"left out (validated as unseen): {', '.join(unseen) or 'none'}; {len(pack.train):,} training paragraphs")
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and "norm" not in n]
    other = [p for n, p in model.named_parameters() if not (p.dim() >= 2 and "norm" not in n)]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": config.optim.weight_decay},
                                   {"params": other, "weight_decay": 0.0}], lr=config.optim.lr,
                                  betas=(0.9, 0.98), eps=1e-6, **({"fused": True} if device.type == "cuda" else {}))
    validation = validation_examples(pack, config.data, model_config.max_len)
    stream = _stream(pack, config, model_config.max_len, device, torch)
    autocast = (torch.autocast("cuda", dtype=torch.bfloat16) if config.run.precision == "bf16" and device.type == "cuda"
                else torch.autocast("cpu", enabled=False))
    meta = {"name": config.name, "mixture": mixture, "families": seen, "unseen_families": unseen,
            "pack": {k: pack.info.get(k) for k in
            ("format", "sources", "vocab_sha256", "spinner_files", "train_paragraphs", "words")},
            "config": config.to_dict()}
    run = _Run(config, model, optimizer, pack, validation, stream, autocast, device, meta, log, out, started, torch)
    handlers = {}  # SIGTERM / SIGINT end the run cleanly: evaluation and checkpoint
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            handlers[signum] = signal.signal(signum, lambda number, _frame: run.stop.append(number))
    try:
        return _loop(run)
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
        log.close()


@dataclass
class _Run:
    """What the training loop works with."""

    config: TrainConfig
    model: object
    optimizer: object
    pack: Pack
    validation: dict
    stream: object
    autocast: object
    device: object
    meta: dict
    log: _Log
    out: Path
    started: float
    torch: object
    stop: list = field(default_factory=list)


def _loop(run: _Run) -> dict:
    from unspin.training.model import save_checkpoint

    config, model, torch, device, log = run.config, run.model, run.torch, run.device, run.log
    step = tokens = 0
    sums, n = torch.zeros(3, device=device), 0  # loss, detection loss, restoration loss
    last_checkpoint = time.monotonic()
    window_start, window_tokens = time.monotonic(), 0
    results: dict = {}
    train_started = time.monotonic()
    while True:
        progress = _progress(step, train_started, config.run)
        if step >= config.run.max_steps or progress >= 1.0:
            break
        if run.stop:
            log.line(f"step {step}: stopped by signal {run.stop[0]}")
            break
        host = next(run.stream)
        n_tokens = int(host["mask"].sum())
        batch = {k: v.to(device, non_blocking=True) for k, v in host.items()}
        lr = _learning_rate(step, progress, config.optim)
        for group in run.optimizer.param_groups:
            group["lr"] = lr
        with run.autocast:
            spun_logit, logits = model.training_logits(batch)
        mask = batch["mask"].float()
        detect_loss = (torch.nn.functional.binary_cross_entropy_with_logits(
            spun_logit.float(), batch["spun"], reduction="none") * mask).sum() / mask.sum()
        restore_loss = (torch.nn.functional.cross_entropy(
            logits.float(), torch.zeros(len(logits), dtype=torch.long, device=device))
            if len(logits) else detect_loss * 0)
        loss = config.optim.detect_weight * detect_loss + config.optim.restore_weight * restore_loss
        run.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), config.optim.clip)
        run.optimizer.step()
        step += 1
        tokens += n_tokens
        window_tokens += n_tokens
        sums += torch.stack([loss.detach(), detect_loss.detach(), restore_loss.detach()])
        n += 1
        if step % config.run.log_every == 0:
            now = time.monotonic()
            rate = window_tokens / max(1e-9, now - window_start)
            mean_loss, mean_detect, mean_restore = (sums / n).tolist()
            log.line(f"step {step} loss {mean_loss:.4f} (detect {mean_detect:.4f}, restore {mean_restore:.4f}) "
                     f"lr {lr:.2e} {rate:,.0f} tokens/s {step / (now - train_started):.2f} steps/s")
            log.event(kind="train", step=step, loss=mean_loss, detect_loss=mean_detect, restore_loss=mean_restore,
                      lr=lr, tokens=tokens, tokens_per_s=rate, steps_per_s=step / (now - train_started),
                      elapsed_s=now - run.started)
            sums, n = torch.zeros(3, device=device), 0
            window_start, window_tokens = now, 0
        if step % config.run.eval_every == 0:
            results = evaluate(model, run.validation, run.pack, config.data, device, torch)
            log.line(f"step {step} validation {json.dumps(results)}")
            log.event(kind="validation", step=step, elapsed_s=time.monotonic() - run.started, **results)
        if time.monotonic() - last_checkpoint > 60 * config.run.checkpoint_minutes:
            save_checkpoint(run.out, model, {**run.meta, "step": step, "tokens": tokens}, config.run.checkpoint_dtype)
            last_checkpoint = time.monotonic()
            log.line(f"step {step} checkpoint written")
    if step % config.run.eval_every or not results:
        results = evaluate(model, run.validation, run.pack, config.data, device, torch)
        log.line(f"step {step} validation {json.dumps(results)}")
        log.event(kind="validation", step=step, elapsed_s=time.monotonic() - run.started, **results)
    save_checkpoint(run.out, model, {**run.meta, "step": step, "tokens": tokens, "validation": results},
                    config.run.checkpoint_dtype)
    elapsed = time.monotonic() - train_started
    summary = {"steps": step, "tokens": tokens, "train_seconds": round(elapsed, 1),
               "steps_per_s": round(step / max(elapsed, 1e-9), 3), "tokens_per_s": round(tokens / max(elapsed, 1e-9)),
               "validation": results}
    log.line(f"done: {json.dumps(summary)}")
    log.event(kind="summary", **summary)
    return summary
