"""Distributed training and testing on CPUs (gloo) with mmengine.

mmengine's launchers assume GPUs: ``init_dist`` calls
``torch.cuda.set_device(local_rank)`` for the pytorch, slurm and mpi launchers
(``mmengine/dist/utils.py``), ``env_cfg.dist_cfg.backend`` defaults to nccl,
and the default DDP wrapper passes ``device_ids=[LOCAL_RANK]``, which DDP
rejects for CPU modules. :func:`setup_cpu_distributed` makes the same command
(``tools/dist_train.sh``, ``--launcher pytorch|slurm|mpi``) run on a machine
without CUDA: it opens the process group itself with gloo (mmengine skips its
own init when a group exists) and builds DDP without ``device_ids``. With CUDA
it does nothing, so GPU runs keep mmengine's behaviour (nccl) exactly.

A distributed launch is meant for GPUs: without a usable accelerator it stops
with the reason (:func:`cuda_unusable_reason`) unless the user asks for the
CPU with ``MMSPG_ALLOW_CPU=1`` in the environment (an 8-process command
silently training on the CPU for hours is never what was meant).
"""
import datetime
import gc
import os
import subprocess
from typing import Optional

import torch
import torch.distributed as torch_dist
import torch.multiprocessing as mp
from mmengine.config import Config
from mmengine.device import (is_cuda_available, is_mlu_available,
                             is_musa_available, is_npu_available)

__all__ = [
    'setup_cpu_distributed', 'accelerator_available', 'teardown_distributed',
    'cpu_requested', 'cuda_unusable_reason', 'ALLOW_CPU_ENV'
]

LAUNCHERS = ('none', 'pytorch', 'slurm', 'mpi')
#: the environment variable that allows a distributed launch on CPUs (gloo)
ALLOW_CPU_ENV = 'MMSPG_ALLOW_CPU'


def cpu_requested() -> bool:
    """Whether the user asked for distributed runs on the CPU
    (``MMSPG_ALLOW_CPU`` set to 1, true or yes)."""
    return os.environ.get(ALLOW_CPU_ENV,
                          '').strip().lower() in ('1', 'true', 'yes')


def cuda_unusable_reason() -> str:
    """Why ``torch.cuda.is_available()`` is False, in words."""
    if torch.version.cuda is None:
        return (f'this torch ({torch.__version__}) was built without CUDA; '
                'install the CUDA build of torch')
    visible = os.environ.get('CUDA_VISIBLE_DEVICES')
    if visible is not None and visible.strip() in ('', '-1'):
        return f'CUDA_VISIBLE_DEVICES={visible!r} hides every GPU'
    return (f'torch {torch.__version__} (CUDA {torch.version.cuda}) finds '
            'no usable GPU: no device, or a driver older than this CUDA '
            '(check nvidia-smi)')


def accelerator_available() -> bool:
    """Whether mmengine would run on an accelerator (CUDA/NPU/MLU/MUSA)."""
    return (is_cuda_available() or is_npu_available() or is_mlu_available()
            or is_musa_available())


def _env_int(name: str, launcher: str) -> int:
    if name not in os.environ:
        raise KeyError(
            f'--launcher {launcher} needs the environment variable {name}; '
            'start the processes with tools/dist_train.sh (torchrun), srun or '
            'mpirun.')
    return int(os.environ[name])


def _set_rank_env(launcher: str, port: Optional[int]) -> None:
    """Fill RANK/WORLD_SIZE/LOCAL_RANK/MASTER_* from the launcher's variables.

    Mirrors ``_init_dist_slurm``/``_init_dist_mpi`` of mmengine without their
    ``torch.cuda.set_device`` call.
    """
    if launcher == 'pytorch':
        for name in ('RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'MASTER_ADDR',
                     'MASTER_PORT'):
            if name not in os.environ:
                raise KeyError(
                    f'--launcher pytorch needs the environment variable '
                    f'{name}; start the processes with torchrun '
                    '(tools/dist_train.sh, tools/dist_test.sh).')
        return
    if launcher == 'slurm':
        proc_id = _env_int('SLURM_PROCID', launcher)
        ntasks = _env_int('SLURM_NTASKS', launcher)
        local_rank = int(os.environ.get('SLURM_LOCALID', proc_id))
        if port is not None:
            os.environ['MASTER_PORT'] = str(port)
        os.environ.setdefault('MASTER_PORT', '29500')
        if 'MASTER_ADDR' not in os.environ:
            node_list = os.environ['SLURM_NODELIST']
            os.environ['MASTER_ADDR'] = subprocess.getoutput(
                f'scontrol show hostname {node_list} | head -n1')
        os.environ['WORLD_SIZE'] = str(ntasks)
        os.environ['LOCAL_RANK'] = str(local_rank)
        os.environ['RANK'] = str(proc_id)
        return
    if launcher == 'mpi':
        os.environ['LOCAL_RANK'] = str(
            _env_int('OMPI_COMM_WORLD_LOCAL_RANK', launcher))
        os.environ['WORLD_SIZE'] = str(
            _env_int('OMPI_COMM_WORLD_SIZE', launcher))
        os.environ['RANK'] = str(_env_int('OMPI_COMM_WORLD_RANK', launcher))
        os.environ.setdefault('MASTER_PORT', '29500')
        if 'MASTER_ADDR' not in os.environ:
            raise KeyError('The environment variable MASTER_ADDR is not set')
        return
    raise ValueError(
        f'Invalid launcher {launcher!r}; expected one of {LAUNCHERS}')


def setup_cpu_distributed(cfg: Config, launcher: str) -> bool:
    """Prepare ``cfg`` and the process group for a CPU distributed run.

    Call it after the config is final and before building the runner, in
    every process. It is a no-op (returns False) for ``launcher='none'``, on
    machines with CUDA (or another mmengine accelerator), and when a process
    group already exists.

    On a CPU-only machine with a distributed launcher it stops
    (``SystemExit`` with the reason) unless ``MMSPG_ALLOW_CPU=1`` is set;
    then it:

    * sets ``cfg.env_cfg.dist_cfg.backend = 'gloo'`` (nccl needs GPUs);
    * fills RANK/WORLD_SIZE/LOCAL_RANK/MASTER_ADDR/MASTER_PORT for slurm/mpi
      as mmengine would, and calls ``init_process_group('gloo')`` with the
      ``dist_cfg`` options (e.g. ``timeout`` in seconds, ``port`` for slurm);
    * sets ``cfg.model_wrapper_cfg`` so DDP gets ``device_ids=None``: when
      unset, mmengine's default wrapper (``MMDistributedDataParallel`` with
      ``broadcast_buffers=False`` and ``find_unused_parameters`` from the
      config) with that one change; when set to a DDP-derived wrapper, only
      ``device_ids=None`` is added if it has no ``device_ids``.

    Args:
        cfg (Config): the full config; changed in place.
        launcher (str): ``'none'``, ``'pytorch'``, ``'slurm'`` or ``'mpi'``.

    Returns:
        bool: True if it initialised a CPU process group.
    """
    if launcher not in LAUNCHERS:
        raise ValueError(
            f'Invalid launcher {launcher!r}; expected one of {LAUNCHERS}')
    if launcher == 'none' or accelerator_available():
        return False
    if torch_dist.is_available() and torch_dist.is_initialized():
        return False
    if not cpu_requested():
        raise SystemExit(
            f'--launcher {launcher} starts one process per GPU, but CUDA is '
            f'not usable here: {cuda_unusable_reason()}. To run the '
            f'processes on the CPU (gloo) instead, set {ALLOW_CPU_ENV}=1.')

    env_cfg = cfg.get('env_cfg') or {}
    dist_cfg = dict(env_cfg.get('dist_cfg') or {})
    if dist_cfg.get('backend', 'nccl') in ('nccl', 'hccl', 'cncl', 'mccl'):
        dist_cfg['backend'] = 'gloo'
    env_cfg = dict(env_cfg, dist_cfg=dist_cfg)
    cfg.env_cfg = env_cfg

    wrapper = cfg.get('model_wrapper_cfg')
    if wrapper is None:
        cfg.model_wrapper_cfg = dict(
            type='MMDistributedDataParallel',
            device_ids=None,
            broadcast_buffers=False,
            find_unused_parameters=cfg.get('find_unused_parameters', False))
    else:
        from mmengine.registry import MODEL_WRAPPERS
        from torch.nn.parallel import DistributedDataParallel
        wrapper_cls = MODEL_WRAPPERS.get(
            wrapper.get('type', 'MMDistributedDataParallel'))
        if isinstance(wrapper_cls, type) and issubclass(
                wrapper_cls, DistributedDataParallel):
            wrapper.setdefault('device_ids', None)

    init_kwargs = {
        k: v
        for k, v in dist_cfg.items() if k not in ('backend', 'port')
    }
    if init_kwargs.get('timeout') is not None:
        init_kwargs['timeout'] = datetime.timedelta(
            seconds=init_kwargs['timeout'])
    _set_rank_env(launcher, dist_cfg.get('port'))
    if mp.get_start_method(allow_none=True) is None:
        mp.set_start_method('spawn')  # as mmengine's init_dist
    torch_dist.init_process_group(
        backend=dist_cfg['backend'],
        rank=int(os.environ['RANK']),
        world_size=int(os.environ['WORLD_SIZE']),
        **init_kwargs)
    return True


def teardown_distributed() -> None:
    """Destroy the default process group, if any, before the process exits.

    A gloo group left alive at interpreter exit can abort the process
    ("terminate called without an active exception", SIGABRT) while its
    threads are torn down, which turns a finished run into a failed one
    under torchrun. A DistributedDataParallel model keeps its group alive
    even after ``destroy_process_group``: callers must drop their runner or
    model first (measured with a DDP-wrapped model kept past the destroy:
    4 aborts in 30 two-process runs; 0 in 30 when it was released). The
    garbage collection here frees what only reference cycles still hold
    (runner <-> loops and hooks); the barrier makes every rank finish its
    last collective first. Call it only after a run that finished on every
    rank: after an error use ``mmspg.utils.abort_run``, which synchronises
    nothing. Without a process group it does nothing (the collection would
    free persistent loader workers without their shutdown message, 5 s of
    waiting each; ``shutdown_loader_workers`` stops them first).
    """
    if torch_dist.is_available() and torch_dist.is_initialized():
        gc.collect()
        torch_dist.barrier()
        torch_dist.destroy_process_group()
