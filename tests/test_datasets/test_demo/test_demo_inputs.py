"""The demo's network inputs are those its shipped tables were made with.

Issue 21 made ``LoadImageFromFileWSOL`` decode in the stored frame
(``color_type='color_ignore_orientation'``) where it used mmcv's default
``'color'``; the demo keeps OpenCV's decoder and resize. Its generated
JPEGs carry no EXIF, so every demo pipeline must give the same bytes as the
steps the tables were made with: mmcv's ``LoadImageFromFile`` (OpenCV,
``'color'``) and mmcv's ``Resize`` with OpenCV's bilinear.
"""
import glob
import os.path as osp

import numpy as np
import pytest
from mmengine.config import Config
from mmengine.dataset import Compose
from PIL import Image

from mmspg.datasets import generate_synthetic_cub

REPO = osp.dirname(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
DEMOS = sorted(
    osp.relpath(p, REPO)
    for p in glob.glob(osp.join(REPO, 'configs', 'demo', '*.py')))
RANDOM_STEPS = ('BoxAwareRandomCrop', 'RandomFlip')
_CHECKED = set()  # pipelines already compared (the demos share two)


@pytest.fixture(scope='module')
def demo_images(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('demo') / 'cub')
    generate_synthetic_cub(
        root, seed=0, num_classes=2, train_per_class=2, test_per_class=1)
    paths = sorted(glob.glob(osp.join(root, 'images', '*', '*.jpg')))
    assert len(paths) == 6
    for path in paths:
        with Image.open(path) as img:
            assert not img.getexif()  # nothing to rotate
    return paths


def _as_before(steps):
    """The same steps with the decode and resize the tables were made
    with."""
    out = []
    for step in steps:
        if step['type'] == 'LoadImageFromFileWSOL':
            step = dict(type='LoadImageFromFile', color_type='color')
        elif step['type'] == 'Resize':
            step = dict(
                type='Resize',
                scale=step['scale'],
                keep_ratio=step['keep_ratio'],
                backend='cv2',
                interpolation='bilinear')
        out.append(step)
    return out


def test_demos_are_found():
    assert len(DEMOS) >= 10


@pytest.mark.parametrize('path', DEMOS)
def test_demo_inputs_unchanged(path, demo_images):
    cfg = Config.fromfile(osp.join(REPO, path))
    for split in ('train', 'val', 'test'):
        steps = [
            s for s in cfg[f'{split}_dataloader'].dataset.pipeline
            if s['type'] not in RANDOM_STEPS
        ]
        assert steps[0]['type'] == 'LoadImageFromFileWSOL'
        assert steps[0].get('imdecode_backend', 'cv2') == 'cv2'
        if repr(steps) in _CHECKED:
            continue
        _CHECKED.add(repr(steps))
        now, before = Compose(steps), Compose(_as_before(steps))
        for img_path in demo_images:
            info = dict(
                img_path=img_path,
                gt_bboxes=np.array([[1, 1, 5, 5]], np.float32),
                gt_label=0,
                sample_idx=0)
            a = now(dict(info))['inputs'].numpy()
            b = before(dict(info))['inputs'].numpy()
            np.testing.assert_array_equal(a, b, err_msg=(split, img_path))
