#!/usr/bin/env python3
"""Export a trained encoder checkpoint for the runtime (unspin.scorers.neural).

    python scripts/export_encoder.py build/encoder-runs/cpu --data build/encoder-data \
        --out build/encoder-model [--quantization int8|fp16|fp32]

Writes encoder.onnx (at most --max-mb), encoder.vocab and encoder.json into --out and
records each in --out/MANIFEST.json (source checkpoint, size, sha256, training config,
families and data).  Needs the ``encoder`` extra (torch==2.13.0) and onnxruntime.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from unspin.training.export import QUANTIZATIONS, export  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkpoint", type=Path, help="a training output folder (encoder*.safetensors)")
    parser.add_argument("--data", type=Path, default=ROOT / "build" / "encoder-data", help="the pack it was trained on")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "encoder-model")
    parser.add_argument("--quantization", choices=QUANTIZATIONS, default="int8")
    parser.add_argument("--max-mb", type=float, default=60.0)
    args = parser.parse_args()
    info = export(args.checkpoint, args.data, args.out, args.quantization, args.max_mb)
    size = (args.out / "encoder.onnx").stat().st_size
    print(f"{args.out / 'encoder.onnx'}: {size / 1e6:.1f} MB, largest differences from torch "
          f"{json.dumps(info['max_abs_difference'])}")


if __name__ == "__main__":
    main()
