"""Each quirk of the WSOL benchmark box protocol, on hand-made maps."""
import cv2
import numpy as np
import pytest

from mmspg.evaluation.functional import (box_accuracy_summary,
                                         boxes_from_binary, cam_threshold_grid,
                                         hits_from_ious, multiple_iou,
                                         quantize_scoremap, rescale_boxes,
                                         scoremap_max_ious,
                                         scoremap_max_ious_slow)


def ious_at(scoremap, gt, t):
    """(v1, v2) best IoU at the single threshold ``t``."""
    v1, v2 = scoremap_max_ious(scoremap, np.array(gt), np.array([t]))
    return float(v1[0]), float(v2[0])


def test_uint8_quantisation_changes_the_threshold():
    # 0.3005 > 0.299 as floats, but uint8(0.3005 * 255) = 76 is not above
    # int(0.299 * 255) = 76: the block is background after quantisation.
    m = np.zeros((64, 64))
    m[10:20, 10:20] = 0.3005
    m[50, 50] = 1.0
    assert quantize_scoremap(m)[10, 10] == 76
    assert ious_at(m, [[10, 10, 20, 20]], 0.299) == (0.0, 0.0)
    assert ious_at(m, [[10, 10, 20, 20]], 0.297) == (1.0, 1.0)


def test_quantisation_is_done_in_float64():
    # float32(x) * 255 rounds differently from float64 for some values; the
    # benchmark converts maps to float64 first.
    x = np.float32(0.2)  # 0.2 in float32 is 0.20000000298...
    assert quantize_scoremap(np.array([[x]], dtype=np.float32))[0, 0] == \
        int(np.float64(x) * 255)
    vals = np.linspace(0, 1, 100001, dtype=np.float32)[None]
    expected = (vals.astype(np.float64) * 255).astype(np.uint8)
    assert np.array_equal(quantize_scoremap(vals), expected)


def test_threshold_is_truncated_int_of_t_times_max():
    # max 255, block 128: int(0.5 * 255) = 127 < 128 -> foreground (a rounded
    # threshold, 128, would drop it); int(0.502 * 255) = 128 -> background.
    m = np.zeros((64, 64))
    m[5:15, 5:25] = 128.5 / 255
    m[40, 40] = 1.0
    gt = [[5, 5, 25, 15]]
    assert ious_at(m, gt, 0.5)[1] == 1.0
    assert ious_at(m, gt, 0.502)[1] == 0.0
    # The threshold is relative to the uint8 max: halve the map and the same
    # t still finds the block (max 127 -> int(0.5 * 127) = 63 < 64).
    half = m * 0.5
    assert quantize_scoremap(half).max() == 127
    assert quantize_scoremap(half)[5, 5] == 64
    assert ious_at(half, gt, 0.5)[1] == 1.0


def test_hole_contour_counts_in_v2_only():
    m = np.zeros((64, 64))
    m[20:40, 20:40] = 1
    m[25:35, 25:35] = 0  # a hole: RETR_TREE returns its contour too
    hole_box = [[24, 24, 36, 36]]  # hole border pixels, x1/y1 one past
    v1, v2 = ious_at(m, hole_box, 0.5)
    assert v2 == 1.0
    # v1 keeps the outer contour (20..40): IoU 13*13 / 21*21.
    assert v1 == pytest.approx(169 / 441)
    boxes, largest = boxes_from_binary((m > 0.5).astype(np.uint8) * 255)
    assert sorted(boxes.tolist()) == [[20, 20, 40, 40], [24, 24, 36, 36]]
    assert boxes[largest].tolist() == [20, 20, 40, 40]


def test_v1_largest_by_contour_area_not_box_area():
    m = np.zeros((100, 100))
    for i in range(70):  # a diagonal line: huge box, contour area 0
        m[i, i] = 1
    m[80:90, 80:90] = 1  # a square: small box, contour area 81
    assert ious_at(m, [[80, 80, 90, 90]], 0.5) == (1.0, 1.0)
    v1, v2 = ious_at(m, [[0, 0, 70, 70]], 0.5)
    assert v1 == 0.0 and v2 == 1.0


def test_v1_ties_keep_the_first_contour():
    m = np.zeros((40, 40))
    m[2:6, 2:6] = 1
    m[30:34, 30:34] = 1  # same contour area
    binary = (m > 0.5).astype(np.uint8) * 255
    contours = cv2.findContours(binary, cv2.RETR_TREE,
                                cv2.CHAIN_APPROX_SIMPLE)[0]
    # Python's max() keeps the first of equal areas in findContours' order
    # (OpenCV lists the later-found contour first here).
    x, y, w, h = cv2.boundingRect(contours[0])
    first = [x, y, x + w, y + h]
    other = [[2, 2, 6, 6], [30, 30, 34, 34]]
    other.remove(first)
    assert ious_at(m, [first], 0.5)[0] == 1.0
    assert ious_at(m, other, 0.5)[0] == 0.0


def test_x1_y1_one_past_and_clipped_to_size_minus_one():
    m = np.zeros((224, 224))
    m[200:, 200:] = 1  # touches the right/bottom border
    m[10:20, 10:20] = 1
    # boundingRect + w = 224 -> clipped to 223; an unclipped box would give
    # IoU 24*24 / 25*25 with this GT.
    assert ious_at(m, [[200, 200, 223, 223]], 0.5)[1] == 1.0
    # Inside the map x1 = x + w is one past the last pixel: with the +1
    # convention the exact pixel box (10..19) only gets IoU 100 / 121.
    assert ious_at(m, [[10, 10, 19, 19]], 0.5)[1] == pytest.approx(100 / 121)
    assert ious_at(m, [[10, 10, 20, 20]], 0.5)[1] == 1.0


def test_gt_rescale_truncates():
    boxes = rescale_boxes([[0, 0, 99, 99], [10, 33, 50, 199]], (100, 200))
    # 99*224/100 = 221.76, 99*224/200 = 110.88, 33*224/200 = 36.96,
    # 199*224/200 = 222.88
    assert boxes.tolist() == [[0, 0, 221, 110], [22, 36, 112, 222]]
    assert boxes.dtype == np.int64


def test_iou_plus_one_convention():
    assert multiple_iou([[0, 0, 0, 0]], [[0, 0, 1, 1]])[0, 0] == 0.25
    assert multiple_iou([[0, 0, 9, 9]], [[5, 5, 14, 14]])[0, 0] == \
        pytest.approx(25 / 175)
    ious = multiple_iou([[0, 0, 9, 9], [20, 20, 29, 29]],
                        [[0, 0, 9, 9], [50, 50, 60, 60], [20, 20, 24, 29]])
    assert ious.shape == (2, 3)
    assert ious[0, 0] == 1 and ious[1, 2] == 0.5 and ious[0, 1] == 0


def test_empty_map_gives_zero_box():
    m = np.zeros((32, 32))
    t = cam_threshold_grid(0.01)
    v1, v2 = scoremap_max_ious(m, np.array([[0, 0, 0, 0]]), t)
    assert (v1 == 1).all() and (v2 == 1).all()
    v1, v2 = scoremap_max_ious(m, np.array([[0, 0, 1, 1]]), t)
    assert (v1 == 0.25).all() and (v2 == 0.25).all()


def test_multiple_gt_boxes_take_the_best():
    m = np.zeros((64, 64))
    m[30:40, 30:50] = 1
    gt = [[0, 0, 5, 5], [30, 30, 50, 40], [29, 29, 51, 41]]
    assert ious_at(m, gt, 0.5) == (1.0, 1.0)


def test_hits_compare_with_percent_over_100():
    v1_hit, v2_hit = hits_from_ious(
        np.array([0.5, 0.49999]), np.array([0.3, 0.7]), (30, 50, 70))
    assert v1_hit.tolist() == [True, False]
    assert v2_hit.tolist() == [[True, True], [False, True], [False, True]]


def test_summary_max_first_argmax_and_v2_mean():
    t = np.array([0.0, 0.1, 0.2, 0.3])
    out = box_accuracy_summary(
        np.array([1, 3, 3, 2]),
        np.array([[4, 4, 2, 1], [1, 2, 3, 3], [0, 1, 1, 0]]), 4, t,
        (30, 50, 70))
    assert out['maxboxacc'] == 75.0
    assert out['maxboxacc_best_threshold'] == 0.1
    assert out['maxboxacc_v2_iou30'] == 100.0
    assert out['maxboxacc_v2_iou30_best_threshold'] == 0.0
    assert out['maxboxacc_v2_iou50_best_threshold'] == 0.2
    assert out['maxboxacc_v2'] == pytest.approx((100 + 75 + 25) / 3)
    assert out['curves']['maxboxacc'] == [25.0, 75.0, 75.0, 50.0]
    with pytest.raises(ValueError, match='no image'):
        box_accuracy_summary(np.zeros(4), np.zeros((3, 4)), 0, t)


def test_grid_is_numpy_arange():
    t = cam_threshold_grid(0.001)
    assert len(t) == 1000 and np.array_equal(t, np.arange(0, 1, 0.001))
    with pytest.raises(ValueError, match='cam_curve_interval'):
        cam_threshold_grid(0)


def test_bad_inputs_raise_clear_errors():
    with pytest.raises(ValueError, match='range|\\[0, 1\\]'):
        scoremap_max_ious(
            np.full((4, 4), 1.5), np.array([[0, 0, 1, 1]]), np.array([0.5]))
    with pytest.raises(ValueError, match='NaN'):
        scoremap_max_ious(
            np.full((4, 4), np.nan), np.array([[0, 0, 1, 1]]), np.array([0.5]))
    with pytest.raises(ValueError, match='x1 >= x0'):
        scoremap_max_ious(
            np.zeros((4, 4)), np.array([[3, 0, 1, 1]]), np.array([0.5]))


def _random_map(rng, h, w, sigma):
    m = cv2.GaussianBlur(rng.random((h, w)), (0, 0), sigma)
    m = (m - m.min()) / (m.max() - m.min())
    return m * rng.uniform(0.3, 1.0)


@pytest.mark.parametrize('seed', range(4))
def test_fast_path_equals_slow_path(seed):
    rng = np.random.default_rng(seed)
    h, w = int(rng.integers(40, 90)), int(rng.integers(40, 90))
    # Noisy maps: many contours, holes, ties; smooth maps: CAM-like.
    m = _random_map(rng, h, w, sigma=rng.uniform(0.7, 4))
    if seed == 3:
        m[rng.random((h, w)) < 0.05] = 0  # pepper: many holes
    gt = np.sort(rng.integers(0, min(h, w), size=(3, 2, 2)), axis=1)
    gt = gt.transpose(0, 2, 1).reshape(3, 4)[:, [0, 2, 1, 3]]
    t = cam_threshold_grid(0.01 if seed < 2 else 0.002)
    fast = scoremap_max_ious(m, gt, t)
    slow = scoremap_max_ious_slow(m, gt, t)
    assert np.array_equal(fast[0], slow[0])
    assert np.array_equal(fast[1], slow[1])
