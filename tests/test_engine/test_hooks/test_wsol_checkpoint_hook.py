"""WSOLCheckpointHook: a kill at any file operation of a checkpoint
replacement leaves a loadable best (and epoch) checkpoint."""
import glob
import os
import os.path as osp

import mmspg_toy_data as toy
import pytest
import torch
from mmengine.fileio.backends import LocalBackend
from mmengine.hooks import CheckpointHook

from mmspg.engine.hooks import WSOLCheckpointHook

METRIC = 'accuracy/top1'


class _Crash(Exception):
    """Stands for a kill -9 at that instant."""


def _runner(toy_root, work_dir, hook_type, **hook_args):
    cfg = toy.load_toy_cfg(toy_root)
    cfg.default_hooks.checkpoint = dict(
        type=hook_type, interval=1, **hook_args)
    runner = toy.build_runner(cfg, work_dir)
    hook = [h for h in runner.hooks if isinstance(h, CheckpointHook)][0]
    assert type(hook).__name__ == hook_type
    hook.before_train(runner)
    return runner, hook


def _set_epoch(runner, epoch):
    runner.train_loop._epoch = epoch


def _loadable(paths):
    ok = []
    for path in paths:
        try:
            torch.load(path)
        except Exception:
            continue
        ok.append(path)
    return ok


# Each file operation of a replacement: removing the old file, writing the
# temporary file, flushing it, renaming it to the final name.
_OPS = ['remove', 'put', 'fsync', 'replace']


def _inject(monkeypatch, op):
    """Make the first call of ``op`` raise, as a kill would stop there."""
    if op == 'remove':
        target, name = LocalBackend, 'remove'
    elif op == 'put':
        target, name = LocalBackend, 'put'
    else:
        target, name = os, op
    original = getattr(target, name)
    calls = []

    def crash(*args, **kwargs):
        calls.append(args)
        raise _Crash(f'killed in {op}')

    monkeypatch.setattr(target, name, crash)
    return lambda: monkeypatch.setattr(target, name, original), calls


@pytest.mark.parametrize('op', _OPS)
def test_best_survives_a_kill_at_each_operation(toy_root, tmp_path,
                                                monkeypatch, op):
    runner, hook = _runner(
        toy_root,
        tmp_path,
        'WSOLCheckpointHook',
        save_best=METRIC,
        rule='greater')
    _set_epoch(runner, 1)
    hook.after_val_epoch(runner, {METRIC: 50.0})
    first = glob.glob(str(tmp_path / 'best_*.pth'))
    assert [osp.basename(p)
            for p in first] == ['best_accuracy_top1_epoch_1.pth']
    _set_epoch(runner, 2)
    undo, calls = _inject(monkeypatch, op)
    with pytest.raises(_Crash):
        hook.after_val_epoch(runner, {METRIC: 60.0})
    undo()
    assert calls, f'{op} was not called during the replacement'
    assert _loadable(glob.glob(str(tmp_path /
                                   'best_*.pth'))), os.listdir(tmp_path)


def test_best_replaced_when_nothing_fails(toy_root, tmp_path):
    runner, hook = _runner(
        toy_root,
        tmp_path,
        'WSOLCheckpointHook',
        save_best=METRIC,
        rule='greater')
    for epoch, score in ((1, 50.0), (2, 60.0), (3, 55.0)):
        _set_epoch(runner, epoch)
        hook.after_val_epoch(runner, {METRIC: score})
    names = sorted(os.listdir(tmp_path))
    assert [n for n in names
            if n.startswith('best_')] == ['best_accuracy_top1_epoch_2.pth']
    assert not [n for n in names if 'tmp' in n]


def test_mmengine_hook_loses_the_best_control(toy_root, tmp_path, monkeypatch):
    """The fault this hook fixes: mmengine's CheckpointHook removes the old
    best first, so a kill while writing the new one leaves none."""
    runner, hook = _runner(
        toy_root, tmp_path, 'CheckpointHook', save_best=METRIC, rule='greater')
    _set_epoch(runner, 1)
    hook.after_val_epoch(runner, {METRIC: 50.0})
    _set_epoch(runner, 2)
    undo, _ = _inject(monkeypatch, 'put')
    with pytest.raises(_Crash):
        hook.after_val_epoch(runner, {METRIC: 60.0})
    undo()
    assert not _loadable(glob.glob(str(tmp_path / 'best_*.pth')))


@pytest.mark.parametrize('op', ['put', 'replace'])
def test_max_keep_ckpts_removes_only_after_saving(toy_root, tmp_path,
                                                  monkeypatch, op):
    args = dict(
        max_keep_ckpts=1, save_optimizer=False, save_param_scheduler=False)
    runner, hook = _runner(toy_root, tmp_path, 'WSOLCheckpointHook', **args)
    for epoch in (0, 1):
        _set_epoch(runner, epoch)
        hook.after_train_epoch(runner)
    # without a fault the rotation still keeps one checkpoint
    assert sorted(n for n in os.listdir(tmp_path)
                  if n.endswith('.pth')) == ['epoch_2.pth']
    _set_epoch(runner, 2)
    undo, _ = _inject(monkeypatch, op)
    with pytest.raises(_Crash):
        hook.after_train_epoch(runner)
    undo()
    assert _loadable([str(tmp_path / 'epoch_2.pth')])


def test_is_a_checkpoint_hook():
    assert issubclass(WSOLCheckpointHook, CheckpointHook)
