import glob
import os.path as osp
from types import SimpleNamespace

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import default_collate
from mmengine.runner import Runner
from mmengine.visualization import Visualizer

from mmspg.engine.hooks import WSOLVisualizationHook
from mmspg.registry import MODELS

MODEL = dict(
    type='WSOLClassifier',
    data_preprocessor=dict(
        num_classes=2, mean=[127.5] * 3, std=[127.5] * 3, to_rgb=True),
    backbone=dict(
        type='ResNet',
        depth=18,
        stem_channels=8,
        base_channels=8,
        num_stages=4,
        strides=(1, 2, 1, 1),
        dilations=(1, 1, 2, 4),
        out_indices=(1, 2, 3)),
    head=dict(
        type='SPGHead',
        num_classes=2,
        in_channels=(16, 32, 64),
        mid_channels=16,
        guidance_channels=8,
        mask_size=32,
        loc_topk=2))
PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(48, 48), keep_ratio=False),
    dict(type='PackInputs', meta_keys=['img_path', 'ori_shape', 'img_shape']),
]


def _make_data(root, n=5):
    rng = np.random.default_rng(0)
    for i in range(n):
        folder = root / ('a' if i % 2 else 'b')
        folder.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(
            str(folder / f'img{i}.png'),
            rng.integers(0, 256, (30 + i, 41, 3), dtype=np.uint8))


def test_hook_writes_vis_data_during_validation(tmp_path):
    _make_data(tmp_path / 'data')
    cfg = Config(
        dict(
            model=MODEL,
            work_dir=str(tmp_path / 'work'),
            default_scope='mmspg',
            val_dataloader=dict(
                batch_size=2,
                num_workers=0,
                sampler=dict(type='DefaultSampler', shuffle=False),
                dataset=dict(
                    type='CustomDataset',
                    data_root=str(tmp_path / 'data'),
                    pipeline=PIPELINE)),
            val_cfg=dict(),
            val_evaluator=dict(type='Accuracy', topk=(1, )),
            default_hooks=dict(
                visualization=dict(
                    type='WSOLVisualizationHook',
                    enable=True,
                    interval=2,
                    thr=0.3)),
            visualizer=dict(
                type='WSOLVisualizer',
                vis_backends=[dict(type='LocalVisBackend')]),
            log_level='WARNING'))
    runner = Runner.from_cfg(cfg)
    runner.val()
    files = sorted(
        osp.basename(f) for f in glob.glob(
            str(tmp_path / 'work' / '*' / 'vis_data' / 'vis_image' / '*.png')))
    # Samples 0, 2, 4 of the (sorted) data set, overlay + seed panels each.
    assert len(files) == 6
    assert sum(f.endswith('_loc_0.png') for f in files) == 3
    assert sum(f.endswith('_seeds_0.png') for f in files) == 3
    seeds = cv2.imread(
        glob.glob(
            str(tmp_path / 'work' / '*' / 'vis_data' / 'vis_image' /
                '*_seeds_0.png'))[0])
    assert seeds.shape[1] >= 8 * 96  # image + 7 SPG panels


def _batch(n=3):
    from mmpretrain.structures import DataSample
    rng = np.random.default_rng(0)
    inputs = [
        torch.from_numpy(rng.integers(0, 256, (3, 48, 48), dtype=np.uint8))
        for _ in range(n)
    ]
    samples = []
    for i in range(n):
        ds = DataSample().set_gt_label(i % 2)
        ds.set_metainfo(dict(img_path=f'/x/im{i}.jpg', img_shape=(48, 48)))
        ds.set_field(torch.tensor([[2.0, 3.0, 30.0, 40.0]]), 'gt_bboxes')
        samples.append(ds)
    return default_collate(
        [dict(inputs=x, data_samples=s) for x, s in zip(inputs, samples)])


def test_hook_direct_with_plain_visualizer_and_out_dir(tmp_path):
    model = MODELS.build(MODEL).eval()
    visualizer = Visualizer.get_instance(
        'test_wsol_hook_universal',
        vis_backends=[dict(type='LocalVisBackend')],
        save_dir=str(tmp_path / 'backend'))
    runner = SimpleNamespace(
        model=model, visualizer=visualizer, train_loop=None, epoch=0, iter=7)
    data_batch = _batch()
    with torch.no_grad():
        outputs = model.test_step(data_batch)

    hook = WSOLVisualizationHook(enable=True, interval=1, show_seeds=False)
    hook.after_val_iter(runner, 0, data_batch, outputs)
    saved = glob.glob(
        str(tmp_path / 'backend' / 'vis_data' / 'vis_image' / '*.png'))
    assert sorted(osp.basename(f) for f in saved) == [
        'im0_loc_7.png', 'im1_loc_7.png', 'im2_loc_7.png'
    ]
    # The hook's private drawer never becomes mmengine's current visualizer.
    assert Visualizer.get_current_instance() is visualizer

    out_dir = tmp_path / 'out'
    hook = WSOLVisualizationHook(enable=True, interval=2, out_dir=str(out_dir))
    hook.after_test_iter(runner, 1, data_batch, outputs)  # samples 3, 4, 5
    assert sorted(p.name for p in out_dir.iterdir()) == [
        'im1_loc_0.png', 'im1_seeds_0.png'
    ]
    drawn = cv2.imread(str(out_dir / 'im1_loc_0.png'))[..., ::-1]
    assert drawn.shape == (48, 48, 3)
    r, g, b = drawn[20, 2].astype(int)  # left edge of the GT box: red
    assert r > 150 and g < 100 and b < 100


def test_hook_disabled_and_bad_args(tmp_path):
    runner = SimpleNamespace(
        model=None, visualizer=None, train_loop=None, epoch=0, iter=0)
    hook = WSOLVisualizationHook(enable=False, out_dir=str(tmp_path / 'o'))
    hook.after_test_iter(runner, 0, _batch(), [])
    assert not (tmp_path / 'o').exists()
    with pytest.raises(ValueError, match='interval'):
        WSOLVisualizationHook(interval=0)
    with pytest.raises(ValueError, match='thr'):
        WSOLVisualizationHook(thr=2.0)


def test_hook_with_a_head_without_guidance_draws_the_overlay_only(tmp_path):
    """A CAMHead model has no SPG guidance: the hook draws the overlay and
    no seed panel instead of failing in ``WSOLClassifier.guidance``."""
    cfg = dict(
        MODEL,
        head=dict(
            type='CAMHead',
            num_classes=2,
            in_channels=64,
            conv_channels=(16, ),
            loc_topk=2))
    model = MODELS.build(cfg).eval()
    assert not model.with_guidance and MODELS.build(MODEL).with_guidance
    with pytest.raises(TypeError, match='CAMHead has no self-produced'):
        model.guidance(torch.zeros(1, 3, 48, 48))
    visualizer = Visualizer.get_instance(
        'test_wsol_hook_cam_head',
        vis_backends=[dict(type='LocalVisBackend')],
        save_dir=str(tmp_path / 'backend'))
    runner = SimpleNamespace(
        model=model, visualizer=visualizer, train_loop=None, epoch=0, iter=0)
    data_batch = _batch()
    with torch.no_grad():
        outputs = model.test_step(data_batch)
    out_dir = tmp_path / 'out'
    hook = WSOLVisualizationHook(
        enable=True, interval=1, show_seeds=True, out_dir=str(out_dir))
    hook.after_test_iter(runner, 0, data_batch, outputs)
    assert sorted(p.name for p in out_dir.iterdir()) == [
        'im0_loc_0.png', 'im1_loc_0.png', 'im2_loc_0.png'
    ]
