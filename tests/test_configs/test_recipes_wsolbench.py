"""The WSOL-benchmark protocol recipes (configs/spg/*-wsolbench_*.py) are
that protocol: each fact is checked against the line of
clovaai/wsolevaluation it comes from. The CUB recipe's tuned values are
checked by test_recipes_wsolbench_tuned.py; the ImageNet one keeps
config.py's defaults, checked here."""
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope

from mmspg.registry import MODELS, PARAM_SCHEDULERS, TRANSFORMS

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CUB = 'configs/spg/spg_inception-v3-wsolbench_1xb32_cub.py'
IN1K = 'configs/spg/spg_inception-v3-wsolbench_1xb64_in1k.py'
OPENIMAGES = 'configs/spg/spg_inception-v3-wsolbench_1xb64_openimages.py'
ALL = [(CUB, 'CUB', 200), (IN1K, 'ILSVRC', 1000),
       (OPENIMAGES, 'OpenImages', 100)]


def _cfg(path):
    return Config.fromfile(osp.join(REPO, path))


@pytest.fixture(scope='module')
def default_model():
    init_default_scope('mmspg')
    cfg = _cfg(IN1K)
    cfg.model.backbone.init_cfg = None  # no download here
    torch.manual_seed(0)
    return MODELS.build(cfg.model), cfg


def _sizes(pipeline, img):
    results = dict(
        img=img,
        img_shape=img.shape[:2],
        ori_shape=img.shape[:2],
        gt_bboxes=np.zeros((1, 4), np.float32))
    out = []
    for t in pipeline:
        if t['type'] in ('LoadImageFromFileWSOL', 'PackInputs'):
            continue
        results = TRANSFORMS.build(t)(results)
        out.append((t['type'], tuple(results['img'].shape[:2])))
    return out


@pytest.mark.parametrize('path, name, num_classes', ALL)
def test_splits_data_and_selection(path, name, num_classes):
    init_default_scope('mmspg')
    cfg = _cfg(path)
    # metadata splits: train (train-weaksup), val (train-fullsup), test
    # (README lines 87-91); one image root for all (config.py line 71)
    roots = [
        cfg[f'{s}_dataloader'].dataset.metadata_root
        for s in ('train', 'val', 'test')
    ]
    assert roots == [f'metadata/{name}/{s}' for s in ('train', 'val', 'test')]
    prefixes = {
        cfg[f'{s}_dataloader'].dataset.data_prefix
        for s in ('train', 'val', 'test')
    }
    assert prefixes == {f'dataset/{name}'}
    # selection on val (main.py lines 373-376) which is not the reported
    # test split; the benchmark reports the last checkpoint (config.py
    # line 183), which the default CheckpointHook keeps
    assert cfg.default_hooks.checkpoint.save_best.startswith('wsol/')
    assert cfg.val_dataloader.dataset.metadata_root != \
        cfg.test_dataloader.dataset.metadata_root
    assert cfg.train_cfg.val_interval == 1
    # transforms (data_loaders.py lines 210-225; config.py lines 173, 175)
    img = np.random.RandomState(0).randint(0, 255, (300, 500, 3), np.uint8)
    assert _sizes(cfg.train_dataloader.dataset.pipeline,
                  img)[:2] == [('Resize', (256, 256)),
                               ('BoxAwareRandomCrop', (224, 224))]
    assert _sizes(cfg.test_dataloader.dataset.pipeline,
                  img) == [('Resize', (224, 224))]
    assert cfg.val_dataloader.dataset.pipeline == \
        cfg.test_dataloader.dataset.pipeline
    assert cfg.test_evaluator.cam_curve_interval == 0.001  # config.py 171
    if name == 'OpenImages':  # masks: PxAP
        assert cfg.test_evaluator.type == 'PxAPMetric'
    else:
        assert cfg.test_evaluator.type == 'WSOLMetric'
        assert cfg.test_evaluator.box_frame == 'benchmark'
        assert tuple(cfg.test_evaluator.iou_thresholds) == (30, 50, 70)
    assert cfg.model.head.num_classes == num_classes
    assert cfg.data_preprocessor.num_classes == num_classes
    if path != CUB:  # CUB: its tuned batch 32 and thresholds
        # batch 64 on one GPU (config.py line 189)
        assert cfg.train_dataloader.batch_size == 64
        # the benchmark's SPG thresholds (config.py lines 213-224)
        head = cfg.model.head
        assert (head.seed_b2.high_thr, head.seed_b2.low_thr) == (0.7, 0.01)
        assert (head.seed_b1.high_thr, head.seed_b1.low_thr) == (0.5, 0.05)
        assert (head.seed_c.high_thr, head.seed_c.low_thr) == (0.7, 0.1)
    assert cfg.model.backbone.variant == 'wsol-benchmark'
    assert cfg.model.backbone.large_feature_map is False  # config.py 204
    assert cfg.model.backbone.transform_input is False


def test_maps_are_14x14_at_224(default_model):
    """The pool after Mixed_5d (wsol/inception.py lines 364-365) halves the
    maps; B1 is tapped after it (line 367)."""
    model, _ = default_model
    model.eval()
    with torch.no_grad():
        feats = model.extract_feat(torch.rand(1, 3, 224, 224))
    assert [tuple(f.shape[-2:]) for f in feats] == [(14, 14)] * 3


def test_lr_of_every_parameter_group(default_model):
    """main.py lines 130-162: the Inception trunk ('Mixed', 'Conv2d_1..4')
    at lr 0.01, every other parameter (the SPG head) at 10x; wd 1e-4,
    momentum 0.9, nesterov for all."""
    model, cfg = default_model
    opt = build_optim_wrapper(model, cfg.optim_wrapper).optimizer
    names = {id(p): n for n, p in model.named_parameters()}
    trunk = ('Mixed', 'Conv2d_1', 'Conv2d_2', 'Conv2d_3', 'Conv2d_4')
    seen = set()
    for group in opt.param_groups:
        assert group['nesterov'] is True
        assert group['momentum'] == 0.9
        assert group['weight_decay'] == 0.0001
        for p in group['params']:
            name = names[id(p)]
            seen.add(name)
            in_trunk = any(k in name for k in trunk)
            assert in_trunk == name.startswith('backbone.'), name
            expected = 0.01 if in_trunk else 0.1
            assert group['lr'] == pytest.approx(expected), name
    assert seen == set(names.values())


def test_schedule_matches_adjust_learning_rate(default_model):
    """main.py: adjust_learning_rate(epoch + 1) before each epoch (line
    370) multiplies by 0.1 when (epoch + 1) % lr_decay_frequency == 0
    (lines 337-340; 30, config.py line 195); 40 epochs (line 166)."""
    model, cfg = default_model
    assert cfg.train_cfg.max_epochs == 40
    opt = build_optim_wrapper(model, cfg.optim_wrapper).optimizer
    sched_cfg = dict(cfg.param_scheduler, optimizer=opt)
    scheduler = PARAM_SCHEDULERS.build(sched_cfg)
    bench_lr = 0.01
    for epoch in range(cfg.train_cfg.max_epochs):  # 0-based, as main.py
        if epoch + 1 != 0 and (epoch + 1) % 30 == 0:
            bench_lr *= 0.1
        trunk_lr = min(g['lr'] for g in opt.param_groups)
        assert trunk_lr == pytest.approx(bench_lr), epoch
        scheduler.step()
    assert bench_lr == pytest.approx(0.001)  # one decay within 40 epochs
