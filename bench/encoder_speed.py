#!/usr/bin/env python3
"""Speed of the neural scorer: training steps/s of a config, and the runtime's sentences/s.

    python bench/encoder_speed.py --config configs/encoder/cpu.json --train-steps 20 [--threads 1]
    python bench/encoder_speed.py --config configs/encoder/cpu.json --runtime [--model build/encoder-model]

Training: ``--train-steps`` optimizer steps on batches drawn from the pack beforehand (the
model alone), then the same with batches built on the fly in this process (model + spinner,
as ``workers: 0`` trains).  Runtime: the config's model with random weights (or --model),
exported to int8 ONNX, reads the pack's validation paragraphs sentence by sentence
(``NeuralScorer.run``: detection for every token and one reading set per spinnable word).
Runtime numbers are the best of three passes (this machine is shared).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


from unspin.training.examples import Pack, batches  # noqa: E402
from unspin.training.train import TrainConfig  # noqa: E402


def train_speed(config: TrainConfig, pack: Pack, steps: int, threads: int) -> dict:
    import torch

    from unspin.training.model import Encoder

    torch.manual_seed(0)
    torch.set_num_threads(threads)
    model = Encoder(config.model_config(len(pack.vocabulary)))
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)
    stream = batches(pack, config.data, model.config.max_len, 0)
    drawn = [next(stream) for _ in range(steps + 2)]

    def step(arrays):
        batch = {k: torch.from_numpy(v) for k, v in arrays.items()}
        spun, logits = model.training_logits(batch)
        mask = batch["mask"] > 0
        loss = torch.nn.functional.binary_cross_entropy_with_logits(spun[mask], batch["spun"][mask]) + \
            torch.nn.functional.cross_entropy(logits, torch.zeros(len(logits), dtype=torch.long))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return int(mask.sum())

    for arrays in drawn[:2]:
        step(arrays)
    start, tokens = time.perf_counter(), 0
    for arrays in drawn[2:]:
        tokens += step(arrays)
    model_only = time.perf_counter() - start
    start, tokens_fly = time.perf_counter(), 0
    for _ in range(steps):
        tokens_fly += step(next(stream))
    on_the_fly = time.perf_counter() - start
    return {"parameters": sum(p.numel() for p in model.parameters()), "threads": threads,
            "model_steps_per_s": round(steps / model_only, 3), "model_tokens_per_s": round(tokens / model_only),
            "steps_per_s_with_spinning": round(steps / on_the_fly, 3),
            "tokens_per_s_with_spinning": round(tokens_fly / on_the_fly), "tokens_per_step": round(tokens / steps)}


def runtime_speed(config: TrainConfig, pack: Pack, model_folder: Path | None, threads: int, paragraphs: int,
                  quantization: str = "int8") -> dict:
    from unspin.scorers.neural import NeuralScorer, Site
    from unspin.tokenize import is_word, sentences, tokenize

    with tempfile.TemporaryDirectory() as scratch:
        if model_folder is None:
            import torch

            from unspin.training.export import export
            from unspin.training.model import Encoder, save_checkpoint

            torch.manual_seed(0)
            model = Encoder(config.model_config(len(pack.vocabulary)))
            meta = {"name": f"{config.name} (random weights)", "mixture": [], "config": config.to_dict(),
                    "pack": {"vocab_sha256": pack.info["vocab_sha256"], "sources": []}}
            save_checkpoint(Path(scratch) / "checkpoint", model, meta)
            model_folder = Path(scratch) / "model"
            export(Path(scratch) / "checkpoint", pack.folder, model_folder, quantization)
        size = (model_folder / "encoder.onnx").stat().st_size
        start = time.perf_counter()
        scorer = NeuralScorer(model_folder, threads)
        load_s = time.perf_counter() - start
        texts = pack.validation[:paragraphs]
        documents = []
        for text in texts:
            document = tokenize(text)
            sents = [[t.text for t in document.tokens[b:e]] for b, e in sentences(document)]
            sites = [Site(s, i, i + 1, ((w.lower(),), ("the",), ("of",), ("and",)))
                     for s, sentence in enumerate(sents) for i, w in enumerate(sentence) if is_word(w)]
            documents.append((sents, sites))
        words = sum(1 for sents, _ in documents for sentence in sents for w in sentence if is_word(w))
        n_sentences = sum(len(sents) for sents, _ in documents)
        scorer.run(*documents[0])  # warm
        results = {}
        for name, call in (("detect", lambda s, _sites: scorer.detect(s)),
                           ("detect_and_every_word_scored", lambda s, sites: scorer.run(s, sites))):
            elapsed = float("inf")
            for _repeat in range(3):  # the best of three: this machine is shared
                start = time.perf_counter()
                for sents, sites in documents:
                    call(sents, sites)
                elapsed = min(elapsed, time.perf_counter() - start)
            results[name] = {"sentences_per_s": round(n_sentences / elapsed, 1), "words_per_s": round(words / elapsed)}
        return {"onnx_mb": round(size / 1e6, 2), "quantization": quantization, "threads": threads, "load_s": round(load_s, 3),
                "paragraphs": len(texts), "sentences": n_sentences, "words": words, **results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--data", type=Path, default=ROOT / "build" / "encoder-data")
    parser.add_argument("--train-steps", type=int, default=0)
    parser.add_argument("--runtime", action="store_true")
    parser.add_argument("--model", type=Path, help="an exported model folder (default: random weights)")
    parser.add_argument("--threads", type=int, default=1, help="torch / onnxruntime threads")
    parser.add_argument("--quantization", default="int8", help="for random weights: int8, int8-dynamic, fp16, fp32")
    parser.add_argument("--paragraphs", type=int, default=200)
    args = parser.parse_args()
    config = TrainConfig.load(args.config)
    pack = Pack.load(args.data)
    report = {"config": config.name}
    if args.train_steps:
        report["train"] = train_speed(config, pack, args.train_steps, args.threads)
    if args.runtime:
        report["runtime"] = runtime_speed(config, pack, args.model, args.threads, args.paragraphs,
                                          args.quantization)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
