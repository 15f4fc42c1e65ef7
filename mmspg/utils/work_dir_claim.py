"""One live training run per work dir: a claim file with a heartbeat.

Why: two ``tools/train.py`` runs on one ``--work-dir`` overwrite each
other's checkpoints, dumped config and ``last_checkpoint`` without a word
(mmengine checks nothing). ``tools/train.py`` therefore claims the work dir
before the runner is built (the runner dumps the config into it), and only
on the main process (rank 0): ranks of one run share the claim.

The rule (ours; mmengine has no such mechanism):

* The claim is ``<work_dir>/.mmspg_run.lock``, created with
  ``O_CREAT | O_EXCL`` (atomic on local disks and on NFSv3+ and Lustre, so
  two runs starting together cannot both create it). It holds the holder's
  host, PID, start time and a random token.
* A live holder refreshes the file's modification time every
  ``heartbeat`` seconds (a daemon thread), because a PID can only be probed
  on its own host: on a shared file system a node tells a live holder of
  another node by its heartbeat.
* A claim is *stale*, and taken over with a warning, when its holder runs
  on this host and its PID is gone, or when its heartbeat is older than
  ``stale_after`` seconds (a holder on another node that died, or a node
  that crashed). Otherwise the new run stops at once naming the holder.
* Take-over renames the stale file to a unique name first (one rename of a
  name succeeds), checks that the renamed file is the one judged stale, and
  only then creates its own claim with ``O_EXCL``; two runs taking over the
  same stale claim at once cannot both win.
* The claim is removed when the run ends (also on an error or a handled
  signal); a run killed with SIGKILL leaves it behind, and the next run
  takes it over (same host: at once; other host: after ``stale_after``).

``--resume`` of a finished or dead run works as before: a finished run left
no claim, a dead one left a stale claim.
"""
import atexit
import errno
import json
import logging
import os
import os.path as osp
import socket
import threading
import time
import uuid
from datetime import datetime
from typing import Optional

from mmengine.logging import print_log

from .atomic_backend import _pid_alive

__all__ = [
    'CLAIM_NAME', 'WorkDirBusyError', 'WorkDirClaim', 'claim_work_dir',
    'claim_work_dir_of_run', 'launcher_rank'
]

#: The claim file's name in the work dir.
CLAIM_NAME = '.mmspg_run.lock'
#: Seconds between heartbeats of a live holder (ours).
HEARTBEAT_S = 30.0
#: Seconds without a heartbeat after which a claim of another host is
#: stale: 10 missed heartbeats, so that a holder slowed by a busy file
#: server is not taken for dead (ours).
STALE_AFTER_S = 300.0


class WorkDirBusyError(RuntimeError):
    """A live run holds the work dir."""


def launcher_rank() -> int:
    """The global rank of this process as its launcher set it (torchrun:
    ``RANK``, Slurm: ``SLURM_PROCID``, Open MPI: ``OMPI_COMM_WORLD_RANK``),
    read before any process group exists; 0 for a single process."""
    for name in ('RANK', 'SLURM_PROCID', 'OMPI_COMM_WORLD_RANK'):
        if os.environ.get(name, '').strip().isdigit():
            return int(os.environ[name])
    return 0


def _describe(info: dict, path: str, age: Optional[float]) -> str:
    beat = f', last heartbeat {age:.0f} s ago' if age is not None else ''
    return (f'host {info.get("host", "?")}, PID {info.get("pid", "?")}, '
            f'started {info.get("start", "?")}{beat} (claim file {path})')


def _read(path: str) -> Optional[dict]:
    """The claim's content, {} if unreadable, None if the file is gone."""
    try:
        with open(path, encoding='utf-8') as f:
            text = f.read()
    except FileNotFoundError:
        return None
    except OSError:
        return {}
    try:
        info = json.loads(text)
    except ValueError:
        # a holder killed between create and write: judged by mtime only
        return {}
    return info if isinstance(info, dict) else {}


class WorkDirClaim:
    """A held claim on a work dir; :meth:`release` (or ``with``) ends it.

    Args:
        path (str): The claim file.
        info (dict): What it holds (host, pid, start, token).
        heartbeat (float): Seconds between mtime refreshes; 0 for none.
    """

    def __init__(self, path: str, info: dict, heartbeat: float) -> None:
        self.path = path
        self.info = info
        self._stop = threading.Event()
        self._thread = None
        if heartbeat > 0:
            self._thread = threading.Thread(
                target=self._beat,
                args=(heartbeat, ),
                name='mmspg-work-dir-heartbeat',
                daemon=True)
            self._thread.start()

    def _beat(self, interval: float) -> None:
        while not self._stop.wait(interval):
            try:
                os.utime(self.path)
            except OSError:
                # gone or unreachable: the next run may take the work dir
                # over; nothing this thread can do about it but say so
                print_log(
                    f'Could not refresh the work-dir claim {self.path}',
                    logger='current',
                    level=logging.WARNING)

    def held(self) -> bool:
        """Whether the file still holds this claim's token."""
        info = _read(self.path)
        return bool(info) and info.get('token') == self.info['token']

    def release(self) -> None:
        """Stop the heartbeat and remove the file if it is still ours
        (only in the process that claimed: a forked child shares the
        token but not the claim)."""
        self._stop.set()
        if os.getpid() == self.info['pid'] and self.held():
            try:
                os.remove(self.path)
            except OSError:
                pass

    def __enter__(self) -> 'WorkDirClaim':
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def _is_stale(info: dict, mtime: float, stale_after: float) -> bool:
    host, pid = info.get('host'), info.get('pid')
    if host == socket.gethostname() and isinstance(pid, int):
        if pid == os.getpid():
            return False  # another claim of this very process
        if not _pid_alive(pid):
            return True
    return time.time() - mtime > stale_after


def claim_work_dir(work_dir: str,
                   heartbeat: float = HEARTBEAT_S,
                   stale_after: float = STALE_AFTER_S,
                   logger='current') -> WorkDirClaim:
    """Claim ``work_dir`` for this run (see the module docstring).

    Args:
        work_dir (str): The run's work dir (created if missing).
        heartbeat (float): Seconds between heartbeats. Defaults to 30.
        stale_after (float): Seconds without a heartbeat after which a
            claim is stale. Defaults to 300.
        logger: As for mmengine's ``print_log``.

    Returns:
        WorkDirClaim: The held claim.

    Raises:
        WorkDirBusyError: A live run holds ``work_dir``; the message names
            its host, PID and start time.
    """
    os.makedirs(work_dir, exist_ok=True)
    path = osp.join(work_dir, CLAIM_NAME)
    info = dict(
        host=socket.gethostname(),
        pid=os.getpid(),
        start=datetime.now().astimezone().isoformat(timespec='seconds'),
        token=uuid.uuid4().hex)
    for _ in range(3):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, 'w', encoding='utf-8') as f:
                json.dump(info, f)
                f.flush()
                os.fsync(f.fileno())
            claim = WorkDirClaim(path, info, heartbeat)
            # also released when the process ends on an exception
            atexit.register(claim.release)
            return claim
        holder = _read(path)
        try:
            mtime = os.stat(path).st_mtime
        except FileNotFoundError:
            continue  # released meanwhile: try again
        if holder is None:
            continue
        age = max(0.0, time.time() - mtime)
        if not _is_stale(holder, mtime, stale_after):
            raise WorkDirBusyError(
                f'The work dir {work_dir} is in use by a live training run: '
                f'{_describe(holder, path, age)}. Two runs on one work dir '
                'overwrite each other\'s checkpoints and config. Wait for it, '
                'stop it, or choose another --work-dir. If that run is '
                'gone (e.g. its node crashed), remove the claim file; a '
                f'claim is taken over automatically {stale_after:.0f} s '
                'after its last heartbeat.')
        # take over: move the stale file aside, check it is the one judged
        aside = f'{path}.stale-{uuid.uuid4().hex[:8]}'
        try:
            os.rename(path, aside)
        except OSError as err:
            if err.errno == errno.ENOENT:
                continue  # another run took it over first
            raise
        moved = _read(aside) or {}
        if moved.get('token') != holder.get('token'):
            # a fresh claim replaced the stale one in between: put it back
            try:
                os.link(aside, path)
            except OSError:
                pass
            os.remove(aside)
            continue
        os.remove(aside)
        print_log(
            f'Took over the work dir {work_dir} from a run that is gone: '
            f'{_describe(holder, path, age)}. Its checkpoints stay; use '
            '--resume to continue it.',
            logger=logger,
            level=logging.WARNING)
    # still contended after three rounds: refuse rather than guess
    holder = _read(path) or {}
    raise WorkDirBusyError(
        f'The work dir {work_dir} is being claimed by another run at the '
        f'same time: {_describe(holder, path, None)}.')


def claim_work_dir_of_run(work_dir: str,
                          tool: str = 'mmspg') -> Optional[WorkDirClaim]:
    """:func:`claim_work_dir` on the main process of a run (launcher rank
    0; the other ranks share its claim and get None); a held work dir stops
    the program with ``SystemExit`` naming the holder."""
    if launcher_rank() != 0:
        return None
    try:
        return claim_work_dir(work_dir)
    except WorkDirBusyError as err:
        raise SystemExit(f'{tool}: {err}')
