import cv2
import numpy as np
import pytest
import torch
from mmengine.visualization import LocalVisBackend
from mmpretrain.structures import DataSample

from mmspg.evaluation.functional.wsol_box import (multiple_iou,
                                                  scoremap_max_ious)
from mmspg.visualization import WSOLVisualizer, map_to_boxes


def _two_blobs():
    m = np.zeros((60, 80), np.float32)
    m[10:30, 5:45] = 1.0  # large blob: x 5..44, y 10..29
    m[45:50, 60:70] = 0.8  # small blob
    return m


def test_map_to_boxes_largest_and_all():
    m = _two_blobs()
    np.testing.assert_array_equal(map_to_boxes(m, 0.5), [[5, 10, 45, 30]])
    boxes = map_to_boxes(m, 0.5, 'all')
    assert sorted(boxes.tolist()) == [[5, 10, 45, 30], [60, 45, 70, 50]]
    # The small blob (0.8) disappears above its value.
    assert len(map_to_boxes(m, 0.9, 'all')) == 1
    # No foreground: the evaluation's (0, 0, 0, 0) box.
    np.testing.assert_array_equal(
        map_to_boxes(np.zeros((5, 7), np.float32), 0.2), [[0, 0, 0, 0]])
    assert map_to_boxes(torch.ones(1, 1), 0.5).shape == (1, 4)
    with pytest.raises(ValueError, match='box_mode'):
        map_to_boxes(m, 0.5, 'biggest')
    with pytest.raises(ValueError, match='thr'):
        map_to_boxes(m, -0.1)


@pytest.mark.parametrize('thr', [0.05, 0.3, 0.62, 0.9])
def test_map_to_boxes_is_the_box_the_evaluator_scores(thr):
    rng = np.random.default_rng(0)
    m = cv2.GaussianBlur(rng.random((56, 56)).astype(np.float32), (0, 0), 3)
    m = (m - m.min()) / (m.max() - m.min())
    gt = np.array([[10, 12, 40, 44]])
    v1, v2 = scoremap_max_ious(m, gt, np.array([thr]))
    iou_largest = multiple_iou(map_to_boxes(m, thr).astype(int), gt).max()
    iou_all = multiple_iou(map_to_boxes(m, thr, 'all').astype(int), gt).max()
    assert iou_largest == pytest.approx(v1[0])
    assert iou_all == pytest.approx(v2[0])


def test_draw_localization_colours():
    vis = WSOLVisualizer()
    image = np.full((100, 150, 3), 128, np.uint8)
    loc_map = np.zeros((25, 30), np.float32)  # resized to the image
    drawn = vis.draw_localization(
        image,
        loc_map,
        pred_boxes=np.array([20, 20, 80, 70]),
        gt_boxes=np.array([[100, 10, 140, 90]]),
        label_text='bird 0.93',
        line_width=3)
    assert drawn.shape == image.shape and drawn.dtype == np.uint8
    g = drawn[45, 20]  # left edge of the predicted box: green
    assert g[1] > 200 and g[0] < 80 and g[2] < 80
    r = drawn[50, 100]  # left edge of the GT box: red
    assert r[0] > 200 and r[1] < 80 and r[2] < 80
    # Inside, a zero map blends JET's dark blue on the grey image.
    inside = drawn[50, 50].astype(int)
    assert inside[2] > inside[0] and inside[2] > inside[1]
    # Without a map the image is unchanged away from the drawings.
    plain = vis.draw_localization(image)
    np.testing.assert_array_equal(plain, image)


def test_colorize_and_blend():
    heat = WSOLVisualizer.colorize(np.array([[0.0, 1.0]]), (4, 8))
    assert heat.shape == (4, 8, 3)
    assert heat[0, 0, 2] > 100 and heat[0, 0, 0] < 50  # low: blue (RGB)
    assert heat[0, -1, 0] > 100 and heat[0, -1, 2] < 50  # high: red
    vis = WSOLVisualizer(alpha=1.0)
    np.testing.assert_array_equal(
        vis.blend(np.zeros((4, 8, 3), np.uint8), np.array([[0.0, 1.0]])), heat)
    with pytest.raises(ValueError, match='alpha'):
        WSOLVisualizer(alpha=2)
    with pytest.raises(ValueError, match='RGB'):
        vis.draw_localization(np.zeros((4, 4, 4), np.uint8))


def _guidance(s=40, with_c=True):
    seed = np.full((1, 1, s, s), 255.0, np.float32)
    seed[..., :, :s // 3] = 0
    seed[..., :, -s // 3:] = 1
    g = dict(
        attention=torch.rand(1, s, s),
        seed_b2=seed,
        seed_b1=seed[0],
        seed_c=seed[0, 0] if with_c else None,
        b2=np.full((s, s), 10.0),
        b1=np.full((s, s), -10.0),
        c=np.zeros((s, s)) if with_c else None)
    return g


def test_seed_panels_layout_and_values():
    vis = WSOLVisualizer()
    image = np.zeros((50, 70, 3), np.uint8)
    canvas = vis.draw_seed_panels(_guidance(), image, panel_size=100)
    # 8 panels: image, attention, seeds B2/B1/C, outputs B2/B1/C.
    title = 16
    assert canvas.shape[0] == title + 100
    gap = (canvas.shape[1] - 8 * 100) // 7
    assert gap > 0 and canvas.shape[1] == 8 * 100 + 7 * gap
    # Panels are separated by grey, not white.
    assert (canvas[title + 50, 100:100 + gap] == 160).all()
    step = 100 + gap
    seed_b2 = canvas[title:, 2 * step:2 * step + 100]
    assert (seed_b2[50, 10] == 0).all()  # background: black
    assert (seed_b2[50, 50] == 128).all()  # ignored: grey
    assert (seed_b2[50, 90] == 255).all()  # foreground: white
    assert (canvas[title + 50, 5 * step + 50] > 250).all()  # sigmoid(10)
    assert (canvas[title + 50, 6 * step + 50] < 5).all()  # sigmoid(-10)
    assert (np.abs(canvas[title + 50, 7 * step + 50].astype(int) - 128)
            <= 1).all()  # sigmoid(0)
    # Switched-off branch (no SPG-C) and no image: 5 panels.
    canvas = vis.draw_seed_panels(_guidance(with_c=False), panel_size=100)
    assert canvas.shape[1] == 5 * 100 + 4 * gap
    # A caption adds a second title line.
    captioned = vis.draw_seed_panels(
        _guidance(), image, panel_size=100, title_prefix='top-1: bird')
    assert captioned.shape[0] == 2 * title + 100
    assert captioned.shape[1] == 8 * 100 + 7 * gap
    assert (captioned[:title, :100] < 128).any()  # caption text drawn
    with pytest.raises(ValueError, match='none of the keys'):
        vis.draw_seed_panels({'cams': np.zeros((3, 4, 4))})


def _predicted_sample():
    ds = DataSample()
    ds.set_pred_score(torch.tensor([0.1, 0.9]))
    ds.set_field(torch.tensor([1, 0]), 'loc_labels')
    m = torch.zeros(2, 32, 32)
    m[0, 8:20, 4:28] = 1
    ds.set_field(m, 'loc_maps')
    ds.set_field(torch.tensor([[4.0, 8.0, 28.0, 20.0]]), 'gt_bboxes')
    return ds


def test_visualize_to_backend_and_file(tmp_path):
    vis = WSOLVisualizer(
        vis_backends=[dict(type='LocalVisBackend')],
        save_dir=str(tmp_path / 'work'))
    vis.dataset_meta = dict(classes=['cat', 'bird'])
    image = np.zeros((32, 32, 3), np.uint8)
    drawn = vis.visualize_localization(
        image, _predicted_sample(), thr=0.5, name='sample', step=3)
    assert drawn.shape == (32, 32, 3)
    saved = tmp_path / 'work' / 'vis_data' / 'vis_image' / 'sample_3.png'
    assert cv2.imread(str(saved)).shape == (32, 32, 3)
    out_file = tmp_path / 'seeds.png'
    vis.visualize_seeds(_guidance(), image, out_file=str(out_file))
    assert cv2.imread(str(out_file)) is not None
    assert isinstance(vis._vis_backends['LocalVisBackend'], LocalVisBackend)
