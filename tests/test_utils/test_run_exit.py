import subprocess
import sys

import pytest
from torch.utils.data import DataLoader

from mmspg.utils import abort_run, shutdown_loader_workers
from mmspg.utils.run_exit import _exit_code


class _Loop:

    def __init__(self, loader):
        self.dataloader = loader


def test_shutdown_loader_workers_stops_persistent_workers():
    loader = DataLoader(
        list(range(8)), batch_size=2, num_workers=2, persistent_workers=True)
    assert len(list(loader)) == 4
    iterator = loader._iterator
    workers = list(iterator._workers)
    assert workers and all(w.is_alive() for w in workers)

    class Runner:
        # a loop not built yet is a dict: left alone
        _train_loop = dict(type='EpochBasedTrainLoop')
        _test_loop = _Loop(loader)

    assert shutdown_loader_workers(Runner()) == 1
    assert loader._iterator is None
    for w in workers:
        w.join(timeout=10)
        assert not w.is_alive()
    assert shutdown_loader_workers(Runner()) == 0


def test_exit_codes():
    assert _exit_code(RuntimeError('x')) == 1
    assert _exit_code(KeyboardInterrupt()) == 130
    assert _exit_code(SystemExit(3)) == 3
    assert _exit_code(SystemExit('message')) == 1


def test_abort_run_returns_in_a_single_process():
    try:
        raise RuntimeError('boom')
    except RuntimeError:
        abort_run(None)  # no process group: the caller re-raises


@pytest.mark.dist
def test_abort_run_exits_a_distributed_rank(tmp_path):
    """A real 2-rank gloo group: rank 1 fails, rank 0 waits in a barrier."""
    script = tmp_path / 'abort.py'
    script.write_text(
        'import os, sys\n'
        'import torch.distributed as dist\n'
        'from mmspg.utils import abort_run\n'
        'rank = int(sys.argv[1])\n'
        "dist.init_process_group('gloo', init_method=sys.argv[2], "
        'rank=rank, world_size=2)\n'
        'if rank == 1:\n'
        '    try:\n'
        "        raise ValueError('rank one failed')\n"
        '    except ValueError:\n'
        '        abort_run(None)\n'
        "    print('not reached')\n"
        'else:\n'
        '    try:\n'
        '        dist.barrier()\n'
        '    except Exception:\n'
        '        sys.exit(7)\n')
    init = f'file://{tmp_path / "store"}'
    procs = [
        subprocess.Popen(
            [sys.executable, str(script),
             str(r), init],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True) for r in (0, 1)
    ]
    out1 = procs[1].communicate(timeout=60)[0]
    assert procs[1].returncode == 1, out1
    assert 'ValueError: rank one failed' in out1
    assert '[rank 1] the run failed' in out1
    assert 'not reached' not in out1
    # rank 0 waited in a barrier: its peer's exit ends the wait (gloo)
    procs[0].communicate(timeout=60)
    assert procs[0].returncode != 0
