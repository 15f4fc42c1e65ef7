#!/usr/bin/env bash
# The GPU check of .dev_scripts/gpu_check.py: train-step img/s (fp32, fp16,
# bf16) of the benchmark and official Inception-v3 SPG and CAM, SPG/CAM step
# time, a sync-debug run, loader img/s and a 2-iteration DDP run on every
# visible GPU, in one Markdown table (default work_dirs/gpu_check.md).
#   bash .dev_scripts/gpu_check.sh [--out FILE] [--skip ddp ...]
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" exec "${PYTHON:-python}" \
    .dev_scripts/gpu_check.py "$@"
