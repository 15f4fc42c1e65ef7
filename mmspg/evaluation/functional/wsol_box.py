"""Exact and fast box evaluation of WSOL score maps (MaxBoxAcc, MaxBoxAccV2).

Pure numpy/OpenCV (no mmengine), shared by
:class:`mmspg.evaluation.WSOLMetric` and ``tools/eval_scoremaps.py`` so the
two can never disagree.

The numbers are those of the WSOL benchmark protocol (Choe et al., CVPR 2020,
``clovaai/wsolevaluation``: ``evaluation.py`` + ``util.py``). Every quirk of
that protocol that changes a number is reproduced and marked ``# quirk:``
where it is handled:

* the float map is cast to float64, multiplied by 255 and truncated to uint8
  before any thresholding;
* the integer threshold is ``int(t * max(uint8 map))`` for a grid value ``t``
  of ``np.arange(0, 1, interval)``; a pixel is foreground when its uint8 value
  is strictly greater (``cv2.THRESH_BINARY``);
* boxes are the bounding rectangles of ``cv2.findContours(RETR_TREE,
  CHAIN_APPROX_SIMPLE)`` contours, hole contours included; ``x1 = x + w`` and
  ``y1 = y + h`` then clipped to ``width - 1`` / ``height - 1`` (``x0``/``y0``
  are never clipped);
* MaxBoxAcc (v1) keeps the box of the first contour of largest
  ``cv2.contourArea`` (polygon area, not box area), MaxBoxAccV2 the best IoU
  over all boxes of all contours and all GT boxes;
* a map with no contour at a threshold yields the box ``(0, 0, 0, 0)``;
* IoU uses the +1 pixel convention and IoU thresholds are ``k / 100``;
* GT boxes are rescaled from the original image size to 224 and truncated to
  int.

Speed: a uint8 map has at most 256 distinct binarisations however fine the
threshold grid, so boxes are computed once per distinct binarisation (a
level) and the grid thresholds are mapped onto the levels. Two backends give
the same numbers (tests compare them, and both with OpenCV's findContours):

* ``'c'``: the compiled extension ``_wsol_box_ext``
  (``csrc/wsol_box_levels.c``) gets the boxes of every level in two
  union-find sweeps over the pixels, about 10x faster than the OpenCV path;
  the rare levels it cannot settle (ties of the largest contour area between
  nested contours) are handed to findContours;
* ``'opencv'``: one ``cv2.findContours`` per level, box extraction, contour
  areas and IoUs vectorised over all contours at once. Used when the
  extension is not built (an install without a C compiler).
"""
import threading
import warnings
from typing import Dict, Optional, Sequence, Tuple

import cv2
import numpy as np

try:
    from . import _wsol_box_ext
except ImportError:  # installed without a C compiler: OpenCV path only
    _wsol_box_ext = None

#: ``API_VERSION`` of the sources in ``csrc/`` (``wsol_box_ext.c``)
EXT_API_VERSION = 2


def _usable_extension(module):
    """``module``, or None (with a warning) when it is a build older than
    its sources (an editable install not rebuilt after a pull), which would
    fail on its first call; the OpenCV path gives the same numbers."""
    if module is None:
        return None
    found = getattr(module, 'API_VERSION', 1)
    if found == EXT_API_VERSION:
        return module
    warnings.warn(
        f'{getattr(module, "__file__", module)} is a stale build of mmspg\'s '
        f'extension (API {found}, sources {EXT_API_VERSION}); using the '
        'OpenCV path. Rebuild it: python setup.py build_ext --inplace (or '
        'pip install -e .)')
    return None


_wsol_box_ext = _usable_extension(_wsol_box_ext)

__all__ = [
    'BENCHMARK_SIZE', 'cam_threshold_grid', 'check_scoremap', 'check_boxes',
    'quantize_scoremap', 'rescale_boxes', 'multiple_iou', 'boxes_from_binary',
    'scoremap_max_ious', 'quantized_max_ious', 'level_max_ious',
    'scoremap_max_ious_slow', 'hits_from_ious', 'box_accuracy_summary',
    'BOX_BACKENDS', 'box_backends', 'compiled_extension', 'thread_scratch'
]

#: ``backend`` values of :func:`scoremap_max_ious`; ``'auto'`` is ``'c'``
#: when the extension is built, else ``'opencv'``.
BOX_BACKENDS = ('auto', 'c', 'opencv')

#: Side of the square frame the benchmark evaluates in (``_RESIZE_LENGTH``).
BENCHMARK_SIZE = 224


def cam_threshold_grid(interval: float = 0.001) -> np.ndarray:
    """Score-map thresholds of the benchmark's curve.

    Args:
        interval (float): Step of the grid, in (0, 1).

    Returns:
        np.ndarray: float64 (T,), ``np.arange(0, 1, interval)``; the very same
        float values as the benchmark (e.g. ``0.007000000000000001``), which
        matters because ``int(t * max)`` truncates.
    """
    if not 0 < interval < 1:
        raise ValueError(
            f'cam_curve_interval must be in (0, 1), got {interval!r}')
    return np.arange(0, 1, interval)


def compiled_extension():
    """The compiled extension module ``_wsol_box_ext``, or None if not built.
    """
    return _wsol_box_ext


def box_backends() -> Tuple[str, ...]:
    """The box backends usable here (``'c'`` only if the extension is built).
    """
    return ('c', 'opencv') if _wsol_box_ext is not None else ('opencv', )


def check_scoremap(scoremap: np.ndarray, name: str = 'scoremap') -> None:
    """Raise a clear error unless ``scoremap`` is a 2-D float map in [0, 1].

    Args:
        scoremap (np.ndarray): The map to check.
        name (str): What to call the map in the error (e.g. a file path).
    """
    if not isinstance(scoremap, np.ndarray):
        raise TypeError(f'{name}: score map must be a numpy array, '
                        f'got {type(scoremap).__name__}')
    if scoremap.ndim != 2:
        raise ValueError(f'{name}: score map must be 2-D, got shape '
                         f'{scoremap.shape}')
    if not np.issubdtype(scoremap.dtype, np.floating):
        raise TypeError(f'{name}: score map must be a float array, got '
                        f'{scoremap.dtype}')
    if np.isnan(scoremap).any():
        raise ValueError(f'{name}: score map contains NaN')
    if scoremap.size and (scoremap.min() < 0 or scoremap.max() > 1):
        raise ValueError(f'{name}: score map must lie in [0, 1], got '
                         f'min={scoremap.min()}, max={scoremap.max()}')


def check_boxes(boxes: np.ndarray, name: str = 'boxes') -> np.ndarray:
    """Validate boxes in the (x0, y0, x1, y1) convention.

    Args:
        boxes (array-like): (K, 4) or (4,) box coordinates.
        name (str): What to call the boxes in the error.

    Returns:
        np.ndarray: The boxes as a (K, 4) array.
    """
    boxes = np.asarray(boxes)
    if boxes.ndim == 1:
        boxes = boxes[None]
    if boxes.ndim != 2 or boxes.shape[1] != 4:
        raise ValueError(f'{name}: boxes must have shape (K, 4), got '
                         f'{boxes.shape}')
    if (boxes < 0).any():
        raise ValueError(f'{name}: box coordinates must be non-negative, '
                         f'got {boxes.tolist()}')
    if ((boxes[:, 2] < boxes[:, 0]) | (boxes[:, 3] < boxes[:, 1])).any():
        raise ValueError(f'{name}: boxes must satisfy x1 >= x0 and '
                         f'y1 >= y0, got {boxes.tolist()}')
    return boxes


def quantize_scoremap(scoremap: np.ndarray) -> np.ndarray:
    """Quantise a [0, 1] map to uint8 the way the benchmark does.

    Args:
        scoremap (np.ndarray): (H, W) float in [0, 1].

    Returns:
        np.ndarray: (H, W) uint8 in [0, 255].
    """
    # quirk: the benchmark's loader turns maps into float64 (t2n) before
    # ``(map * 255).astype(uint8)``; float32 products round differently.
    return (scoremap.astype(np.float64) * 255).astype(np.uint8)


def rescale_boxes(
    boxes: np.ndarray,
    image_size: Tuple[int, int],
    new_size: Tuple[int, int] = (BENCHMARK_SIZE, BENCHMARK_SIZE)
) -> np.ndarray:
    """Rescale boxes between frames as the benchmark does.

    Args:
        boxes (array-like): (K, 4) boxes (x0, y0, x1, y1) in the frame of
            ``image_size``.
        image_size (tuple[int, int]): (width, height) of the source frame.
        new_size (tuple[int, int]): (width, height) of the target frame.

    Returns:
        np.ndarray: int64 (K, 4) boxes in the target frame.
    """
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    w, h = map(float, image_size)
    new_w, new_h = map(float, new_size)
    # quirk: x * new / old in this order, then truncation toward zero (int()).
    scale = np.array([new_w, new_h, new_w, new_h])
    size = np.array([w, h, w, h])
    return np.trunc(boxes * scale / size).astype(np.int64)


def multiple_iou(boxes_a: np.ndarray, boxes_b: np.ndarray) -> np.ndarray:
    """IoU of every box of ``boxes_a`` with every box of ``boxes_b``.

    Args:
        boxes_a (np.ndarray): int (A, 4) boxes (x0, y0, x1, y1), inclusive.
        boxes_b (np.ndarray): int (B, 4) boxes.

    Returns:
        np.ndarray: float64 (A, B) IoU in [0, 1].
    """
    a = np.asarray(boxes_a, dtype=np.int64)[:, None, :]
    b = np.asarray(boxes_b, dtype=np.int64)[None, :, :]
    # quirk: +1 pixel convention (x1, y1 inclusive) in widths and heights.
    iw = np.maximum(
        0,
        np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]) +
        1)
    ih = np.maximum(
        0,
        np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1]) +
        1)
    inter = iw * ih
    area_a = (a[..., 2] - a[..., 0] + 1) * (a[..., 3] - a[..., 1] + 1)
    area_b = (b[..., 2] - b[..., 0] + 1) * (b[..., 3] - b[..., 1] + 1)
    union = area_a + area_b - inter
    # quirk: a non-positive union gives IoU 0 (cannot happen for valid boxes).
    degenerate = union <= 0
    ious = inter / np.where(degenerate, 1, union)
    ious[degenerate] = 0
    return ious


def _contour_boxes_areas(contours: Sequence[np.ndarray], width: int,
                         height: int) -> Tuple[np.ndarray, np.ndarray]:
    """Bounding boxes and polygon areas of contours, vectorised.

    Equals ``cv2.boundingRect`` and ``cv2.contourArea`` per contour (integer
    points, so the shoelace sums are exact in int64), without a Python loop
    over contours: noisy maps have thousands of them.
    """
    lengths = np.fromiter(
        map(len, contours), dtype=np.int64, count=len(contours))
    pts = np.concatenate(contours).reshape(-1, 2).astype(np.int64)
    starts = np.zeros(len(lengths), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    x, y = pts[:, 0], pts[:, 1]
    x0 = np.minimum.reduceat(x, starts)
    y0 = np.minimum.reduceat(y, starts)
    # quirk: boundingRect gives w = max - min + 1, the box is (x, y, x+w, y+h)
    # with x1/y1 clipped to size - 1 (one past the object unless clipped).
    x1 = np.minimum(np.maximum.reduceat(x, starts) + 1, width - 1)
    y1 = np.minimum(np.maximum.reduceat(y, starts) + 1, height - 1)
    boxes = np.stack([x0, y0, x1, y1], axis=1)
    nxt = np.arange(1, len(pts) + 1)
    nxt[starts + lengths - 1] = starts
    cross = x * y[nxt] - x[nxt] * y
    areas = np.abs(np.add.reduceat(cross, starts))  # 2 x contourArea
    return boxes, areas


def boxes_from_binary(binary: np.ndarray) -> Tuple[np.ndarray, int]:
    """Boxes of all contours of a binary map and the index of the v1 box.

    Args:
        binary (np.ndarray): (H, W) uint8, foreground non-zero.

    Returns:
        tuple: int64 (N, 4) boxes (x0, y0, x1, y1) of all contours in
        ``findContours`` order (N >= 1), and the index of the box of the
        first contour of largest contour area.
    """
    height, width = binary.shape
    # OpenCV >= 4 returns (contours, hierarchy); the benchmark indexes by
    # version. RETR_TREE keeps hole contours, which count in v2.
    contours = cv2.findContours(binary, cv2.RETR_TREE,
                                cv2.CHAIN_APPROX_SIMPLE)[0]
    if len(contours) == 0:
        # quirk: no contour -> the box (0, 0, 0, 0), which still has IoU > 0
        # with GT boxes touching the top-left pixel.
        return np.zeros((1, 4), dtype=np.int64), 0
    boxes, areas = _contour_boxes_areas(contours, width, height)
    # quirk: v1 keeps the first contour of largest contourArea (Python max).
    return boxes, int(np.argmax(areas))


def scoremap_max_ious(scoremap: np.ndarray,
                      gt_boxes: np.ndarray,
                      cam_thresholds: np.ndarray,
                      check: bool = True,
                      backend: str = 'auto') -> Tuple[np.ndarray, np.ndarray]:
    """Best IoU per threshold for v1 and v2 (the benchmark's boxes), with
    the boxes computed once per distinct binarisation.

    Args:
        scoremap (np.ndarray): (H, W) float in [0, 1].
        gt_boxes (np.ndarray): int (K, 4) GT boxes (x0, y0, x1, y1) in the
            frame of the map, K >= 1.
        cam_thresholds (np.ndarray): float (T,) thresholds in [0, 1].
        check (bool): Validate the inputs.
        backend (str): One of :data:`BOX_BACKENDS`.

    Returns:
        tuple[np.ndarray, np.ndarray]: float64 (T,) ``v1_iou`` (largest
        contour's box vs the best GT box) and (T,) ``v2_iou`` (best over all
        contour boxes and all GT boxes). A hit at IoU threshold ``k`` percent
        is ``iou >= k / 100``.
    """
    if check:
        check_scoremap(scoremap)
        gt_boxes = check_boxes(gt_boxes, 'gt_boxes')
    return quantized_max_ious(
        quantize_scoremap(scoremap), gt_boxes, cam_thresholds, backend)


_scratch = threading.local()
_ALL_LEVELS = np.arange(256)


def thread_scratch(name: str, nbytes: int) -> np.ndarray:
    """A per-thread scratch buffer of the extension, reused across calls (a
    fresh one per call costs page faults comparable to the work itself).

    Args:
        name (str): Which buffer (callers that run one after the other in a
            thread may share one; those alive at once need their own).
        nbytes (int): Minimum size in bytes.

    Returns:
        np.ndarray: float64 (for the 8-byte alignment the extension needs)
        of at least ``nbytes`` bytes, owned by the calling thread.
    """
    buffers = getattr(_scratch, 'buffers', None)
    if buffers is None:
        buffers = _scratch.buffers = {}
    buf = buffers.get(name)
    if buf is None or buf.nbytes < nbytes:
        buf = buffers[name] = np.empty(-(-nbytes // 8), dtype=np.float64)
    return buf


def level_max_ious(
        q: np.ndarray,
        gt_boxes: np.ndarray,
        backend: str = 'auto') -> Tuple[np.ndarray, np.ndarray, int]:
    """Best v1 / v2 IoU of every binarisation ``q > l`` of a uint8 map.

    The per-threshold results of :func:`quantized_max_ious` are these,
    indexed by ``int(t * max)``.

    Args:
        q (np.ndarray): C-contiguous (H, W) uint8 map.
        gt_boxes (np.ndarray): C-contiguous int64 (K, 4) GT boxes, K >= 1.
        backend (str): One of :data:`BOX_BACKENDS` (not validated here).

    Returns:
        tuple: float64 (256,) v1 and (256,) v2 IoUs for l = 0 .. 255 (an
        empty binarisation gives the IoU of the box (0, 0, 0, 0)), and the
        map's maximum value.
    """
    if backend == 'opencv' or _wsol_box_ext is None or q.size == 0:
        v1, v2 = _max_ious_opencv(q, gt_boxes, _ALL_LEVELS)
        return v1, v2, int(q.max()) if q.size else 0
    height, width = q.shape
    buf = thread_scratch('box_levels',
                         _wsol_box_ext.workspace_bytes(height, width))
    v1 = np.empty(256)
    v2 = np.empty(256)
    undecided = np.empty(256, dtype=np.uint8)
    max_value = _wsol_box_ext.box_levels(q, height, width, gt_boxes, v1, v2,
                                         undecided, buf)
    for level in np.flatnonzero(undecided):
        # quirk: v1 ties between nested contours follow findContours' order
        boxes, largest = boxes_from_binary((q > level).astype(np.uint8))
        v1[level] = multiple_iou(boxes[largest:largest + 1], gt_boxes).max()
    return v1, v2, max_value


def quantized_max_ious(q: np.ndarray,
                       gt_boxes: np.ndarray,
                       cam_thresholds: np.ndarray,
                       backend: str = 'auto') -> Tuple[np.ndarray, np.ndarray]:
    """:func:`scoremap_max_ious` of a map already quantised to uint8.

    Args:
        q (np.ndarray): (H, W) uint8, from :func:`quantize_scoremap`.
        gt_boxes (np.ndarray): int (K, 4) GT boxes, K >= 1.
        cam_thresholds (np.ndarray): float (T,) thresholds in [0, 1].
        backend (str): One of :data:`BOX_BACKENDS`.

    Returns:
        tuple[np.ndarray, np.ndarray]: float64 (T,) ``v1_iou``, ``v2_iou``.
    """
    if backend not in BOX_BACKENDS:
        raise ValueError(f'backend must be one of {BOX_BACKENDS}, got '
                         f'{backend!r}')
    if backend == 'c' and _wsol_box_ext is None:
        raise RuntimeError(
            "backend='c' needs mmspg's compiled extension, which is not "
            'built; reinstall mmspg with a C compiler (pip install -e .)')
    if q.dtype != np.uint8 or q.ndim != 2:
        raise ValueError(f'q must be a 2-D uint8 map, got {q.dtype} '
                         f'{q.shape}')
    thresholds = np.asarray(cam_thresholds, dtype=np.float64).reshape(-1)
    if len(thresholds) and (thresholds.min() < 0 or thresholds.max() > 1):
        raise ValueError('cam_thresholds must lie in [0, 1], got '
                         f'[{thresholds.min()}, {thresholds.max()}]')
    gt_boxes = np.ascontiguousarray(gt_boxes, dtype=np.int64).reshape(-1, 4)
    if len(gt_boxes) == 0:
        raise ValueError('gt_boxes: at least one box is needed')
    v1, v2, max_value = level_max_ious(
        np.ascontiguousarray(q), gt_boxes, backend)
    # quirk: the threshold is int(t * max of the uint8 map), truncated.
    int_thr = (thresholds * max_value).astype(np.int64)
    return v1[int_thr], v2[int_thr]


def _max_ious_opencv(q: np.ndarray, gt_boxes: np.ndarray,
                     int_thr: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """The OpenCV backend: one findContours per distinct binarisation.

    Args:
        q (np.ndarray): (H, W) uint8 map.
        gt_boxes (np.ndarray): int64 (K, 4) GT boxes.
        int_thr (np.ndarray): int64 (T,) integer thresholds.
    """
    height, width = q.shape
    # q > k only changes when k crosses a pixel value: group the integer
    # thresholds by the first distinct pixel value above them.
    # (bincount: np.unique hashes and costs ~1 ms on a 224 x 224 map)
    values = np.flatnonzero(np.bincount(q.ravel(), minlength=256))
    key = np.searchsorted(values, int_thr, side='right')
    ukeys, first, inverse = np.unique(
        key, return_index=True, return_inverse=True)
    # Tracing only the bounding window of the foreground gives the same
    # contours (findContours pads with zeros itself; the pixels left out are
    # background and start no border) for a fraction of the scan.
    group_thr = int_thr[first]
    above_r = q.max(axis=1)[None, :] > group_thr[:, None]  # (G, H)
    above_c = q.max(axis=0)[None, :] > group_thr[:, None]  # (G, W)
    r0s = above_r.argmax(axis=1).tolist()
    r1s = (height - above_r[:, ::-1].argmax(axis=1)).tolist()
    c0s = above_c.argmax(axis=1).tolist()
    c1s = (width - above_c[:, ::-1].argmax(axis=1)).tolist()
    nonempty = above_r.any(axis=1).tolist()
    group_thr = group_thr.tolist()
    contours, counts = [], np.zeros(len(ukeys), dtype=np.int64)
    for g in range(len(ukeys)):
        if not nonempty[g]:
            continue  # nothing above the threshold: no contour
        thr, r0, r1, c0, c1 = group_thr[g], r0s[g], r1s[g], c0s[g], c1s[g]
        # quirk: THRESH_BINARY keeps pixels strictly above the threshold
        # (THRESH_TOZERO keeps the same non-zero set, so the same contours).
        _, binary = cv2.threshold(q[r0:r1, c0:c1], thr, 255, cv2.THRESH_BINARY)
        # RETR_TREE keeps hole contours (they count in v2); OpenCV >= 4
        # returns (contours, hierarchy).
        found = cv2.findContours(
            binary, cv2.RETR_TREE, cv2.CHAIN_APPROX_SIMPLE, offset=(c0, r0))[0]
        counts[g] = len(found)
        contours.extend(found)
    empty = counts == 0
    if contours:
        boxes, areas = _contour_boxes_areas(contours, width, height)
    else:
        boxes = np.zeros((0, 4), dtype=np.int64)
        areas = np.zeros(0, dtype=np.int64)
    # quirk: no contour -> the box (0, 0, 0, 0), which still has IoU > 0
    # with a GT box touching the top-left pixel.
    boxes = np.concatenate(
        [boxes, np.zeros((int(empty.sum()), 4), dtype=np.int64)])
    best_per_box = multiple_iou(boxes, gt_boxes).max(axis=1)
    v1_group = np.empty(len(ukeys))
    v2_group = np.empty(len(ukeys))
    v1_group[empty] = v2_group[empty] = best_per_box[len(areas):]
    if contours:
        nonempty_counts = counts[~empty]
        starts = np.zeros(len(nonempty_counts), dtype=np.int64)
        np.cumsum(nonempty_counts[:-1], out=starts[1:])
        v2_group[~empty] = np.maximum.reduceat(best_per_box[:len(areas)],
                                               starts)
        # quirk: v1 keeps the FIRST contour of largest contourArea (what
        # Python's max returns), compared by polygon area, not box area.
        group = np.repeat(np.arange(len(starts)), nonempty_counts)
        is_max = areas == np.maximum.reduceat(areas, starts)[group]
        idx = np.flatnonzero(is_max)
        _, first_max = np.unique(group[idx], return_index=True)
        v1_group[~empty] = best_per_box[idx[first_max]]
    inverse = inverse.reshape(-1)
    return v1_group[inverse], v2_group[inverse]


def scoremap_max_ious_slow(
        scoremap: np.ndarray, gt_boxes: np.ndarray,
        cam_thresholds: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Per-threshold version of :func:`scoremap_max_ious` (for tests).

    One ``cv2.threshold`` + ``findContours`` per grid threshold and the
    per-contour OpenCV calls, as the benchmark does.
    """
    check_scoremap(scoremap)
    gt_boxes = check_boxes(gt_boxes, 'gt_boxes')
    q = quantize_scoremap(scoremap)
    height, width = q.shape
    v1, v2 = [], []
    for t in cam_thresholds:
        _, binary = cv2.threshold(q, int(t * np.max(q)), 255,
                                  cv2.THRESH_BINARY)
        contours = cv2.findContours(binary, cv2.RETR_TREE,
                                    cv2.CHAIN_APPROX_SIMPLE)[0]
        if len(contours) == 0:
            all_boxes = np.zeros((1, 4), dtype=np.int64)
            largest = all_boxes
        else:
            rects = []
            for c in contours:
                x, y, w, h = cv2.boundingRect(c)
                rects.append(
                    [x, y, min(x + w, width - 1),
                     min(y + h, height - 1)])
            all_boxes = np.array(rects)
            largest = all_boxes[[
                max(range(len(contours)),
                    key=lambda i: cv2.contourArea(contours[i]))
            ]]
        v1.append(multiple_iou(largest, gt_boxes).max())
        v2.append(multiple_iou(all_boxes, gt_boxes).max())
    return np.array(v1), np.array(v2)


def box_accuracy_summary(v1_correct: np.ndarray,
                         v2_correct: np.ndarray,
                         num_images: int,
                         cam_thresholds: np.ndarray,
                         iou_thresholds: Sequence[int] = (30, 50, 70),
                         with_curves: bool = True) -> Dict:
    """Reduce per-threshold hit counts to MaxBoxAcc / MaxBoxAccV2.

    Args:
        v1_correct (np.ndarray): int (T,) number of images whose largest
            contour box hits a GT box at IoU >= 0.5, per cam threshold.
        v2_correct (np.ndarray): int (I, T) number of images whose best box
            hits at IoU >= ``iou_thresholds[i] / 100``, per cam threshold.
        num_images (int): Number of evaluated images (> 0).
        cam_thresholds (np.ndarray): float (T,) the cam threshold grid.
        iou_thresholds (Sequence[int]): IoU thresholds in percent.
        with_curves (bool): Add the accuracy-vs-threshold curves.

    Returns:
        dict: ``maxboxacc`` (percent), ``maxboxacc_best_threshold``,
        ``maxboxacc_v2`` (mean over IoU thresholds, percent),
        ``maxboxacc_v2_iou{k}`` and ``maxboxacc_v2_iou{k}_best_threshold``,
        and with ``with_curves`` a ``curves`` dict of lists (percent).
    """
    if num_images <= 0:
        raise ValueError('no image was evaluated (num_images == 0)')
    thresholds = np.asarray(cam_thresholds, dtype=np.float64)
    # Same float ops as the benchmark: count * 100. / float(cnt).
    acc_v1 = np.asarray(
        v1_correct, dtype=np.float64) * 100. / float(num_images)
    acc_v2 = np.asarray(
        v2_correct, dtype=np.float64).reshape(len(iou_thresholds),
                                              -1) * 100. / float(num_images)
    out = dict(
        maxboxacc=float(acc_v1.max()),
        maxboxacc_best_threshold=float(thresholds[int(np.argmax(acc_v1))]))
    per_iou = []
    for k, acc in zip(iou_thresholds, acc_v2):
        per_iou.append(acc.max())
        out[f'maxboxacc_v2_iou{k}'] = float(acc.max())
        out[f'maxboxacc_v2_iou{k}_best_threshold'] = float(thresholds[int(
            np.argmax(acc))])
    out['maxboxacc_v2'] = float(np.average(per_iou))
    if with_curves:
        curves = dict(
            cam_threshold=thresholds.tolist(), maxboxacc=acc_v1.tolist())
        for k, acc in zip(iou_thresholds, acc_v2):
            curves[f'maxboxacc_v2_iou{k}'] = acc.tolist()
        out['curves'] = curves
    return out


def hits_from_ious(
        v1_iou: np.ndarray,
        v2_iou: np.ndarray,
        iou_thresholds: Sequence[int] = (30, 50, 70),
        v1_iou_threshold: Optional[int] = 50) -> Tuple[np.ndarray, np.ndarray]:
    """Turn best IoUs into hit flags.

    Args:
        v1_iou (np.ndarray): float (T,) from :func:`scoremap_max_ious`.
        v2_iou (np.ndarray): float (T,).
        iou_thresholds (Sequence[int]): v2 IoU thresholds in percent.
        v1_iou_threshold (int): v1 IoU threshold in percent (MaxBoxAcc: 50).

    Returns:
        tuple: bool (T,) v1 hits and bool (I, T) v2 hits.
    """
    # quirk: IoU thresholds are compared as k / 100 with >=.
    v1_hit = v1_iou >= (v1_iou_threshold / 100)
    v2_hit = np.stack([v2_iou >= (k / 100) for k in iou_thresholds])
    return v1_hit, v2_hit
