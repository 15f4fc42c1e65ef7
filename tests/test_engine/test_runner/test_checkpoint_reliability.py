"""Crash-safe training without a Runner subclass: atomic saves
(``WSOLCheckpointHook`` + ``AtomicLocalBackend``), auto-resume past corrupt
checkpoints (``resolve_auto_resume``), checked loading
(``WSOLCheckpointHook.after_load_checkpoint``), bit-identical resume
(``EpochSeededTrainLoop``), stale temporary files removed."""
import copy
import hashlib
import os
import os.path as osp
import shutil
import socket
import subprocess
import sys

import mmspg_toy_data as toy
import pytest
import torch
from mmengine.config import Config
from mmengine.fileio.backends import LocalBackend
from mmengine.hooks import CheckpointHook, Hook
from mmengine.runner import EpochBasedTrainLoop, Runner

from mmspg.engine.hooks import WSOLCheckpointHook
from mmspg.engine.runner import EpochSeededTrainLoop
from mmspg.utils import (ATOMIC_BACKEND, CheckpointMismatchError,
                         CorruptCheckpointError, checkpoint_resume)

MAX_EPOCHS = 3
REPO = osp.dirname(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))


def _train(cfg, work_dir, stop_after=None, **overrides):
    runner = toy.build_runner(cfg, work_dir, **overrides)
    if stop_after is not None:
        runner.register_hook(toy.stop_after_epoch(stop_after), 'LOWEST')
        with pytest.raises(KeyboardInterrupt):
            runner.train()
        return runner
    runner.train()
    return runner


def _val_top1(runner):
    return runner.message_hub.get_scalar('val/accuracy/top1').current()


def _losses(runner):
    return list(runner.message_hub.get_scalar('train/loss').data[0])


@pytest.fixture(scope='module')
def full_run(tmp_path_factory):
    """An uninterrupted 3-epoch run of the toy model (seed 0)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        root = toy.make_toy_data(tmp_path_factory.mktemp('data'))
        cfg = toy.load_toy_cfg(root)
        work_dir = tmp_path_factory.mktemp('full')
        runner = _train(cfg, work_dir)
    finally:
        torch.set_num_threads(before)
    return dict(
        cfg=cfg,
        work_dir=work_dir,
        weights=toy.model_weights(runner),
        top1=_val_top1(runner),
        losses=_losses(runner))


def test_uses_the_loop_of_the_config(toy_cfg, tmp_path):
    # the toy config names EpochSeededTrainLoop in train_cfg
    runner = toy.build_runner(toy_cfg, tmp_path)
    assert type(runner) is Runner  # mmengine's own, no subclass
    assert type(runner.train_loop) is EpochSeededTrainLoop
    assert runner.train_loop.max_epochs == MAX_EPOCHS
    # an epoch-based train_cfg without a type gets mmengine's loop: the
    # runner swaps nothing in
    toy_cfg.train_cfg = dict(by_epoch=True, max_epochs=2)
    runner = toy.build_runner(toy_cfg, tmp_path / 'plain')
    assert type(runner.train_loop) is EpochBasedTrainLoop


@pytest.mark.parametrize('config', [
    'configs/demo/spg_demo.py',
    'configs/spg/spg_inception-v3_2xb10_cub-321px.py',
    'configs/spg/spg_inception-v3_2xb10_in1k-321px.py'
])
def test_configs_choose_the_epoch_seeded_loop(config):
    cfg = Config.fromfile(osp.join(REPO, config))
    assert cfg.train_cfg.type == 'EpochSeededTrainLoop'
    assert 'by_epoch' not in cfg.train_cfg


def test_resume_after_kill_is_bit_identical(full_run, tmp_path):
    cfg = full_run['cfg']
    _train(cfg, tmp_path, stop_after=1)
    with open(tmp_path / 'last_checkpoint') as f:
        assert f.read().strip().endswith('epoch_1.pth')
    resumed = _train(cfg, tmp_path, resume=True)
    assert resumed.epoch == MAX_EPOCHS
    final = toy.model_weights(resumed)
    assert final.keys() == full_run['weights'].keys()
    for key, value in full_run['weights'].items():
        assert torch.equal(final[key], value), key
    assert _val_top1(resumed) == full_run['top1']
    # the last epoch's losses (4 iterations) are the same numbers too
    assert _losses(resumed)[-4:] == full_run['losses'][-4:]


def test_resume_falls_back_when_last_checkpoint_is_gone(full_run, tmp_path):
    # as left by CheckpointHook(max_keep_ckpts) + a crash: last_checkpoint
    # names a file that no longer exists
    for name in ('epoch_1.pth', 'epoch_2.pth'):
        shutil.copy(full_run['work_dir'] / name, tmp_path / name)
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'epoch_9.pth'))
    resumed = _train(full_run['cfg'], tmp_path, resume=True)
    final = toy.model_weights(resumed)
    for key, value in full_run['weights'].items():
        assert torch.equal(final[key], value), key


def _crash_in_put(monkeypatch, when):
    """Make LocalBackend.put write half of the bytes, then fail, for the
    file names ``when`` accepts: a crash in the middle of writing."""
    original = LocalBackend.put
    seen = []

    def put(self, obj, filepath):
        if when(str(filepath)):
            seen.append(str(filepath))
            with open(filepath, 'wb') as f:
                f.write(obj[:len(obj) // 2])
            raise OSError('simulated crash while writing a checkpoint')
        return original(self, obj, filepath)

    monkeypatch.setattr(LocalBackend, 'put', put)
    return seen


def _digest(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


@pytest.mark.parametrize('hook_type', ['WSOLCheckpointHook', 'CheckpointHook'])
def test_crash_while_saving(toy_cfg, tmp_path, monkeypatch, hook_type):
    """WSOLCheckpointHook: a crash while writing epoch_2 leaves epoch_1 and
    last_checkpoint intact and no file named epoch_2.pth. mmengine's
    CheckpointHook (the control) leaves a truncated epoch_2.pth behind."""
    seen = _crash_in_put(monkeypatch, lambda p: 'epoch_2.pth' in p)
    runner = toy.build_runner(
        toy_cfg, tmp_path, **{
            'train_cfg.max_epochs': 2,
            'default_hooks.checkpoint.type': hook_type
        })
    state = {}

    class Snapshot(Hook):
        """Records epoch_1.pth and last_checkpoint before the failing save."""

        def after_train_epoch(self, runner):
            if runner.epoch == 1:
                state['digest'] = _digest(tmp_path / 'epoch_1.pth')
                state['last'] = (tmp_path / 'last_checkpoint').read_text()

    runner.register_hook(Snapshot(), 'VERY_HIGH')
    with pytest.raises(OSError, match='simulated crash'):
        runner.train()
    assert seen, 'the crash was not triggered'

    assert _digest(tmp_path / 'epoch_1.pth') == state['digest']
    assert (tmp_path / 'last_checkpoint').read_text() == state['last']
    assert state['last'].strip().endswith('epoch_1.pth')
    if hook_type == 'WSOLCheckpointHook':
        assert not (tmp_path / 'epoch_2.pth').exists()
        leftovers = [n for n in os.listdir(tmp_path) if 'tmp' in n]
        assert leftovers == []
        # the crash hit the temporary file, not the final name
        assert all(
            osp.basename(p).startswith('.epoch_2.pth.tmp') for p in seen)
    else:
        assert (tmp_path / 'epoch_2.pth').exists()
        with pytest.raises(Exception):
            torch.load(tmp_path / 'epoch_2.pth')


def test_saved_checkpoint_is_complete(full_run):
    ckpt = torch.load(full_run['work_dir'] / 'epoch_3.pth')
    for key, value in full_run['weights'].items():
        assert torch.equal(ckpt['state_dict'][key], value), key
    assert not [n for n in os.listdir(full_run['work_dir']) if 'tmp' in n]


def test_load_from_mismatch_fails_before_work(full_run, tmp_path, monkeypatch):
    ckpt = torch.load(full_run['work_dir'] / 'epoch_3.pth')
    sd = ckpt['state_dict']
    sd['backbone.extra.weight'] = torch.zeros(3)  # unexpected
    sd.pop('backbone.layer1.0.conv1.weight')  # missing
    sd['head.layers.0.fc.weight'] = torch.zeros(5, 5)  # mis-shaped
    bad = tmp_path / 'bad.pth'
    torch.save(ckpt, bad)

    runner = toy.build_runner(
        full_run['cfg'], tmp_path / 'wd', load_from=str(bad))
    # nothing may be evaluated before the check
    monkeypatch.setattr(
        type(runner.model), 'test_step',
        lambda *a, **k: pytest.fail('evaluated before the checkpoint check'))
    with pytest.raises(CheckpointMismatchError) as err:
        runner.test()
    message = str(err.value)
    assert str(bad) in message
    assert 'backbone.extra.weight' in message
    assert 'backbone.layer1.0.conv1.weight' in message
    assert 'head.layers.0.fc.weight [5, 5] vs [16, 64]' in message

    # resuming from it is refused the same way, before any iteration
    runner = toy.build_runner(
        full_run['cfg'], tmp_path / 'wd2', load_from=str(bad), resume=True)
    monkeypatch.setattr(
        type(runner.model), 'train_step',
        lambda *a, **k: pytest.fail('trained before the checkpoint check'))
    with pytest.raises(CheckpointMismatchError, match='backbone.extra'):
        runner.train()


def test_load_from_fitting_checkpoint(full_run, tmp_path):
    runner = toy.build_runner(
        full_run['cfg'],
        tmp_path,
        load_from=str(full_run['work_dir'] / 'epoch_3.pth'))
    metrics = runner.test()
    assert metrics['accuracy/top1'] == full_run['top1']


# ---------------------------------------------------------------------------
# load_from fine-tunes (non-strict, logged); resume and evaluation stay strict
# ---------------------------------------------------------------------------
def _spg_cfg(toy_cfg):
    """The toy config with WSOLClassifier + SPGHead on the same backbone."""
    cfg = copy.deepcopy(toy_cfg)
    backbone = dict(cfg.model.backbone)
    backbone['out_indices'] = (1, 2, 3)
    cfg.model = dict(
        type='WSOLClassifier',
        data_preprocessor=cfg.model.data_preprocessor,
        backbone=backbone,
        head=dict(
            type='SPGHead',
            num_classes=2,
            in_channels=(16, 32, 64),
            mid_channels=16,
            guidance_channels=8,
            mask_size=8))
    cfg.val_dataloader = cfg.val_evaluator = cfg.val_cfg = None
    cfg.test_dataloader = cfg.test_evaluator = cfg.test_cfg = None
    return cfg


class _Recorder:
    """Collects the messages of a runner's logger.warning/info."""

    def __init__(self, runner, monkeypatch):
        self.lines = []
        for level in ('warning', 'info', 'log'):
            original = getattr(runner.logger, level)

            def record(*a, _orig=original, _level=level, **k):
                # log(level, msg) or warning(msg) / info(msg)
                self.lines.append(str(a[1] if _level == 'log' else a[0]))
                return _orig(*a, **k)

            monkeypatch.setattr(runner.logger, level, record)

    @property
    def text(self):
        return '\n'.join(self.lines)


class _StopBeforeTraining(Hook):
    """Snapshots the weights right after loading, then stops."""

    def __init__(self):
        self.weights = None

    def before_train(self, runner):
        self.weights = toy.model_weights(runner)
        raise KeyboardInterrupt('stop before the first iteration')


def test_load_from_a_classification_checkpoint_fine_tunes(
        toy_cfg, tmp_path, monkeypatch):
    # a plain mmpretrain ImageClassifier's state dict (another head)
    classifier = toy.build_runner(toy_cfg, tmp_path / 'cls').model
    torch.manual_seed(1)
    for p in classifier.parameters():
        torch.nn.init.normal_(p)
    cls_ckpt = tmp_path / 'classifier.pth'
    torch.save({'state_dict': classifier.state_dict(), 'meta': {}}, cls_ckpt)
    cls_weights = classifier.state_dict()

    runner = toy.build_runner(
        _spg_cfg(toy_cfg), tmp_path / 'spg', load_from=str(cls_ckpt))
    log = _Recorder(runner, monkeypatch)
    stop = _StopBeforeTraining()
    runner.register_hook(stop, 'VERY_HIGH')
    with pytest.raises(KeyboardInterrupt):
        runner.train()
    backbone = [k for k in cls_weights if k.startswith('backbone.')]
    assert backbone
    for key in backbone:
        assert torch.equal(stop.weights[key], cls_weights[key]), key
    # the log names the classifier's head keys it skipped and the SPG head's
    # keys it left at their initial values
    text = log.text
    assert str(cls_ckpt) in text
    assert f'loaded {len(backbone)} of' in text
    assert 'skipped, not in the model' in text
    assert 'head.layers.0.fc.weight' in text
    assert 'missing, kept at their initial values' in text
    spg_head = [k for k in stop.weights if k.startswith('head.')]
    assert spg_head[0] in text


def test_load_from_an_unrelated_checkpoint_is_refused(toy_cfg, tmp_path):
    unrelated = tmp_path / 'unrelated.pth'
    torch.save({'state_dict': {'encoder.w': torch.zeros(3)}}, unrelated)
    runner = toy.build_runner(
        toy_cfg, tmp_path / 'wd', load_from=str(unrelated))
    with pytest.raises(
            CheckpointMismatchError, match='not one of its 1 weights fits'):
        runner.train()


# ---------------------------------------------------------------------------
# Faults: corrupt newest checkpoint, stale temporary files
# ---------------------------------------------------------------------------
def test_auto_resume_skips_a_truncated_newest_checkpoint(
        full_run, tmp_path, monkeypatch):
    for name in ('epoch_1.pth', 'epoch_2.pth'):
        shutil.copy(full_run['work_dir'] / name, tmp_path / name)
    data = (full_run['work_dir'] / 'epoch_3.pth').read_bytes()
    (tmp_path / 'epoch_3.pth').write_bytes(data[:len(data) // 2])
    (tmp_path / 'epoch_2.pth.bak').write_bytes(b'')  # not a checkpoint name
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'epoch_3.pth'))
    # the choice is made before the runner exists (resolve_auto_resume in
    # tools/train.py and toy.build_runner), so its log is recorded there
    lines = []
    original = checkpoint_resume.print_log
    monkeypatch.setattr(
        checkpoint_resume, 'print_log', lambda msg, *a, **k:
        (lines.append(str(msg)), original(msg, *a, **k)))
    runner = toy.build_runner(full_run['cfg'], tmp_path, resume=True)
    runner.train()
    text = '\n'.join(lines)
    assert 'epoch_3.pth" is corrupt' in text
    assert 'Auto resumed from ' + str(tmp_path / 'epoch_2.pth') in text
    final = toy.model_weights(runner)
    for key, value in full_run['weights'].items():
        assert torch.equal(final[key], value), key


def test_auto_resume_refuses_when_every_checkpoint_is_corrupt(
        full_run, tmp_path):
    (tmp_path / 'epoch_1.pth').write_bytes(b'')
    (tmp_path / 'epoch_2.pth').write_bytes(os.urandom(100))
    with pytest.raises(CorruptCheckpointError, match='every checkpoint'):
        toy.build_runner(full_run['cfg'], tmp_path, resume=True).train()


def _dead_pid():
    proc = subprocess.Popen([sys.executable, '-c', 'pass'])
    proc.wait()
    return proc.pid


def test_stale_temporary_files_are_removed_live_ones_kept(toy_cfg, tmp_path):
    host = socket.gethostname().replace('-', '_')
    dead = _dead_pid()
    live = subprocess.Popen(
        [sys.executable, '-c', 'import time; '
         'time.sleep(60)'])
    try:
        names = {
            f'.epoch_2.pth.tmp-{host}-{dead}': False,  # killed save: removed
            f'.epoch_4.pth.tmp-{host}-{live.pid}': True,  # saving now
            f'.epoch_5.pth.tmp-{host}-{os.getpid()}': True,  # this process
            f'.epoch_6.pth.tmp-otherhost-{dead}': True,  # another machine
            'notes.tmp-1': True,  # not ours
        }
        for name in names:
            (tmp_path / name).write_bytes(b'x' * 10)
        runner = toy.build_runner(toy_cfg, tmp_path)
        _checkpoint_hook(runner).before_train(runner)  # training starts
        for name, kept in names.items():
            assert (tmp_path / name).exists() == kept, name
    finally:
        live.kill()
        live.wait()


def _checkpoint_hook(runner):
    return [h for h in runner.hooks if isinstance(h, WSOLCheckpointHook)][0]


def test_stale_temporary_files_cleaned_in_an_out_dir(toy_cfg, tmp_path):
    # CheckpointHook(out_dir=...) saves outside work_dir (into
    # out_dir/<work_dir name>): the folder saved into is cleaned
    host = socket.gethostname().replace('-', '_')
    out_dir = tmp_path / 'elsewhere' / 'wd'
    out_dir.mkdir(parents=True)
    stale = out_dir / f'.epoch_1.pth.tmp-{host}-{_dead_pid()}'
    stale.write_bytes(b'x')
    runner = toy.build_runner(
        toy_cfg, tmp_path / 'wd',
        **{'default_hooks.checkpoint.out_dir': str(tmp_path / 'elsewhere')})
    hook = _checkpoint_hook(runner)
    hook.before_train(runner)
    assert not stale.exists()
    runner.save_checkpoint(
        str(out_dir),
        'epoch_1.pth',
        save_optimizer=False,
        save_param_scheduler=False,
        backend_args=hook.backend_args)
    assert torch.load(out_dir / 'epoch_1.pth')['state_dict']
    assert not [n for n in os.listdir(out_dir) if 'tmp' in n]


def test_old_configs_with_wsol_runner_still_build(toy_cfg, tmp_path):
    """Configs of the last release set runner_type='mmspg.WSOLRunner': it
    builds mmengine's Runner, with a deprecation warning."""
    with pytest.warns(DeprecationWarning, match='WSOLRunner'):
        runner = toy.build_runner(
            toy_cfg, tmp_path, runner_type='mmspg.WSOLRunner')
    assert type(runner) is Runner
    assert _checkpoint_hook(runner).backend_args == dict(
        backend=ATOMIC_BACKEND)


def test_checkpoint_saved_the_old_way_resumes(full_run, tmp_path):
    """A checkpoint written before this change (a plain torch.save of the
    dict mmengine builds, no atomic backend) resumes through the new path."""
    ckpt = torch.load(full_run['work_dir'] / 'epoch_2.pth')
    torch.save(ckpt, tmp_path / 'epoch_2.pth')
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'epoch_2.pth'))
    resumed = _train(full_run['cfg'], tmp_path, resume=True)
    final = toy.model_weights(resumed)
    for key, value in full_run['weights'].items():
        assert torch.equal(final[key], value), key


def test_object_storage_keeps_mmengine_backend():
    assert WSOLCheckpointHook(interval=1).backend_args == dict(
        backend=ATOMIC_BACKEND)
    assert WSOLCheckpointHook(
        interval=1, out_dir='s3://bucket/ckpts').backend_args is None
    petrel = dict(backend='petrel')
    assert WSOLCheckpointHook(
        interval=1, backend_args=petrel).backend_args == petrel
    assert issubclass(WSOLCheckpointHook, CheckpointHook)
