"""NumClassesCheckHook: a head with more or fewer classes than the data set
stops before the first iteration, naming both numbers."""
import os.path as osp

import mmspg_toy_data as toy
import pytest
from mmengine.config import Config

from mmspg.engine.hooks import NumClassesMismatchError

REPO = osp.dirname(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))


@pytest.fixture(autouse=True)
def _single_thread(one_thread):
    pass


@pytest.mark.parametrize('head, effect', [
    (1, 'labels 1..1 are out of range of the head'),
    (4, '2 classes of the head would never be seen'),
])
def test_head_classes_must_be_the_data_sets(toy_root, tmp_path, head, effect):
    cfg = toy.load_toy_cfg(toy_root)  # 2 classes
    cfg.custom_hooks = [dict(type='NumClassesCheckHook')]
    cfg.model.head.num_classes = head
    runner = toy.build_runner(cfg, tmp_path)
    with pytest.raises(NumClassesMismatchError) as err:
        runner.train()
    msg = str(err.value)
    assert f'model.head.num_classes={head} but the train data set' in msg
    assert 'has 2 classes' in msg and effect in msg
    assert 'Set model.head.num_classes=2' in msg
    assert runner.iter == 0  # before any iteration
    # the same for testing
    runner = toy.build_runner(cfg, tmp_path / 'test')
    with pytest.raises(NumClassesMismatchError, match='the test data set'):
        runner.test()


def test_matching_head_trains(toy_root, tmp_path):
    cfg = toy.load_toy_cfg(toy_root)
    cfg.custom_hooks = [dict(type='NumClassesCheckHook')]
    cfg.train_cfg.max_epochs = 1
    runner = toy.build_runner(cfg, tmp_path)
    runner.train()
    assert runner.iter > 0


def test_default_runtime_enables_the_fault_hooks():
    cfg = Config.fromfile(osp.join(REPO, 'configs/demo/spg_demo.py'))
    types = {h['type'] for h in cfg.default_hooks.values() if h}
    assert {
        'SyncBuffersHook', 'NonFiniteCheckHook', 'FinalValidationHook',
        'NumClassesCheckHook'
    } <= types


def test_the_switch_turns_the_check_off(toy_root, tmp_path):
    cfg = toy.load_toy_cfg(toy_root)
    cfg.custom_hooks = [dict(type='NumClassesCheckHook', enable=False)]
    cfg.model.head.num_classes = 4  # trains, with 2 phantom classes
    cfg.train_cfg.max_epochs = 1
    runner = toy.build_runner(cfg, tmp_path)
    runner.train()
    assert runner.iter > 0
