"""``AtomicLocalBackend``: mmengine's local file backend with atomic writes.

Why: mmengine's ``LocalBackend.put`` opens the final name and writes into
it, so a kill (or a full disk) in the middle of a checkpoint save leaves a
truncated ``epoch_N.pth`` that auto-resume would pick. mmengine writes every
checkpoint through a file backend chosen by ``backend_args``
(``Runner.save_checkpoint`` -> ``mmengine.runner.checkpoint.save_checkpoint``
-> ``get_file_backend(path, backend_args).put``), so registering a backend
under its own name and selecting it with the checkpoint hook's
``backend_args`` changes checkpoint writes only; mmengine's ``'local'``
backend, and every other file a program writes, stay as they are.

``put`` writes to ``.<name>.tmp-<host>-<pid>`` in the target folder, flushes
it to disk (``fsync``), renames it over the final name (``os.replace``, atomic
on POSIX and Windows within one file system) and flushes the folder, so a
name such as ``epoch_3.pth`` only ever holds a complete file. A temporary
file left by a killed save is removed later by
:func:`remove_stale_temp_checkpoints` (``WSOLCheckpointHook`` calls it when
training starts): only names of that pattern, of this host, whose process is
gone.
"""
import errno
import logging
import os
import os.path as osp
import re
import socket
from pathlib import Path
from typing import Callable, List, Union

import mmengine
from mmengine.fileio import register_backend
from mmengine.fileio.backends import LocalBackend
from mmengine.logging import print_log

__all__ = [
    'ATOMIC_BACKEND', 'AtomicLocalBackend', 'temp_name',
    'stale_temp_checkpoints', 'remove_stale_temp_checkpoints'
]

#: The name ``backend_args=dict(backend=ATOMIC_BACKEND)`` selects (ours;
#: prefixed because mmengine's backend names are global, not scoped).
ATOMIC_BACKEND = 'mmspg_atomic_local'

_TMP_NAME = re.compile(r'^\..+\.tmp-(?P<host>.+)-(?P<pid>\d+)$')


def _host() -> str:
    # '-' separates host and pid in temp names; keep the pid parse unique
    return socket.gethostname().replace('-', '_') or 'localhost'


def _pid_alive(pid: int) -> bool:
    """Whether a process ``pid`` exists on this host (signal 0 probes)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except OSError as err:
        # EPERM: it exists but belongs to another user
        return err.errno == errno.EPERM
    return True


def _fsync_dir(path: str) -> None:
    """Persist a rename in ``path`` (POSIX; a no-op where dirs can't open)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def temp_name(filepath: Union[str, Path]) -> str:
    """The temporary path a save of ``filepath`` writes first (same folder,
    hidden, not ``*.pth``; host and pid let a later run tell a dead save
    from a live one)."""
    folder, name = osp.split(str(filepath))
    return osp.join(folder, f'.{name}.tmp-{_host()}-{os.getpid()}')


class AtomicLocalBackend(LocalBackend):
    """``LocalBackend`` whose ``put``/``put_text`` replace the file
    atomically; reads, listings and removals are ``LocalBackend``'s.

    Selected per hook: ``CheckpointHook(backend_args=dict(backend=
    'mmspg_atomic_local'))``; ``WSOLCheckpointHook`` does this by default
    for a local ``out_dir``.
    """

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        """Write ``obj`` to ``filepath``; the name appears only once the
        complete file is on disk."""
        self._replace_with(
            filepath,
            lambda tmp: super(AtomicLocalBackend, self).put(obj, tmp))

    def put_text(self,
                 obj: str,
                 filepath: Union[str, Path],
                 encoding: str = 'utf-8') -> None:
        """Write text atomically, as :meth:`put`."""
        self._replace_with(
            filepath, lambda tmp: super(AtomicLocalBackend, self).put_text(
                obj, tmp, encoding))

    @staticmethod
    def _replace_with(filepath: Union[str, Path],
                      write: Callable[[str], None]) -> None:
        filepath = str(filepath)
        mmengine.mkdir_or_exist(osp.dirname(osp.abspath(filepath)))
        tmp_path = temp_name(filepath)
        try:
            write(tmp_path)
            with open(tmp_path, 'rb+') as f:
                os.fsync(f.fileno())
            os.replace(tmp_path, filepath)
        except BaseException as err:
            # also on KeyboardInterrupt: leave no partial file behind
            if osp.exists(tmp_path):
                os.remove(tmp_path)
            if isinstance(err, OSError) and err.errno is not None:
                # the OS message names no file (a full disk: "No space
                # left on device"); same errno, so callers still match it
                folder = osp.dirname(osp.abspath(filepath))
                full = ' (the disk is full)' if err.errno in (
                    errno.ENOSPC, errno.EDQUOT) else ''
                raise OSError(
                    err.errno, f'{err.strerror or err}{full}: could not '
                    f'write {filepath} in {folder}; the files already there '
                    'are intact') from err
            raise
        _fsync_dir(osp.dirname(osp.abspath(filepath)))


register_backend(ATOMIC_BACKEND, AtomicLocalBackend)


def stale_temp_checkpoints(folder: str) -> List[str]:
    """Temporary files of interrupted atomic saves in ``folder`` that no
    live process owns.

    Only names of :class:`AtomicLocalBackend`'s pattern count; a file of
    another host (shared storage), of a live process (a run saving right
    now) or of this process is kept.

    Args:
        folder (str): a work_dir or checkpoint folder.

    Returns:
        list[str]: paths that are safe to remove.
    """
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    stale = []
    for name in names:
        match = _TMP_NAME.match(name)
        if not match:
            continue
        pid = int(match.group('pid'))
        if match.group('host') != _host():
            continue
        if pid == os.getpid() or _pid_alive(pid):
            continue
        path = osp.join(folder, name)
        if osp.isfile(path):
            stale.append(path)
    return stale


def remove_stale_temp_checkpoints(
        folder: str,
        logger: Union[logging.Logger, str, None] = None) -> List[str]:
    """Remove :func:`stale_temp_checkpoints` of ``folder``, warning about
    each (``logger`` as for mmengine's ``print_log``, default the current
    one); return the paths removed."""
    logger = logger or 'current'
    removed = []
    for path in stale_temp_checkpoints(folder):
        try:
            os.remove(path)
        except OSError as err:
            print_log(
                f'Could not remove {path}: {err}',
                logger=logger,
                level=logging.WARNING)
            continue
        removed.append(path)
        print_log(
            f'Removed {path}: the temporary file of a checkpoint save that '
            'was interrupted (its process is gone).',
            logger=logger,
            level=logging.WARNING)
    return removed
