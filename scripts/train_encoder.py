#!/usr/bin/env python3
"""Train the neural scorer's encoder from a config (configs/encoder/*.json) on a data pack.

    python scripts/pack_encoder_data.py                      # once: build/encoder-data
    python scripts/train_encoder.py --config configs/encoder/tiny.json --out build/encoder-runs/tiny
    python scripts/export_encoder.py build/encoder-runs/tiny --out build/encoder-model

Writes config.json, train.log, metrics.jsonl and the latest safetensors checkpoint under
--out (see unspin.training.train).  Needs the ``encoder`` extra (torch==2.13.0).  On the
device machine: scripts/device_train.sh.  See docs/encoder.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from unspin.training.train import TrainConfig, train  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--data", type=Path, default=ROOT / "build" / "encoder-data", help="pack folder")
    parser.add_argument("--out", type=Path, required=True, help="output folder (logs, metrics, checkpoint)")
    parser.add_argument("--max-steps", type=int, help="override run.max_steps")
    parser.add_argument("--time-limit-minutes", type=float, help="override run.time_limit_minutes")
    parser.add_argument("--workers", type=int, help="override run.workers")
    parser.add_argument("--threads", type=int, help="override run.threads")
    parser.add_argument("--device", help="override run.device (cpu, cuda, auto)")
    args = parser.parse_args()
    config = TrainConfig.load(args.config)
    overrides = {k: v for k, v in (("max_steps", args.max_steps), ("time_limit_minutes", args.time_limit_minutes),
                                   ("workers", args.workers), ("threads", args.threads),
                                   ("device", args.device)) if v is not None}
    if overrides:
        config = dataclasses.replace(config, run=dataclasses.replace(config.run, **overrides))
    summary = train(config, args.data, args.out)
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
