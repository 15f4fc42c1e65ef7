#!/usr/bin/env bash
# Distributed testing on one or more nodes with torchrun.
#   bash tools/dist_test.sh CONFIG CHECKPOINT NUM_PROCS [tools/test.py ARGS]
# NUM_PROCS processes per node (one per GPU; without CUDA they stop, unless
# MMSPG_ALLOW_CPU=1: then they run on the CPU with gloo). Multi-node: set
# NNODES, NODE_RANK, MASTER_ADDR and PORT in the environment of every node,
# as for mmpretrain.
set -e

CONFIG=$1
CHECKPOINT=$2
GPUS=$3
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-"127.0.0.1"}
PYTHON=${PYTHON:-python}

if [ -z "$CONFIG" ] || [ -z "$CHECKPOINT" ] || [ -z "$GPUS" ]; then
    echo "usage: $0 CONFIG CHECKPOINT NUM_PROCS [tools/test.py ARGS]" >&2
    exit 2
fi

# `python -m torch.distributed.run` is torchrun, run by the chosen python.
# exec: torchrun replaces this shell, so a SIGTERM/SIGINT sent to the
# script reaches torchrun, which stops every rank (without it, bash died and
# the ranks trained on).
export PYTHONPATH="$(dirname "$0")/..":$PYTHONPATH
exec "$PYTHON" -m torch.distributed.run \
    --nnodes="$NNODES" \
    --node_rank="$NODE_RANK" \
    --master_addr="$MASTER_ADDR" \
    --nproc_per_node="$GPUS" \
    --master_port="$PORT" \
    "$(dirname "$0")/test.py" \
    "$CONFIG" \
    "$CHECKPOINT" \
    --launcher pytorch "${@:4}"
