"""PxAPMetric on OpenImages-style samples (masks): PxAP and PIoU, by hand
and through the Runner against tools/eval_scoremaps.py --mask-root."""
import importlib.util
import os.path as osp
import sys

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner
from mmpretrain.structures import DataSample

from mmspg.registry import METRICS

TESTS = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
REPO = osp.dirname(TESTS)
_spec = importlib.util.spec_from_file_location(
    'openimages_layout', osp.join(TESTS, 'data', 'openimages_layout.py'))
_layout = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_layout)


def _mask_sample(tmp_path, name, loc_map, fg, ignore=None, label=0):
    """A packed sample whose mask file holds ``fg`` (224 x 224 bool)."""
    mask_path = str(tmp_path / f'{name}_m.png')
    cv2.imwrite(mask_path, fg.astype(np.uint8) * 255)
    ignore_path = ''
    if ignore is not None:
        ignore_path = str(tmp_path / f'{name}_ignore.png')
        cv2.imwrite(ignore_path, ignore.astype(np.uint8) * 255)
    ds = DataSample().set_gt_label(label).set_pred_score(
        torch.tensor([0.7, 0.3]))
    ds.set_field(torch.as_tensor(loc_map, dtype=torch.float32), 'gt_loc_map')
    ds.set_field([mask_path], 'gt_mask_paths')
    ds.set_field(ignore_path, 'ignore_mask_path')
    ds.set_field(name, 'image_id', field_type='metainfo')
    return ds.to_dict()


def test_perfect_and_inverted_maps_by_hand(tmp_path):
    fg = np.zeros((224, 224), bool)
    fg[50:150, 60:120] = True
    metric = METRICS.build(dict(type='PxAPMetric'))
    metric.process(None, [_mask_sample(tmp_path, 'a', fg * 1.0, fg)])
    out = metric.compute_metrics(metric.results)
    assert out['pxap'] == pytest.approx(100.0)
    assert out['piou'] == pytest.approx(100.0)
    assert out['top1_cls'] == 100.0
    # inverted map: precision of the first positive bin is 0 ... the AP is
    # the foreground fraction (every threshold includes all background)
    metric = METRICS.build(dict(type='PxAPMetric'))
    metric.process(None, [_mask_sample(tmp_path, 'b', 1.0 - fg, fg)])
    out = metric.compute_metrics(metric.results)
    frac = fg.mean() * 100
    assert out['pxap'] == pytest.approx(frac, abs=1e-6)
    assert out['piou'] == pytest.approx(frac, abs=1e-6)  # threshold 0


def test_ignore_region_counts_in_neither_class(tmp_path):
    fg = np.zeros((224, 224), bool)
    fg[:100] = True
    ignore = np.zeros((224, 224), bool)
    ignore[150:] = True
    loc_map = fg * 1.0
    loc_map[150:] = 1.0  # false positives, but only inside the ignore box
    metric = METRICS.build(dict(type='PxAPMetric'))
    metric.process(None,
                   [_mask_sample(tmp_path, 'c', loc_map, fg, ignore=ignore)])
    assert metric.compute_metrics(
        metric.results)['pxap'] == pytest.approx(100.0)


def _runner_cfg(oi, work_dir, dump):
    pack = dict(
        type='PackInputs',
        algorithm_keys=[
            'gt_bboxes', 'ori_gt_bboxes', 'image_id', 'gt_mask_paths',
            'ignore_mask_path'
        ],
        meta_keys=['sample_idx', 'img_path', 'ori_shape', 'img_shape'])
    return Config(
        dict(
            default_scope='mmspg',
            custom_imports=dict(imports=['mmspg'], allow_failed_imports=False),
            work_dir=work_dir,
            model=dict(
                type='WSOLClassifier',
                data_preprocessor=dict(
                    num_classes=2,
                    mean=[127.5] * 3,
                    std=[127.5] * 3,
                    to_rgb=True),
                backbone=dict(
                    type='ResNet',
                    depth=18,
                    stem_channels=8,
                    base_channels=8,
                    strides=(1, 2, 1, 1),
                    out_indices=(3, )),
                head=dict(
                    type='CAMHead', num_classes=2, in_channels=64,
                    loc_topk=1)),
            test_dataloader=dict(
                batch_size=4,
                num_workers=0,
                dataset=dict(
                    type='OpenImagesWSOLDataset',
                    metadata_root=osp.join(oi['metadata'], 'test'),
                    data_prefix=oi['images'],
                    mask_root=oi['masks'],
                    pipeline=[
                        dict(type='LoadImageFromFileWSOL'),
                        dict(type='Resize', scale=(32, 32), keep_ratio=False),
                        pack
                    ]),
                sampler=dict(type='DefaultSampler', shuffle=False)),
            test_evaluator=[
                dict(type='PxAPMetric'),
                dict(type='DumpWSOLScoreMaps', out_dir=dump)
            ],
            test_cfg=dict(),
            randomness=dict(seed=0),
            default_hooks=dict(logger=dict(type='LoggerHook', interval=1)),
        ))


def test_runner_pxap_equals_eval_scoremaps_on_the_dump(tmp_path):
    oi = _layout.make_openimages(str(tmp_path / 'oi'))
    dump = str(tmp_path / 'dump')
    runner = Runner.from_cfg(_runner_cfg(oi, str(tmp_path / 'work'), dump))
    metrics = runner.test()
    assert {'wsol/pxap', 'wsol/piou', 'wsol/top1_cls'} <= set(metrics)
    assert osp.isfile(
        osp.join(dump, 'scoremaps', 'test', 'c00', '0000.jpg.npy'))
    sys.path.insert(0, osp.join(REPO, 'tools'))
    try:
        import eval_scoremaps
    finally:
        sys.path.pop(0)
    result = eval_scoremaps.main([
        '--metadata-root',
        osp.join(oi['metadata'], 'test'), '--scoremap-root',
        osp.join(dump, 'scoremaps'), '--mask-root', oi['masks'], '--workers',
        '1'
    ])
    assert metrics['wsol/pxap'] == pytest.approx(result['pxap'], abs=1e-9)
    assert 0 < result['pxap'] < 100


def test_non_finite_map_is_refused(tmp_path):
    fg = np.zeros((224, 224), bool)
    fg[50:150, 60:120] = True
    good = _mask_sample(tmp_path, 'good', fg * 1.0, fg)
    nan = _mask_sample(tmp_path, 'nan', np.full((224, 224), np.nan), fg)
    metric = METRICS.build(dict(type='PxAPMetric'))
    with pytest.raises(FloatingPointError, match=r"1 of 2 samples.*: nan"):
        metric.process(None, [good, nan])
    assert metric.results == []
