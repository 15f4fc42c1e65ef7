"""Stop a run on SIGTERM/SIGINT at once, with one log line that says so.

Why: Python's default SIGTERM ends a process without a word in the run's
log, and SIGINT raises ``KeyboardInterrupt``, whose ``finally`` blocks wait
at collectives for ranks that are already gone. The launchers
(``tools/dist_train.sh`` and the others) ``exec`` torchrun or srun, so a
signal to the script reaches torchrun, which forwards SIGTERM to every rank;
each rank then stops here within a moment.

The handler (ours) logs on the main process, runs the given clean-up (the
work-dir claim is released) and then dies of the same signal with the
default action, so the exit status still says "killed by SIGTERM" to the
launcher, and no ``finally`` block runs collectives with a dead peer.
Checkpoints are written atomically (:class:`AtomicLocalBackend`), so dying
in the middle of a save leaves the previous ones intact.
"""
import logging
import os
import signal
from typing import Callable, Optional

from mmengine.logging import print_log

__all__ = ['install_stop_handlers', 'STOP_SIGNALS']

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def install_stop_handlers(what: str,
                          log: bool = True,
                          cleanup: Optional[Callable[[], None]] = None):
    """Make SIGTERM and SIGINT stop this process with one log line.

    Call it in the main thread (Python's rule for signal handlers).

    Args:
        what (str): What stops, for the log line (e.g. ``'training'``).
        log (bool): Whether this process writes the line (the main process
            of a distributed run; the other ranks stop silently).
        cleanup (callable, optional): Run before the process dies.
    """

    owner = os.getpid()

    def handler(signum, frame):
        name = signal.Signals(signum).name
        if os.getpid() != owner:
            # a forked child (a dataloader worker) inherited the handler:
            # the run's line and clean-up belong to its parent
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        if log:
            print_log(
                f'Received {name}: {what} stops now (PID {os.getpid()}). '
                'Checkpoints written so far are complete; continue with '
                '--resume.',
                logger='current',
                level=logging.WARNING)
        if cleanup is not None:
            try:
                cleanup()
            except Exception:  # noqa: BLE001  dying anyway; keep the signal
                pass
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    for sig in STOP_SIGNALS:
        signal.signal(sig, handler)
