"""Per-rank randomness of EpochSeededTrainLoop: every rank draws its own
stream, each a function of (seed, epoch, rank) only, so a resume at an epoch
boundary stays bit-exact (tests/test_engine/test_runner/
test_checkpoint_reliability.py resumes a full run)."""
import random

import numpy as np
import torch
from mmengine.runner import EpochBasedTrainLoop

from mmspg.engine.runner import epoch_seeded_loop
from mmspg.engine.runner.epoch_seeded_loop import (EpochSeededTrainLoop,
                                                   epoch_seed)


def test_epoch_seed_per_rank():
    # rank 0 keeps the stream of single-process runs (before ranks counted)
    for seed, epoch in ((0, 0), (0, 3), (42, 1)):
        before = int(
            np.random.SeedSequence([seed, epoch]).generate_state(1)[0])
        assert epoch_seed(seed, epoch) == epoch_seed(seed, epoch, 0) == before
    seeds = {epoch_seed(0, e, r) for e in range(4) for r in range(8)}
    assert len(seeds) == 32  # every (epoch, rank) its own seed
    assert epoch_seed(0, 1, 1) != epoch_seed(1, 1, 0)  # not seed + rank


def _draws(monkeypatch, rank, epoch=2, seed=0):
    """What an epoch of the loop draws from the global RNGs on ``rank``."""
    drawn = []

    def fake_epoch(self):
        drawn.append((torch.rand(4), np.random.rand(4), random.random(),
                      torch.nn.functional.dropout(torch.ones(16), 0.5)))

    monkeypatch.setattr(EpochBasedTrainLoop, 'run_epoch', fake_epoch)
    monkeypatch.setattr(epoch_seeded_loop, 'get_rank', lambda: rank)

    class Runner:
        pass

    runner = Runner()
    runner.seed = seed
    loop = EpochSeededTrainLoop.__new__(EpochSeededTrainLoop)
    loop._runner, loop._epoch = runner, epoch
    # whatever was drawn before (validation, a restart) does not matter
    torch.rand(rank + 7)
    loop.run_epoch()
    return drawn[0]


def _same(a, b):
    return (torch.equal(a[0], b[0]) and np.array_equal(a[1], b[1])
            and a[2] == b[2] and torch.equal(a[3], b[3]))


def test_ranks_draw_differently_and_reproducibly(monkeypatch):
    rank0, rank1 = _draws(monkeypatch, 0), _draws(monkeypatch, 1)
    for a, b in zip(rank0, rank1):
        assert not np.array_equal(np.asarray(a), np.asarray(b))
    # the same rank and epoch again (a resumed run): the same draws
    assert _same(_draws(monkeypatch, 1), rank1)
    assert _same(_draws(monkeypatch, 0), rank0)
    # another epoch: other draws
    assert not _same(_draws(monkeypatch, 1, epoch=3), rank1)
