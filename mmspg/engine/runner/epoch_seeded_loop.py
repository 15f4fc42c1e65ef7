"""An epoch-based training loop whose randomness is a function of the epoch.

Why: mmengine restores weights, optimizer, schedulers and message hub on
resume and its ``DefaultSampler`` shuffles with ``seed + epoch``, but the
global RNGs (``random``, ``numpy``, ``torch``) are simply re-seeded with the
run's seed. Everything drawn from them in the main process -- dropout,
drop-path, SPG's random erasing, pipeline transforms when ``num_workers=0``,
the base seed torch gives dataloader workers -- then differs from the
uninterrupted run after epoch ``k``. Measured on the toy config of
``tests/data/toy_configs``: resumed weights differ from uninterrupted ones with
mmengine's ``EpochBasedTrainLoop`` (with 0 and with 2 dataloader workers).

Re-seeding the global RNGs at the start of every epoch from ``(seed, epoch)``
makes each epoch's random stream independent of what came before it
(validation, a restart), so a run resumed at an epoch boundary is
bit-identical to an uninterrupted one.
"""
import random

import numpy as np
import torch
from mmengine.dist import get_rank
from mmengine.runner import EpochBasedTrainLoop

from mmspg.registry import LOOPS

__all__ = ['EpochSeededTrainLoop', 'epoch_seed', 'seed_everything']


def epoch_seed(seed: int, epoch: int, rank: int = 0) -> int:
    """A 32-bit seed for ``epoch`` of a run seeded with ``seed``, on ``rank``.

    ``SeedSequence`` mixes the numbers, so epoch seeds of one run do not
    repeat the streams of a run whose seed is ``seed + 1``, and each rank of
    a distributed run draws its own dropout, Hide-and-Seek and CutMix
    randomness (identical draws on every GPU would repeat the same erasing
    for every shard of the batch). Rank 0 keeps the ``(seed, epoch)`` stream
    (our choice): single-process runs, and the demo tables made with them,
    are unchanged.
    """
    entropy = [seed % 2**32, epoch] + ([rank] if rank else [])
    return int(np.random.SeedSequence(entropy).generate_state(1)[0])


def seed_everything(seed: int) -> None:
    """Seed ``random``, ``numpy`` and ``torch`` (all devices).

    Unlike mmengine's ``set_random_seed`` this leaves the cuDNN determinism
    flags alone: those were set once from ``randomness`` by the runner.
    """
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device


@LOOPS.register_module()
class EpochSeededTrainLoop(EpochBasedTrainLoop):
    """``EpochBasedTrainLoop`` that re-seeds the global RNGs every epoch.

    The seed of epoch ``e`` on rank ``r`` is :func:`epoch_seed` of the
    runner's seed (the one stored in and restored from checkpoints), ``e``
    and ``r``: a function of the epoch and the rank only. Takes the same
    arguments as ``EpochBasedTrainLoop``; a config names it:
    ``train_cfg = dict(type='EpochSeededTrainLoop', max_epochs=...)``.
    """

    def run_epoch(self) -> None:
        """Seed from ``(seed, epoch, rank)``, then iterate one epoch."""
        seed_everything(epoch_seed(self.runner.seed, self._epoch, get_rank()))
        super().run_epoch()
