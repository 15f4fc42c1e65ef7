import shutil
import sys

import pytest
import torch
from mmengine.config import Config


def _args(tools, monkeypatch, *argv):
    monkeypatch.setenv('LOCAL_RANK', '0')  # parse_args may set it
    monkeypatch.setattr(sys, 'argv', ['train.py', tools.toy.TOY_CONFIG, *argv])
    train = tools.load_tool('train')
    return train, train.parse_args()


def _merged(tools, monkeypatch, *argv):
    train, args = _args(tools, monkeypatch, *argv)
    return train.merge_args(Config.fromfile(args.config), args)


def test_resume_flags(tools, monkeypatch):
    cfg = _merged(tools, monkeypatch, '--resume')
    assert cfg.resume is True and cfg.load_from is None
    cfg = _merged(tools, monkeypatch, '--resume', 'wd/epoch_2.pth')
    assert cfg.resume is True and cfg.load_from == 'wd/epoch_2.pth'
    cfg = _merged(tools, monkeypatch)
    assert cfg.resume is False and cfg.load_from is None


def test_misc_flags(tools, monkeypatch):
    cfg = _merged(tools, monkeypatch, '--no-validate', '--work-dir', 'w',
                  '--launcher', 'pytorch', '--cfg-options',
                  'train_cfg.max_epochs=7')
    assert cfg.val_cfg is None and cfg.val_dataloader is None
    assert cfg.work_dir == 'w' and cfg.launcher == 'pytorch'
    assert cfg.train_cfg.max_epochs == 7
    # num_workers=0: no persistent workers (torch refuses them)
    assert cfg.train_dataloader.persistent_workers is False
    _, args = _args(tools, monkeypatch, '--local-rank', '3')
    assert args.local_rank == 3


def test_amp_on_cpu_is_a_clear_error(tools, monkeypatch):
    if torch.cuda.is_available():
        pytest.skip('the machine has CUDA: --amp is valid')
    with pytest.raises(SystemExit, match='--amp needs a CUDA'):
        _merged(tools, monkeypatch, '--amp')


def test_auto_scale_lr(tools, monkeypatch, toy_root, tmp_path):
    cfg = _merged(tools, monkeypatch, '--auto-scale-lr')
    assert cfg.auto_scale_lr.enable is True
    cfg.merge_from_dict(tools.toy.toy_cfg_dict(toy_root))
    cfg.merge_from_dict({'train_cfg.max_epochs': 1, 'log_level': 'WARNING'})
    # the toy recipe's base batch is 8; one process with batch 4 halves lr
    runner = tools.toy.build_runner(cfg, tmp_path)
    runner.train()
    group = runner.optim_wrapper.optimizer.param_groups[0]
    assert group['initial_lr'] == pytest.approx(0.05 * 4 / 8)

    train, args = _args(tools, monkeypatch, '--auto-scale-lr')
    bare = Config.fromfile(args.config)
    bare.pop('auto_scale_lr')
    with pytest.raises(SystemExit, match='base_batch_size'):
        train.merge_args(bare, args)


def test_runner_type_default_and_honoured(tools, monkeypatch, toy_root,
                                          tmp_path):
    from mmengine.runner import Runner
    train, args = _args(tools, monkeypatch, '--work-dir', str(tmp_path))
    cfg = train.merge_args(Config.fromfile(args.config), args)
    cfg.merge_from_dict(tools.toy.toy_cfg_dict(toy_root))
    assert 'runner_type' not in cfg
    assert type(train.build_runner(cfg.copy())) is Runner
    # a config's runner_type is built through the registry; the last
    # release's name still builds (mmengine's Runner, with a warning)
    cfg.runner_type = 'mmspg.WSOLRunner'
    cfg.experiment_name = 'runner_type_runner'
    with pytest.warns(DeprecationWarning, match='WSOLRunner'):
        assert type(train.build_runner(cfg)) is Runner


def _state(path):
    return torch.load(path, map_location='cpu')['state_dict']


def test_cli_resume_matches_uninterrupted(tools, toy_root, tmp_path):
    """tools/train.py --resume (auto) and --resume PATH continue a run that
    stopped after epoch 1/2 to the same final weights."""
    opts = ['--cfg-options', *tools.toy.toy_cfg_options(toy_root)]
    full = tmp_path / 'full'
    proc = tools.run_tool([
        sys.executable, 'tools/train.py', tools.toy.TOY_CONFIG, '--work-dir',
        str(full), *opts
    ])
    assert proc.returncode == 0, proc.stdout[-3000:]

    # what a kill right after epoch 1 leaves on disk
    auto = tmp_path / 'auto'
    auto.mkdir()
    shutil.copy(full / 'epoch_1.pth', auto / 'epoch_1.pth')
    (auto / 'last_checkpoint').write_text(str(auto / 'epoch_1.pth'))
    proc = tools.run_tool([
        sys.executable, 'tools/train.py', tools.toy.TOY_CONFIG, '--work-dir',
        str(auto), '--resume', *opts
    ])
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert 'resumed epoch: 1' in proc.stdout

    path = tmp_path / 'path'
    proc = tools.run_tool([
        sys.executable, 'tools/train.py', tools.toy.TOY_CONFIG, '--work-dir',
        str(path), '--resume',
        str(full / 'epoch_2.pth'), *opts
    ])
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert 'resumed epoch: 2' in proc.stdout

    expected = _state(full / 'epoch_3.pth')
    for work_dir in (auto, path):
        got = _state(work_dir / 'epoch_3.pth')
        assert got.keys() == expected.keys()
        for key in expected:
            assert torch.equal(got[key], expected[key]), (work_dir, key)
