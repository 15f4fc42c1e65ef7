#!/usr/bin/env bash
# Training on a Slurm cluster (one task per GPU), as mmpretrain's script.
#   [GPUS=8] [GPUS_PER_NODE=8] bash tools/slurm_train.sh \
#       PARTITION JOB_NAME CONFIG WORK_DIR [tools/train.py ARGS]
# CPU-only partitions: MMSPG_ALLOW_CPU=1 GPUS_PER_NODE=0 TASKS_PER_NODE=N
# (no --gres request; the tasks train with gloo; without MMSPG_ALLOW_CPU a
# launch without CUDA stops).
set -x

PARTITION=$1
JOB_NAME=$2
CONFIG=$3
WORK_DIR=$4
GPUS=${GPUS:-8}
GPUS_PER_NODE=${GPUS_PER_NODE:-8}
TASKS_PER_NODE=${TASKS_PER_NODE:-$GPUS_PER_NODE}
CPUS_PER_TASK=${CPUS_PER_TASK:-5}
SRUN_ARGS=${SRUN_ARGS:-""}
PY_ARGS=${@:5}

GRES=""
if [ "$GPUS_PER_NODE" -gt 0 ]; then
    GRES="--gres=gpu:${GPUS_PER_NODE}"
fi

# exec: srun replaces this shell, so a signal sent to the script reaches
# srun, which forwards it to every task.
export PYTHONPATH="$(dirname "$0")/..":$PYTHONPATH
exec srun -p ${PARTITION} \
    --job-name=${JOB_NAME} \
    ${GRES} \
    --ntasks=${GPUS} \
    --ntasks-per-node=${TASKS_PER_NODE} \
    --cpus-per-task=${CPUS_PER_TASK} \
    --kill-on-bad-exit=1 \
    ${SRUN_ARGS} \
    python -u "$(dirname "$0")/train.py" ${CONFIG} --work-dir=${WORK_DIR} \
    --launcher="slurm" ${PY_ARGS}
