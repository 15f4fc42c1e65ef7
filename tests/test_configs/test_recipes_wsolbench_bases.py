"""One set of WSOL-benchmark bases (configs/_base_/*wsolbench*) serves the
SPG recipes (configs/spg/*-wsolbench_*.py) and the method zoo
(configs/{cam,has,acol,adl,cutmix}/): the same data, evaluator and schedule
facts reach both, and the batch a file name states is the batch it trains
with."""
import glob
import os.path as osp
import re

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

from mmspg.registry import MODELS, PARAM_SCHEDULERS

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
RECIPES = sorted(
    osp.relpath(p, REPO)
    for p in glob.glob(osp.join(REPO, 'configs', '*', '*.py'))
    if '_base_' not in p)
# (SPG recipe, method-zoo recipe) on the same data set
PAIRS = [
    ('spg/spg_inception-v3-wsolbench_1xb32_cub.py',
     'cam/cam_inception-v3_1xb32_cub.py'),
    ('spg/spg_inception-v3-wsolbench_1xb64_in1k.py',
     'cam/cam_inception-v3_1xb32_in1k.py'),
    ('spg/spg_inception-v3-wsolbench_1xb64_openimages.py',
     'cam/cam_inception-v3_1xb32_openimages.py'),
]
# the OpenImages recipes without tuned values (CAM has them)
OPENIMAGES_EXAMPLE = sorted(
    p for p in RECIPES
    if re.search(r'/(has|acol|adl|cutmix)_.*'
                 r'_openimages\.py$', p))


def _cfg(path):
    return Config.fromfile(osp.join(REPO, path))


@pytest.mark.parametrize('path',
                         [p for p in RECIPES if re.search(r'_\d+xb\d+_', p)])
def test_batch_in_the_name_is_the_batch_trained(path):
    per_gpu = int(re.search(r'_\d+xb(\d+)_', osp.basename(path)).group(1))
    assert _cfg(path).train_dataloader.batch_size == per_gpu


@pytest.mark.parametrize('path', RECIPES)
def test_every_train_loop_is_epoch_seeded(path):
    train_cfg = _cfg(path).train_cfg
    assert train_cfg.type == 'EpochSeededTrainLoop'
    assert 'by_epoch' not in train_cfg


@pytest.mark.parametrize('spg, cam', PAIRS)
def test_one_data_base_for_spg_and_the_method_zoo(spg, cam):
    a, b = _cfg(f'configs/{spg}'), _cfg(f'configs/{cam}')
    for split in ('train', 'val', 'test'):
        assert a[f'{split}_dataloader'].dataset == \
            b[f'{split}_dataloader'].dataset, split
    assert a.val_dataloader.batch_size == b.val_dataloader.batch_size == 64
    assert a.data_preprocessor == b.data_preprocessor
    assert a.test_evaluator == b.test_evaluator
    # batch 32 where tuned (every CUB cell, CAM everywhere), else the
    # benchmark default (config.py:189)
    assert a.train_dataloader.batch_size == (32 if 'cub' in spg else 64)
    assert b.train_dataloader.batch_size == 32
    if 'cub' in spg:  # both tuned: one CUB schedule, each its own lr
        for key in ('param_scheduler', 'train_cfg', 'auto_scale_lr'):
            assert a[key] == b[key], key
        assert a.optim_wrapper.optimizer.weight_decay == \
            b.optim_wrapper.optimizer.weight_decay == 5e-4


@pytest.mark.parametrize('path', OPENIMAGES_EXAMPLE)
def test_openimages_example_recipe(path):
    """README.md:536-552: batch 32, 10 epochs, lr 0.00227913316 decayed x0.1
    every 3 epochs by adjust_learning_rate(epoch + 1) (main.py:337-340,
    370), weight decay 5e-4; momentum / nesterov as config.py's defaults."""
    cfg = _cfg(path)
    assert cfg.train_dataloader.batch_size == 32
    assert cfg.auto_scale_lr.base_batch_size == 32
    assert cfg.train_cfg.max_epochs == 10
    opt_cfg = cfg.optim_wrapper.optimizer
    assert opt_cfg.lr == 0.00227913316
    assert opt_cfg.weight_decay == 5e-4
    assert opt_cfg.momentum == 0.9 and opt_cfg.nesterov is True
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))],
                                lr=opt_cfg.lr)
    scheduler = PARAM_SCHEDULERS.build(
        dict(cfg.param_scheduler, optimizer=optimizer))
    bench_lr = opt_cfg.lr
    for epoch in range(cfg.train_cfg.max_epochs):  # 0-based, as main.py
        if (epoch + 1) % 3 == 0:
            bench_lr *= 0.1
        assert optimizer.param_groups[0]['lr'] == pytest.approx(bench_lr)
        scheduler.step()


def test_benchmark_inception_cam_shares_the_spg_trunk():
    """The benchmark's InceptionCam and InceptionSpg have one trunk
    (wsol/inception.py:134-154, 183-184): the CAM base inherits the SPG
    one, so the two build the same backbone parameters."""
    init_default_scope('mmspg')
    base = osp.join(REPO, 'configs', '_base_', 'models')
    spg = Config.fromfile(osp.join(base, 'spg_inception_v3_wsolbench.py'))
    cam = Config.fromfile(osp.join(base, 'wsol_inception_v3.py'))
    a, b = dict(spg.model.backbone), dict(cam.model.backbone)
    assert a.pop('out_indices') == ('Mixed_5d', 'Mixed_6d', 'Mixed_6e')
    assert b.pop('out_indices') == ('Mixed_6e', )
    assert a == b
    assert b['variant'] == 'wsol-benchmark'
    assert b['large_feature_map'] is False  # config.py:204
    # the Google weights the benchmark names (wsol/inception.py:22)
    assert b['init_cfg']['checkpoint'].endswith(
        'inception_v3_google-1a9a5a14.pth')
    assert cam.model.head.type == 'CAMHead'
    assert 'seed_b2' not in cam.model.head  # _delete_ dropped SPGHead's keys
    a['init_cfg'] = b['init_cfg'] = None
    shapes = [{
        k: v.shape
        for k, v in MODELS.build(c).state_dict().items()
    } for c in (a, b)]
    assert shapes[0] == shapes[1]
