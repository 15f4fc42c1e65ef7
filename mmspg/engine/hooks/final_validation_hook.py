"""``FinalValidationHook``: the last evaluation of a run is never lost.

Why: mmengine saves the last epoch's checkpoint before its validation. A
run killed during that validation and resumed starts at
``epoch == max_epochs``; mmengine's loop then trains nothing, validates
nothing and exits 0 (``EpochBasedTrainLoop.run``). For a recipe that
validates only at the end (the demo), the run's one result is silently
never produced.

This hook (ours) records each finished validation of training in
``<work_dir>/last_validation.json`` (epoch, iteration, metrics; written
atomically by the main process). When training ends (``after_train``) and
the record is not that of the run's last iteration:

* if this process trained nothing (a resume of a finished training whose
  final validation never completed), it runs that validation now;
* otherwise (e.g. ``val_begin`` past ``max_epochs``) it raises
  :class:`FinalMetricsMissingError`, so the run exits non-zero saying so.

Runs without a validation loop (``--no-validate``, ``val_cfg=None``) have no
final metrics and are left alone.
"""
import json
import os
import os.path as osp
import time
from typing import Optional

from mmengine.dist import broadcast_object_list, is_main_process
from mmengine.hooks import Hook

from mmspg.registry import HOOKS

__all__ = ['FinalValidationHook', 'FinalMetricsMissingError', 'RECORD_NAME']

#: The record's file name in the work dir.
RECORD_NAME = 'last_validation.json'


class FinalMetricsMissingError(RuntimeError):
    """Training ended without the validation of its last checkpoint."""


def _number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


@HOOKS.register_module()
class FinalValidationHook(Hook):
    """Run a final validation that a resumed run skipped; fail a run that
    ends without one. Config (``default_runtime.py`` adds
    it)::

        default_hooks = dict(final_validation=dict(
            _scope_='mmspg', type='FinalValidationHook'))

    Args:
        enable (bool): The config switch, off with
            ``default_hooks.final_validation.enable=False`` (mmengine
            refuses ``=None`` for a default hook it does not define itself).
            Defaults to True.
    """

    # after the checkpoint hook's after_val_epoch (save_best) has run
    priority = 'LOWEST'

    def __init__(self, enable: bool = True) -> None:
        self.enable = enable
        self._start_iter: Optional[int] = None

    @staticmethod
    def record_path(runner) -> str:
        return osp.join(runner.work_dir, RECORD_NAME)

    def before_train(self, runner) -> None:
        """Remember where this process starts (after a resume's load)."""
        if self.enable:
            self._start_iter = runner.iter

    def after_val_epoch(self, runner, metrics: Optional[dict] = None) -> None:
        """Record a finished validation of training (main process)."""
        if self._start_iter is None or not is_main_process():
            return  # runner.val() / test(): not training
        record = dict(
            epoch=runner.epoch,
            iter=runner.iter,
            time=time.strftime('%Y-%m-%dT%H:%M:%S%z'),
            metrics={
                k: _number(v)
                for k, v in (metrics or {}).items()
            })
        path = self.record_path(runner)
        tmp = f'{path}.tmp-{os.getpid()}'
        with open(tmp, 'w', encoding='utf-8') as f:
            json.dump(record, f, indent=1)
        os.replace(tmp, path)

    def _recorded_iter(self, runner) -> Optional[int]:
        try:
            with open(self.record_path(runner), encoding='utf-8') as f:
                return int(json.load(f).get('iter'))
        except (OSError, ValueError, TypeError, AttributeError):
            return None

    def after_train(self, runner) -> None:
        """Validate the last checkpoint if that never completed."""
        if not self.enable or runner.val_loop is None:
            return
        state = [None]
        if is_main_process():
            state[0] = self._recorded_iter(runner)
        # every rank takes the same branch (validation is collective)
        broadcast_object_list(state)
        if state[0] == runner.iter:
            return
        if runner.iter == self._start_iter:
            runner.logger.warning(
                f'The validation of the last checkpoint (epoch '
                f'{runner.epoch}, iteration {runner.iter}) never completed '
                f'(no record in {self.record_path(runner)}): running it '
                'now.')
            runner.val_loop.run()
            return
        raise FinalMetricsMissingError(
            f'Training ended at epoch {runner.epoch} (iteration '
            f'{runner.iter}) without validating its last checkpoint '
            f'(last record in {self.record_path(runner)}: iteration '
            f'{state[0]}). Check train_cfg.val_begin/val_interval, or '
            'evaluate the checkpoint with tools/test.py.')
