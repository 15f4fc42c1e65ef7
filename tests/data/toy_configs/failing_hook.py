"""A hook that raises on one rank (not a test module itself).

Configs name it through ``custom_imports=dict(imports=['failing_hook'])``
with tests/data/toy_configs on ``PYTHONPATH``; the distributed tests use it to
make one rank of a 2-process run fail while the other waits in a collective.
"""
import time

from mmengine.hooks import Hook
from mmengine.registry import HOOKS


@HOOKS.register_module()
class RaiseOnRankHook(Hook):
    """Raise ``RuntimeError`` on ``rank`` after ``after_iter`` iterations of
    training (``after_train_iter``) or testing (``after_test_iter``)."""

    def __init__(self, rank: int = 1, after_iter: int = 3):
        self.rank, self.after_iter = rank, after_iter
        self.test_iters = 0

    def _maybe_raise(self, runner, iters: int, mode: str) -> None:
        if runner.rank == self.rank and iters >= self.after_iter:
            raise RuntimeError(
                f'RaiseOnRankHook: simulated failure on rank {runner.rank} '
                f'after {iters} {mode} iterations at t={time.time():.3f}')

    def after_train_iter(self,
                         runner,
                         batch_idx,
                         data_batch=None,
                         outputs=None):
        self._maybe_raise(runner, runner.iter + 1, 'train')

    def after_test_iter(self,
                        runner,
                        batch_idx,
                        data_batch=None,
                        outputs=None):
        self.test_iters += 1
        self._maybe_raise(runner, self.test_iters, 'test')
