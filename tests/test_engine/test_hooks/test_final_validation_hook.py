"""FinalValidationHook: a resume whose final validation never completed
runs it; a run that ends without its final metrics fails."""
import json

import mmspg_toy_data as toy
import pytest
from mmengine.hooks import Hook

from mmspg.engine.hooks import FinalMetricsMissingError
from mmspg.engine.hooks.final_validation_hook import RECORD_NAME

MAX_EPOCHS = 2


@pytest.fixture(autouse=True)
def _single_thread(one_thread):
    pass


class _KillInFinalValidation(Hook):
    """Stands for a SIGTERM during the last epoch's validation (once)."""

    def __init__(self):
        self.fired = False

    def before_val_epoch(self, runner):
        if runner.epoch == MAX_EPOCHS and not self.fired:
            self.fired = True
            raise KeyboardInterrupt('simulated kill in the final validation')


class _CountVal(Hook):

    def __init__(self):
        self.count = 0

    def after_val_epoch(self, runner, metrics=None):
        self.count += 1


def _cfg(toy_root):
    cfg = toy.load_toy_cfg(toy_root)
    cfg.train_cfg.max_epochs = MAX_EPOCHS
    cfg.custom_hooks = [dict(type='FinalValidationHook')]
    return cfg


def _record(work_dir):
    with open(work_dir / RECORD_NAME) as f:
        return json.load(f)


def test_resume_runs_the_final_validation_a_kill_skipped(toy_root, tmp_path):
    cfg = _cfg(toy_root)
    full = toy.build_runner(cfg, tmp_path / 'full')
    full.train()
    expected = _record(tmp_path / 'full')
    assert expected['epoch'] == MAX_EPOCHS and expected['metrics']

    work_dir = tmp_path / 'killed'
    runner = toy.build_runner(cfg, work_dir)
    runner.register_hook(_KillInFinalValidation(), 'VERY_HIGH')
    with pytest.raises(KeyboardInterrupt):
        runner.train()
    assert (work_dir / f'epoch_{MAX_EPOCHS}.pth').is_file()
    assert _record(work_dir)['epoch'] == MAX_EPOCHS - 1

    # mmengine's loop alone would train nothing and validate nothing here
    resumed = toy.build_runner(cfg, work_dir, resume=True)
    counter = _CountVal()
    resumed.register_hook(counter)
    resumed.train()
    assert counter.count == 1
    record = _record(work_dir)
    assert record['epoch'] == MAX_EPOCHS and record['iter'] == resumed.iter
    # the metrics of the uninterrupted run's final validation
    assert record['metrics'] == expected['metrics']

    # a resume of a run whose final validation completed validates nothing
    again = toy.build_runner(cfg, work_dir, resume=True)
    counter = _CountVal()
    again.register_hook(counter)
    again.train()
    assert counter.count == 0


def test_run_ending_without_final_metrics_fails(toy_root, tmp_path):
    cfg = _cfg(toy_root)
    cfg.train_cfg.val_begin = MAX_EPOCHS + 1  # never validates
    runner = toy.build_runner(cfg, tmp_path)
    with pytest.raises(
            FinalMetricsMissingError,
            match=f'Training ended at epoch {MAX_EPOCHS}'):
        runner.train()


def test_no_validation_loop_needs_no_final_metrics(toy_root, tmp_path):
    cfg = _cfg(toy_root)
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    toy.build_runner(cfg, tmp_path).train()
    assert not (tmp_path / RECORD_NAME).exists()
