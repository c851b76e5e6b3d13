#!/usr/bin/env bash
# Train configs/encoder/gpu.json on the device machine (one H100 or H200, no network).
#
# Prepared here, once:   python scripts/pack_encoder_data.py          (build/encoder-data, ~38 MiB)
# Then one device call from the repository root (see docs/encoder.md for the 64 MiB limit):
#   run(command="bash scripts/device_train.sh", carry=["build/encoder-data"], timeout_s=500)
# If it fails early, rerun at once on the warm machine with a shorter budget:
#   run(command="TRAIN_MINUTES=3 LIMIT_S=240 bash scripts/device_train.sh", carry=["build/encoder-data"], timeout_s=300)
#
# It installs the lemminflect wheel carried in the pack (offline), trains for TRAIN_MINUTES
# (default: the config's 6) and writes config.json, train.log, metrics.jsonl and the
# float16 checkpoint shards (4 x <= 15 MiB) to $OUT, which come back.  A hard stop
# (SIGTERM at LIMIT_S seconds) still ends with an evaluation and a checkpoint.
# Locally, to try the script itself:  OUT=/tmp/run DEVICE=cpu WORKERS=1 TRAIN_MINUTES=0.3 \
#   CONFIG=configs/encoder/tiny.json bash scripts/device_train.sh
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-build/encoder-runs/gpu}
DATA=${DATA:-build/encoder-data}
CONFIG=${CONFIG:-configs/encoder/gpu.json}
LIMIT_S=${LIMIT_S:-420}
SITE=${SITE:-/tmp/unspin-site}
mkdir -p "$OUT"
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target "$SITE" \
  "$DATA"/wheels/*.whl || exit 1
export PYTHONPATH="$PWD/src:$SITE" PYTHONUNBUFFERED=1
python3 -c "import torch, safetensors, numpy, lemminflect; print('torch', torch.__version__, 'cuda', torch.cuda.is_available())" || exit 1
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
args=(--config "$CONFIG" --data "$DATA" --out "$OUT")
[ -n "${TRAIN_MINUTES:-}" ] && args+=(--time-limit-minutes "$TRAIN_MINUTES")
[ -n "${DEVICE:-}" ] && args+=(--device "$DEVICE")
[ -n "${WORKERS:-}" ] && args+=(--workers "$WORKERS")
timeout --foreground --signal=TERM --kill-after=40 "$LIMIT_S" python3 scripts/train_encoder.py "${args[@]}"
status=$?
ls -la "$OUT"
exit $status
