"""The compiled box core (``backend='c'``) against OpenCV's findContours.

Each case compares every level ``q > l`` of a uint8 map: the C sweeps must
give bit-identical v1/v2 IoUs to the findContours path, which itself is
checked against the per-threshold reference in test_eval_wsol_box.py.
"""
from concurrent.futures import ThreadPoolExecutor

import cv2
import numpy as np
import pytest

import mmspg.evaluation.functional.wsol_box as wsol_box
from mmspg.evaluation.functional import (benchmark_quantized_scoremap,
                                         box_backends, quantize_scoremap,
                                         quantized_max_ious, resize_scoremap,
                                         scoremap_max_ious_slow)

pytestmark = pytest.mark.skipif(
    'c' not in box_backends(),
    reason='compiled extension not built (see test_extension_is_built)')


def all_levels(q):
    """Thresholds hitting every integer level 0 .. max - 1 exactly once."""
    m = int(q.max())
    return (np.arange(max(m, 1)) + 0.5) / max(m, 1)


def assert_backends_equal(q, gt):
    t = all_levels(q)
    c = quantized_max_ious(q, gt, t, backend='c')
    cv = quantized_max_ious(q, gt, t, backend='opencv')
    np.testing.assert_array_equal(c[0], cv[0], err_msg='v1')
    np.testing.assert_array_equal(c[1], cv[1], err_msg='v2')


def random_map(rng, kind, h, w):
    if kind == 'noise':  # thousands of components, holes and area ties
        m = rng.random((h, w))
    elif kind == 'few_levels':  # huge plateaus, many ties
        m = rng.integers(0, 4, (h, w)) / 3.0
    elif kind == 'blocky':  # nearest upsampling: straight edges, rings
        m = cv2.resize(
            rng.random((max(2, h // 6), max(2, w // 6))), (w, h),
            interpolation=cv2.INTER_NEAREST)
    else:  # CAM-like: bicubic upsampling of a coarse map
        s = int(rng.integers(3, 15))
        m = cv2.resize(
            rng.random((s, s)), (w, h), interpolation=cv2.INTER_CUBIC)
    m = m - m.min()
    return m / m.max() if m.max() > 0 else m


def random_boxes(rng, h, w):
    k = int(rng.integers(1, 4))
    x0, y0 = rng.integers(0, w, k), rng.integers(0, h, k)
    x1 = np.minimum(x0 + rng.integers(0, w, k), w - 1)
    y1 = np.minimum(y0 + rng.integers(0, h, k), h - 1)
    return np.stack([x0, y0, x1, y1], 1)


@pytest.mark.parametrize('kind', ['noise', 'few_levels', 'blocky', 'smooth'])
def test_c_backend_equals_opencv_on_random_maps(kind):
    rng = np.random.default_rng(sum(map(ord, kind)))
    for _ in range(25):
        h, w = int(rng.integers(1, 48)), int(rng.integers(1, 48))
        q = quantize_scoremap(random_map(rng, kind, h, w))
        assert_backends_equal(q, random_boxes(rng, h, w))


def test_c_backend_equals_opencv_on_cam_sized_maps():
    # 224 x 224 (4-byte sorted entries) and maps wider or taller than 256
    # (8-byte entries)
    rng = np.random.default_rng(0)
    for h, w in [(224, 224), (224, 224), (300, 90), (40, 333)]:
        q = quantize_scoremap(random_map(rng, 'smooth', h, w))
        assert_backends_equal(q, random_boxes(rng, h, w))


def test_hole_box_is_the_hole_grown_by_one_pixel():
    # A ring: v2 sees the outer box and the hole's box (hole + 1 pixel).
    q = np.zeros((20, 20), np.uint8)
    q[2:15, 3:16] = 200
    q[6:9, 7:11] = 0  # hole rows 6-8, cols 7-10
    hole_box = np.array([[6, 5, 12, 10]])  # x0-1, y0-1, x1+2, y1+2
    t = np.array([0.5])
    _, v2 = quantized_max_ious(q, hole_box, t, backend='c')
    assert v2[0] == 1.0
    assert_backends_equal(q, hole_box)


def test_largest_area_ties_go_to_the_last_found_component():
    # Two single pixels (area 0) tie: findContours lists top-level contours
    # last-found first, so v1 is the box of the lower one.
    q = np.zeros((10, 10), np.uint8)
    q[2, 2] = q[7, 5] = 255
    t = np.array([0.5])
    lower = np.array([[5, 7, 6, 8]])
    upper = np.array([[2, 2, 3, 3]])
    assert quantized_max_ious(q, lower, t, backend='c')[0][0] == 1.0
    assert quantized_max_ious(q, upper, t, backend='c')[0][0] == 0.0
    assert_backends_equal(q, lower)


def test_outer_contour_area_counts_its_holes():
    # Ring A (13 x 13, area of its outer polygon 144 with the hole) against
    # solid block B (11 x 11, 121 pixels, polygon area 100): A's pixel
    # count is smaller but its contour area larger; v1 must pick A.
    q = np.zeros((20, 40), np.uint8)
    q[1:14, 1:14] = 255
    q[3:12, 3:12] = 0
    q[2:13, 20:31] = 255
    ring = np.array([[1, 1, 14, 14]])
    t = np.array([0.5])
    assert quantized_max_ious(q, ring, t, backend='c')[0][0] == 1.0
    assert_backends_equal(q, ring)


def test_undecided_levels_fall_back_to_findcontours(monkeypatch):
    # Two equal rings: a tie of the largest contour area on a level with
    # holes, where the sweeps cannot tell the listing order; findContours
    # decides (last found first: the right ring).
    q = np.zeros((12, 22), np.uint8)
    for x0 in (2, 12):
        q[2:9, x0:x0 + 7] = 255
        q[4:7, x0 + 2:x0 + 5] = 0
    calls = []
    real = wsol_box.boxes_from_binary

    def spy(binary):
        calls.append(1)
        return real(binary)

    monkeypatch.setattr(wsol_box, 'boxes_from_binary', spy)
    left, right = np.array([[2, 2, 9, 9]]), np.array([[12, 2, 19, 9]])
    t = np.array([0.5])
    assert quantized_max_ious(q, right, t, backend='c')[0][0] == 1.0
    assert quantized_max_ious(q, left, t, backend='c')[0][0] == 0.0
    assert calls  # the fallback ran
    assert_backends_equal(q, left)


def test_gt_box_touching_top_left_and_empty_map():
    q = np.zeros((6, 6), np.uint8)  # no contour at any level
    gt = np.array([[0, 0, 1, 1]])
    for backend in ('c', 'opencv'):
        v1, v2 = quantized_max_ious(q, gt, np.array([0.0, 0.5]), backend)
        np.testing.assert_array_equal(v1, [0.25, 0.25])
        np.testing.assert_array_equal(v2, [0.25, 0.25])


def test_c_backend_equals_the_per_threshold_reference():
    rng = np.random.default_rng(3)
    m = random_map(rng, 'smooth', 60, 50)
    gt = np.array([[5, 8, 30, 40], [20, 20, 49, 59]])
    t = np.arange(0, 1, 0.01)
    fast = quantized_max_ious(quantize_scoremap(m), gt, t, backend='c')
    slow = scoremap_max_ious_slow(m, gt, t)
    np.testing.assert_array_equal(fast[0], slow[0])
    np.testing.assert_array_equal(fast[1], slow[1])


def test_threads_and_workspace_sizes_do_not_interfere():
    rng = np.random.default_rng(1)
    maps = [
        quantize_scoremap(random_map(rng, 'smooth', h, w))
        for h, w in [(224, 224), (5, 7), (300, 120), (224, 224), (1, 1)] * 4
    ]
    gts = [random_boxes(rng, *q.shape) for q in maps]
    t = np.arange(0, 1, 0.001)
    expected = [
        quantized_max_ious(q, g, t, 'opencv') for q, g in zip(maps, gts)
    ]
    with ThreadPoolExecutor(3) as pool:
        got = list(
            pool.map(lambda a: quantized_max_ious(a[0], a[1], t, 'c'),
                     zip(maps, gts)))
    for e, g in zip(expected, got):
        np.testing.assert_array_equal(e[0], g[0])
        np.testing.assert_array_equal(e[1], g[1])


def test_benchmark_quantized_scoremap_equals_the_numpy_steps():
    rng = np.random.default_rng(2)
    for _ in range(30):
        h, w = int(rng.integers(2, 80)), int(rng.integers(2, 80))
        m = rng.random((h, w)) * rng.uniform(0.01, 50) - rng.uniform(0, 5)
        # the bicubic resize in the extension is OpenCV's, bit for bit,
        # for any source and target size
        size = (224, 224) if _ % 2 else (int(rng.integers(1, 300)),
                                         int(rng.integers(1, 300)))
        expected = quantize_scoremap(
            resize_scoremap(m, size).astype(np.float32))
        np.testing.assert_array_equal(
            benchmark_quantized_scoremap(m, size), expected)
    # constant and NaN maps normalise to zeros, as normalize_scoremap does
    assert benchmark_quantized_scoremap(np.full((4, 4), 3.0)).max() == 0
    assert benchmark_quantized_scoremap(np.full((4, 4), np.nan)).max() == 0


def test_benchmark_quantized_scoremap_without_extension(monkeypatch):
    m = np.random.default_rng(4).random((30, 20))
    expected = benchmark_quantized_scoremap(m)
    monkeypatch.setattr(wsol_box, '_wsol_box_ext', None)
    np.testing.assert_array_equal(benchmark_quantized_scoremap(m), expected)
