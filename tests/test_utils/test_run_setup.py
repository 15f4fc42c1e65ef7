import pytest
from mmengine.config import Config

from mmspg.utils import (batch_size_warning, log_run_summary, run_setup,
                         run_summary)


def _cfg(batch=32, base=32, enable=None, lr=0.01):
    scale = dict(base_batch_size=base)
    if enable is not None:
        scale['enable'] = enable
    return Config(
        dict(
            train_dataloader=dict(batch_size=batch),
            test_dataloader=dict(batch_size=5),
            optim_wrapper=dict(optimizer=dict(type='SGD', lr=lr)),
            auto_scale_lr=scale))


@pytest.fixture
def world(monkeypatch):

    def set_world(size):
        monkeypatch.setattr(run_setup, 'get_world_size', lambda: size)

    return set_world


def test_summary_and_no_warning_at_the_recipe_batch(world):
    world(1)
    s = run_summary(_cfg())
    assert s['device'] == 'cpu'
    assert (s['world_size'], s['batch_per_process'], s['total_batch'], s['lr'],
            s['lr_used']) == (1, 32, 32, 0.01, 0.01)
    assert batch_size_warning(s) is None
    t = run_summary(_cfg(), 'test')
    assert t['total_batch'] == 5 and 'lr' not in t


def test_eight_gpus_warn_and_say_what_to_pass(world):
    world(8)
    s = run_summary(_cfg())
    assert s['total_batch'] == 256
    msg = batch_size_warning(s)
    assert 'total batch 256 (8 process(es) x 32)' in msg
    assert "not the recipe's 32" in msg
    assert '--auto-scale-lr' in msg and '0.08' in msg
    assert 'train_dataloader.batch_size=4' in msg
    # with --auto-scale-lr: the scaled lr, no warning
    s = run_summary(_cfg(enable=True))
    assert s['lr_used'] == pytest.approx(0.08)
    assert batch_size_warning(s) is None
    # a base batch the world size does not divide: only --auto-scale-lr
    world(3)
    msg = batch_size_warning(run_summary(_cfg(batch=10, base=20)))
    assert '--auto-scale-lr' in msg and 'batch_size=' not in msg


def test_log_run_summary_logs_once(world):
    world(2)

    class Logger:

        def __init__(self):
            self.lines = []

        def info(self, msg):
            self.lines.append(('info', msg))

        def warning(self, msg):
            self.lines.append(('warning', msg))

    class Runner:
        cfg = _cfg(batch=10, base=20, lr=0.001)
        logger = Logger()

    runner = Runner()
    log_run_summary(runner)
    assert runner.logger.lines == [
        ('info', 'Run set-up: device cpu, world size 2, batch 10 per '
         'process, 20 in total, lr 0.001')
    ]
    world(4)
    runner.logger.lines.clear()
    log_run_summary(runner)
    assert [kind for kind, _ in runner.logger.lines] == ['info', 'warning']
