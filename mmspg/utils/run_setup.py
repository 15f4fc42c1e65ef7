"""The set-up of a run in a few log lines, and the batch-size check.

tools/train.py and tools/test.py call :func:`log_run_summary` once the
runner is built (mmengine has then opened the process group), so the log
says where the run runs before any work starts: device, world size, batch
per process and in total, learning rate. For training it also compares the
total batch with the recipe's (``auto_scale_lr.base_batch_size``): a recipe
tuned for 32 images launched on 8 GPUs trains at 256 with the lr of 32
unless ``--auto-scale-lr`` is given, and mmengine says nothing about it.
"""
from typing import Optional

import torch
from mmengine.device import get_device
from mmengine.dist import get_rank, get_world_size, is_distributed

__all__ = ['run_summary', 'batch_size_warning', 'log_run_summary']


def _first_lr(optim_wrapper_cfg) -> Optional[float]:
    """The base lr of an ``optim_wrapper`` config (or of its first
    optimizer, for a dict of optimizers)."""
    if not optim_wrapper_cfg:
        return None
    optimizer = optim_wrapper_cfg.get('optimizer')
    if optimizer is None:  # a dict of named optim wrappers
        for value in optim_wrapper_cfg.values():
            if isinstance(value, dict) and 'optimizer' in value:
                optimizer = value['optimizer']
                break
    return None if optimizer is None else optimizer.get('lr')


def run_summary(cfg, mode: str = 'train') -> dict:
    """What a run will do, from its config and the process group.

    Args:
        cfg (Config): the final config (after the command-line options).
        mode (str): ``'train'`` or ``'test'``; which dataloader counts.

    Returns:
        dict: ``device`` (e.g. ``'cuda (NVIDIA H100, backend nccl)'``),
        ``world_size``, ``batch_per_process``, ``total_batch``, and for
        training ``lr`` (the config's), ``lr_used`` (after
        ``--auto-scale-lr``), ``base_batch_size`` (None if the config has no
        ``auto_scale_lr``) and ``auto_scale_lr`` (bool).
    """
    device = get_device()
    if device == 'cuda':
        device = f'cuda ({torch.cuda.get_device_name()})'
    if is_distributed():
        device += f', backend {torch.distributed.get_backend()}'
    world_size = get_world_size()
    loader = cfg.get(f'{mode}_dataloader') or {}
    batch = loader.get('batch_size')
    summary = dict(
        device=device,
        world_size=world_size,
        batch_per_process=batch,
        total_batch=None if batch is None else batch * world_size)
    if mode == 'train':
        scale_cfg = cfg.get('auto_scale_lr') or {}
        base = scale_cfg.get('base_batch_size')
        enabled = bool(scale_cfg.get('enable', False))
        lr = _first_lr(cfg.get('optim_wrapper'))
        lr_used = lr
        if enabled and lr is not None and base and batch:
            # mmengine's Runner.scale_lr: linear in the total batch
            lr_used = lr * batch * world_size / base
        summary.update(
            lr=lr,
            lr_used=lr_used,
            base_batch_size=base,
            auto_scale_lr=enabled)
    return summary


def batch_size_warning(summary: dict) -> Optional[str]:
    """The warning for a training run whose total batch is not the
    recipe's while ``--auto-scale-lr`` is off, or None."""
    base, total = summary.get('base_batch_size'), summary.get('total_batch')
    if not base or not total or total == base or summary['auto_scale_lr']:
        return None
    world_size = summary['world_size']
    msg = (f'total batch {total} ({world_size} process(es) x '
           f'{summary["batch_per_process"]}) is not the recipe\'s {base} '
           '(auto_scale_lr.base_batch_size), and the lr stays '
           f'{summary["lr"]}, tuned for {base}. Pass --auto-scale-lr to '
           f'scale it linearly (to {summary["lr"] * total / base:.6g})')
    if base % world_size == 0:
        msg += (', or keep the recipe\'s batch with --cfg-options '
                f'train_dataloader.batch_size={base // world_size}')
    return msg + '.'


def log_run_summary(runner, mode: str = 'train') -> dict:
    """Log :func:`run_summary` of ``runner.cfg`` (rank 0) and, for
    training, the :func:`batch_size_warning` once.

    Args:
        runner: the built mmengine ``Runner``.
        mode (str): ``'train'`` or ``'test'``.

    Returns:
        dict: the summary.
    """
    summary = run_summary(runner.cfg, mode)
    if get_rank() != 0:
        return summary
    line = (f'Run set-up: device {summary["device"]}, world size '
            f'{summary["world_size"]}, batch {summary["batch_per_process"]} '
            f'per process, {summary["total_batch"]} in total')
    if mode == 'train':
        line += f', lr {summary["lr_used"]}'
        if summary['lr_used'] != summary['lr']:
            line += (f' (--auto-scale-lr: {summary["lr"]} x '
                     f'{summary["total_batch"]}/{summary["base_batch_size"]})')
    runner.logger.info(line)
    warning = batch_size_warning(summary) if mode == 'train' else None
    if warning:
        runner.logger.warning(warning)
    return summary
