"""How tools/train.py and tools/test.py end a run: at once, on every path.

Two failure modes of an ordinary ``try/finally`` around ``runner.train()``
(measured on the toy config of tests/data/toy_configs, 2 gloo processes):

* An error on one rank. A ``finally`` that synchronises (``barrier``) waits
  for ranks that themselves wait in the gradient all-reduce for the failed
  one: the job hangs (not over in 300 s), and the traceback is never printed.
  :func:`abort_run` prints it and ends the process without any collective;
  torchrun (and srun with ``--kill-on-bad-exit=1``, as
  tools/slurm_train.sh passes) then stops the other ranks.
* The exit of a finished run. Loaders with ``persistent_workers`` keep their
  worker iterator for the life of the runner; when the runner is freed by the
  cycle collector the workers never get the shutdown message and torch waits
  5 s for each (tools/test.py on the demo: results at 4.6 s, exit at 15.8 s).
  :func:`shutdown_loader_workers` stops them first, as their own
  ``__del__`` would. What is left is the interpreter's own finalisation: its
  full garbage collections over every object of torch, mmcv, mmpretrain...
  (2.5-5 s on the busy 2-core test machine, after the last atexit handler);
  :func:`finish_process` skips them (``gc.freeze``).
"""
import atexit
import gc
import multiprocessing
import os
import sys
import threading
import traceback
from typing import Optional

import torch.distributed as torch_dist
from torch.utils.data import DataLoader

from .cpu_distributed import teardown_distributed

__all__ = ['shutdown_loader_workers', 'abort_run', 'finish_process']

#: seconds the atexit handlers of a failing rank may take before it exits
EXIT_HANDLERS_TIMEOUT_S = 5.0


def shutdown_loader_workers(runner) -> int:
    """Stop the worker processes of the runner's loaders, if any.

    Only loops the runner already built are looked at (``runner._train_loop``
    and friends; the public properties would build them).

    Args:
        runner: an mmengine ``Runner``.

    Returns:
        int: how many loader iterators were shut down.
    """
    stopped = 0
    for name in ('_train_loop', '_val_loop', '_test_loop'):
        loader = getattr(getattr(runner, name, None), 'dataloader', None)
        if not isinstance(loader, DataLoader):
            continue
        iterator = getattr(loader, '_iterator', None)
        if iterator is not None and hasattr(iterator, '_shutdown_workers'):
            # torch's own clean shutdown (what the iterator's __del__ calls)
            iterator._shutdown_workers()
            stopped += 1
        loader._iterator = None
    return stopped


def _exit_code(exc: Optional[BaseException]) -> int:
    if isinstance(exc, SystemExit):
        code = exc.code
        if code is None:
            return 0
        return code if isinstance(code, int) else 1
    if isinstance(exc, KeyboardInterrupt):
        return 130  # the shell's code for SIGINT
    return 1


def abort_run(runner=None) -> None:
    """Call from ``except BaseException:`` around ``runner.train()/test()``.

    In a distributed run (a process group of more than one rank) it prints
    the traceback of the exception being handled, stops this process's
    loader workers, runs the atexit handlers for at most
    ``EXIT_HANDLERS_TIMEOUT_S`` seconds (log handlers, the work-dir claim)
    and leaves with ``os._exit``: no barrier, no destroy of the process group
    (a collective with ranks that wait elsewhere hangs), no interpreter
    teardown (NCCL and gloo teardown may block on the dead peers).
    The exit status is non-zero (130 for ``KeyboardInterrupt``, the code of
    a ``SystemExit``). Logging handlers flush after each record, so the log
    file is complete.

    In a single process it only stops the loader workers and returns; the
    caller re-raises and Python prints the traceback as usual.

    Args:
        runner: the mmengine ``Runner``, or None if it was not built.
    """
    exc = sys.exc_info()[1]
    if runner is not None:
        try:
            shutdown_loader_workers(runner)
        except Exception:  # noqa: BLE001  the original error matters
            pass
    distributed = (
        torch_dist.is_available() and torch_dist.is_initialized()
        and torch_dist.get_world_size() > 1)
    if not distributed:
        return
    rank = torch_dist.get_rank()
    sys.stdout.flush()
    print(
        f'[rank {rank}] the run failed; ending this process now without '
        'waiting for the other ranks (the launcher stops them):',
        file=sys.stderr)
    traceback.print_exc()
    sys.stderr.flush()
    # any process this one started (loader workers not yet stopped)
    for child in multiprocessing.active_children():
        child.kill()
    # the atexit handlers (log handlers, the work-dir claim of
    # tools/train.py), bounded: one that waits on a dead peer must not
    # hang the exit (5 s is ours)
    runner_thread = threading.Thread(target=atexit._run_exitfuncs, daemon=True)
    runner_thread.start()
    runner_thread.join(timeout=EXIT_HANDLERS_TIMEOUT_S)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(_exit_code(exc))


def finish_process() -> None:
    """End a process whose run finished on every rank: tear the process
    group down (:func:`teardown_distributed`), then move every live object to
    the collector's permanent generation (``gc.freeze``).

    Call it last in a tool's ``main()``, after dropping the runner (the
    caller must hold no reference to a DistributedDataParallel model, which
    keeps the group alive). The freeze spares the process the interpreter's
    collections at exit (measured: 5.1 s from the last atexit handler to the
    exit of tools/test.py on the demo, 0.8-1.4 s with it, machine load 10 on
    2 cores). Objects still alive then are freed by reference counting as
    usual; only reference cycles are left to the operating system, which
    Python's own documentation allows at exit. Not for library code that
    goes on running: frozen objects are never collected.
    """
    teardown_distributed()
    gc.freeze()
