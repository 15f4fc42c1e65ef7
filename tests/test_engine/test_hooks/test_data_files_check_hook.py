import mmspg_toy_data as toy  # registered by tests/conftest.py
import pytest

from mmspg.engine.hooks import DataFilesCheckHook


def _runner(root, tmp_path):
    cfg = toy.load_toy_cfg(root)
    cfg.train_cfg.max_epochs = 1
    cfg.custom_hooks = [dict(type='DataFilesCheckHook')]
    return toy.build_runner(cfg, tmp_path / 'wd')


def test_missing_files_stop_the_run_before_training(tmp_path, one_thread):
    root = toy.make_toy_data(tmp_path / 'data', num_train=4, num_val=2)
    runner = _runner(root, tmp_path)
    # the folder data set lists its files when built: remove two after
    runner._train_loop = runner.build_train_loop(runner._train_loop)
    runner._val_loop = runner.build_val_loop(runner._val_loop)
    (root / 'train' / 'dark' / '001.png').unlink()
    (root / 'val' / 'bright' / '000.png').unlink()
    DataFilesCheckHook(enable=False).before_run(runner)  # the switch
    with pytest.raises(FileNotFoundError) as err:
        DataFilesCheckHook().before_run(runner)
    msg = str(err.value)
    assert '2 of the 12 data files' in msg  # 8 train + 4 val
    assert 'dark/001.png' in msg and 'bright/000.png' in msg
    assert 'check_data.py' in msg
    # in a run: raised in before_run, before the first iteration
    with pytest.raises(FileNotFoundError):
        runner.train()
    assert runner.iter == 0


def test_present_files_pass_and_are_counted(tmp_path, one_thread):
    root = toy.make_toy_data(tmp_path / 'data', num_train=4, num_val=2)
    runner = _runner(root, tmp_path)
    DataFilesCheckHook().before_run(runner)  # loops not built: nothing
    runner.train()
    assert runner.epoch == 1
