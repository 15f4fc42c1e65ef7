"""Boxes follow every geometric transform the WSOL pipelines use.

Each test paints the box white on a black image, runs the transform and
checks ``gt_bboxes`` against the exact numbers and against the white region
actually found in the output image. mmcv's Resize, RandomFlip and CenterCrop
are checked too, as a regression guard: mmspg relies on them moving boxes.
"""
import numpy as np
import pytest
from mmcv.transforms import CenterCrop, RandomFlip, Resize
from mmpretrain.datasets.transforms import RandomCrop

from mmspg.datasets.transforms import (BoxAwareRandomCrop,
                                       BoxAwareRandomResizedCrop,
                                       BoxAwareResizeEdge,
                                       crop_and_scale_boxes)
from mmspg.registry import TRANSFORMS


def painted(w, h, box):
    img = np.zeros((h, w, 3), np.uint8)
    x1, y1, x2, y2 = box
    img[y1:y2, x1:x2] = 255
    gt = np.array([box], np.float32)
    return dict(
        img=img,
        img_shape=(h, w),
        ori_shape=(h, w),
        gt_bboxes=gt,
        ori_gt_bboxes=gt.copy())


def white_box(img):
    ys, xs = np.nonzero(img[..., 0] > 127)
    if len(xs) == 0:
        return None
    return np.array(
        [xs.min(), ys.min(), xs.max() + 1,
         ys.max() + 1], np.float32)


def check_follows(results, tol=1.0):
    found = white_box(results['img'])
    np.testing.assert_allclose(results['gt_bboxes'][0], found, atol=tol)
    h, w = results['img'].shape[:2]
    assert tuple(results['img_shape'][:2]) == (h, w)


def test_mmcv_resize_moves_boxes():
    res = Resize(
        scale=(50, 20), keep_ratio=False)(
            painted(100, 80, (10, 20, 60, 40)))
    np.testing.assert_allclose(res['gt_bboxes'], [[5, 5, 30, 10]])
    check_follows(res)
    res = Resize(
        scale=(50, 50), keep_ratio=True)(
            painted(100, 80, (10, 20, 60, 40)))
    np.testing.assert_allclose(res['gt_bboxes'], [[5, 10, 30, 20]])
    check_follows(res)
    # ori_gt_bboxes is left in the original frame.
    np.testing.assert_allclose(res['ori_gt_bboxes'], [[10, 20, 60, 40]])


def test_mmcv_flip_moves_boxes():
    res = RandomFlip(
        prob=1.0, direction='horizontal')(
            painted(100, 80, (10, 20, 60, 40)))
    np.testing.assert_allclose(res['gt_bboxes'], [[40, 20, 90, 40]])
    assert res['flip'] and res['flip_direction'] == 'horizontal'
    check_follows(res, tol=0)


def test_mmcv_center_crop_moves_and_clips_boxes():
    res = CenterCrop(crop_size=60)(painted(100, 80, (10, 20, 60, 40)))
    # window x 20..80, y 10..70
    np.testing.assert_allclose(res['gt_bboxes'], [[0, 10, 40, 30]])
    check_follows(res, tol=0)


def test_mmpretrain_random_crop_ignores_boxes():
    # Why BoxAwareRandomCrop exists: if this fails, mmpretrain moves boxes
    # itself and the subclass can go.
    np.random.seed(0)
    res = RandomCrop(crop_size=50)(painted(100, 80, (10, 20, 60, 40)))
    np.testing.assert_allclose(res['gt_bboxes'], [[10, 20, 60, 40]])


@pytest.mark.parametrize('seed', range(5))
def test_box_aware_random_crop(seed):
    np.random.seed(seed)
    t = TRANSFORMS.build(dict(type='BoxAwareRandomCrop', crop_size=(60, 70)))
    res = t(painted(100, 80, (30, 20, 60, 50)))
    assert res['img'].shape[:2] == (60, 70)
    assert res['gt_bboxes'].dtype == np.float32
    found = white_box(res['img'])
    if found is None:  # the box left the window: zero-size row kept
        b = res['gt_bboxes'][0]
        assert b[2] - b[0] == 0 or b[3] - b[1] == 0
    else:
        check_follows(res, tol=0)
    np.testing.assert_allclose(res['ori_gt_bboxes'], [[30, 20, 60, 50]])


def test_box_aware_random_crop_exact_offsets(monkeypatch):
    t = BoxAwareRandomCrop(crop_size=50, padding=(4, 6, 0, 0))
    monkeypatch.setattr(t, 'rand_crop_params', lambda img: (10, 20, 50, 50))
    res = t(painted(100, 80, (30, 20, 60, 50)))
    # padded frame: box + (4, 6) = (34, 26, 64, 56); window x 20..70,
    # y 10..60 -> (14, 16, 44, 46)
    np.testing.assert_allclose(res['gt_bboxes'], [[14, 16, 44, 46]])
    check_follows(res, tol=0)


def test_box_aware_random_crop_pad_if_needed():
    np.random.seed(0)
    t = BoxAwareRandomCrop(crop_size=40, pad_if_needed=True)
    res = t(painted(30, 20, (5, 5, 25, 15)))
    assert res['img'].shape[:2] == (40, 40)
    # pads 5 left/right and 10 top/bottom; the crop is the padded image.
    np.testing.assert_allclose(res['gt_bboxes'], [[10, 15, 30, 25]])
    check_follows(res, tol=0)


@pytest.mark.parametrize('seed', range(5))
def test_box_aware_random_resized_crop(seed):
    np.random.seed(seed)
    t = TRANSFORMS.build(
        dict(
            type='BoxAwareRandomResizedCrop',
            scale=64,
            crop_ratio_range=(0.3, 1.0)))
    res = t(painted(120, 90, (30, 20, 90, 70)))
    assert res['img'].shape[:2] == (64, 64)
    assert tuple(res['img_shape']) == (64, 64)
    assert res['gt_bboxes'].dtype == np.float32
    if white_box(res['img']) is not None:
        check_follows(res, tol=1.5)  # bilinear edges


def test_box_aware_random_resized_crop_exact(monkeypatch):
    t = BoxAwareRandomResizedCrop(scale=(30, 60))  # (h, w)
    monkeypatch.setattr(t, 'rand_crop_params', lambda img: (10, 20, 60, 80))
    res = t(painted(120, 90, (30, 20, 90, 70)))
    # window x 20..100 (80 px -> 60: x0.75), y 10..70 (60 px -> 30: x0.5)
    np.testing.assert_allclose(res['gt_bboxes'], [[7.5, 5, 52.5, 30]])


def test_box_aware_resize_edge():
    t = BoxAwareResizeEdge(scale=40, edge='short')
    res = t(painted(100, 80, (10, 20, 60, 40)))
    assert res['img'].shape[:2] == (40, 50)
    np.testing.assert_allclose(res['gt_bboxes'], [[5, 10, 30, 20]])
    check_follows(res)


def test_crop_and_scale_boxes_clips_and_keeps_rows():
    boxes = np.array([[0, 0, 10, 10], [50, 50, 60, 60]], np.float32)
    out = crop_and_scale_boxes(boxes, 5, 5, 20, 20, 2.0, 0.5)
    np.testing.assert_allclose(out, [[0, 0, 10, 2.5], [40, 10, 40, 10]])
    empty = crop_and_scale_boxes(np.zeros((0, 4), np.float32), 1, 1, 5, 5)
    assert empty.shape == (0, 4)


@pytest.mark.parametrize('pipeline', [
    [dict(type='Resize', scale=(224, 224), keep_ratio=False)],
    [
        dict(type='Resize', scale=(256, 256), keep_ratio=False),
        dict(type='CenterCrop', crop_size=224)
    ],
    [
        dict(type='Resize', scale=(256, 256), keep_ratio=False),
        dict(type='BoxAwareRandomCrop', crop_size=224),
        dict(type='RandomFlip', prob=1.0, direction='horizontal')
    ],
    [
        dict(type='BoxAwareResizeEdge', scale=256),
        dict(type='BoxAwareRandomCrop', crop_size=224),
        dict(type='RandomFlip', prob=0.5, direction='horizontal')
    ],
])
def test_lead_pipelines_keep_boxes_on_the_object(pipeline):
    np.random.seed(1)
    res = painted(300, 200, (100, 50, 250, 150))
    for cfg in pipeline:
        res = TRANSFORMS.build(cfg)(res)
    assert res['img'].shape[:2] == (224, 224)
    check_follows(res, tol=1.5)
    np.testing.assert_allclose(res['ori_gt_bboxes'], [[100, 50, 250, 150]])
