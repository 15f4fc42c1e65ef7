"""Choose the checkpoint an auto-resume starts from, before the runner exists.

mmengine's auto-resume (``resume=True`` without ``load_from``) takes the path
in ``work_dir/last_checkpoint`` and fails when that file is empty, names a
file that is gone (``CheckpointHook`` rotates checkpoints and writes
``last_checkpoint`` non-atomically) or names a corrupt one (truncated by a
full disk, copied half-way, written without atomic saves).
:func:`resolve_auto_resume` reads the candidates first, newest first, and
sets ``cfg.load_from`` to the first that loads, so the runner then resumes
from an explicit path (mmengine's own code path). Ours; it runs in
``tools/train.py`` (every rank: they share the work folder and choose the
same file).
"""
import logging
import os
import os.path as osp
import re
from typing import List, Optional

from mmengine.logging import print_log
from mmengine.runner.checkpoint import find_latest_checkpoint

from .checkpoint_safety import CorruptCheckpointError, load_from_local_checked

__all__ = [
    'checkpoint_candidates', 'find_resume_checkpoint', 'resolve_auto_resume'
]

_CKPT_NAME = re.compile(r'^(epoch|iter)_(\d+)\.pth$')


def checkpoint_candidates(work_dir: str) -> List[str]:
    """``epoch_N.pth``/``iter_N.pth`` of ``work_dir``, newest first."""
    try:
        names = os.listdir(work_dir)
    except OSError:
        return []
    found = []
    for name in names:
        match = _CKPT_NAME.match(name)
        if match:
            found.append((int(match.group(2)), name))
    return [osp.join(work_dir, n) for _, n in sorted(found)[::-1]]


def find_resume_checkpoint(work_dir: str, logger='current') -> Optional[str]:
    """The checkpoint an auto-resume in ``work_dir`` should start from.

    ``last_checkpoint``'s file first (when it exists), then the others
    newest first; the first that loads wins. Each file skipped is named in
    a warning. A file refused as unsafe (:class:`UnsafeCheckpointError`)
    is never skipped: the error stops the run.

    Args:
        work_dir (str): the run's work folder.
        logger: as for mmengine's ``print_log``.

    Returns:
        str | None: the path, or None when the folder holds no checkpoint.

    Raises:
        CorruptCheckpointError: every checkpoint found is corrupt.
    """
    candidates = checkpoint_candidates(work_dir)
    named = find_latest_checkpoint(work_dir)
    if named:
        if not osp.isfile(named):
            print_log(
                f'last_checkpoint in {work_dir} names "{named}", which does '
                'not exist; trying the newest checkpoint found instead.',
                logger=logger,
                level=logging.WARNING)
        else:
            candidates = [named] + [
                c for c in candidates if osp.abspath(c) != osp.abspath(named)
            ]
    if not candidates:
        print_log(
            f'No checkpoint found in {work_dir}; training from scratch.',
            logger=logger)
        return None
    for path in candidates:
        try:
            load_from_local_checked(path, map_location='cpu')
        except CorruptCheckpointError as err:
            print_log(
                f'Skipping it for auto-resume: {err}',
                logger=logger,
                level=logging.WARNING)
            continue
        print_log(f'Auto resumed from {path}.', logger=logger)
        return path
    raise CorruptCheckpointError(
        f'Auto-resume: every checkpoint in {work_dir} is corrupt '
        f'({", ".join(osp.basename(c) for c in candidates)}); see the '
        'warnings above. Move them away to train from scratch.')


def _warn_inexact_resume(cfg, logger) -> None:
    loader = cfg.get('train_dataloader') or {}
    if loader.get('num_workers', 0) and loader.get('persistent_workers',
                                                   False):
        print_log(
            'train_dataloader uses persistent_workers=True: the workers of a '
            'resumed run start their random streams afresh, so augmentations '
            '(and thus weights) after resume differ from an uninterrupted '
            'run. Set persistent_workers=False for bit-identical resume.',
            logger=logger,
            level=logging.WARNING)


def resolve_auto_resume(cfg, logger='current') -> Optional[str]:
    """Turn an auto-resume of ``cfg`` into a resume from a readable path.

    With ``cfg.resume`` set and no ``cfg.load_from``, sets ``cfg.load_from``
    to :func:`find_resume_checkpoint` of ``cfg.work_dir``, or, when there is
    none, ``cfg.resume = False`` (training from scratch; mmengine would
    otherwise follow a ``last_checkpoint`` that names a missing file). Any
    resume also warns when ``persistent_workers`` makes it inexact.
    Call it after the config is final, before the runner is built.

    Args:
        cfg (Config): the full config; changed in place.
        logger: as for mmengine's ``print_log``.

    Returns:
        str | None: the checkpoint the run resumes from.
    """
    if not cfg.get('resume', False):
        return None
    _warn_inexact_resume(cfg, logger)
    if cfg.get('load_from') is not None:
        return cfg.load_from
    path = find_resume_checkpoint(cfg.work_dir, logger)
    if path is None:
        cfg.resume = False
    else:
        cfg.load_from = path
    return path
