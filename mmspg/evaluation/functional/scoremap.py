"""Score-map normalisation and resizing as the WSOL benchmark does them."""
from typing import Tuple

import cv2
import numpy as np

from .wsol_box import compiled_extension, quantize_scoremap, thread_scratch

__all__ = [
    'normalize_scoremap', 'resize_scoremap', 'benchmark_quantized_scoremap'
]


def normalize_scoremap(scoremap: np.ndarray) -> np.ndarray:
    """Min-max normalise a map to [0, 1] (benchmark ``normalize_scoremap``).

    Args:
        scoremap (np.ndarray): (H, W) float map, any range.

    Returns:
        np.ndarray: float64 (H, W) in [0, 1]; all zeros when the map is
        constant or has a NaN.
    """
    cam = np.array(scoremap, dtype=np.float64)
    if np.isnan(cam).any() or cam.min() == cam.max():
        return np.zeros_like(cam)
    cam -= cam.min()
    cam /= cam.max()
    return cam


def resize_scoremap(scoremap: np.ndarray, size: Tuple[int, int]) -> np.ndarray:
    """Resize a map to (height, width) like the benchmark, then normalise.

    The benchmark resizes CAMs with ``cv2.resize(..., INTER_CUBIC)`` in
    float64 and min-max normalises the result (cubic overshoots [0, 1]).
    A map already at ``size`` is only normalised (a resize to the same size
    is a copy in OpenCV).

    Args:
        scoremap (np.ndarray): (H, W) float map.
        size (tuple[int, int]): Target (height, width).

    Returns:
        np.ndarray: float64 (height, width) in [0, 1].
    """
    cam = np.asarray(scoremap, dtype=np.float64)
    h, w = int(size[0]), int(size[1])
    if cam.shape != (h, w):
        cam = cv2.resize(cam, (w, h), interpolation=cv2.INTER_CUBIC)
    return normalize_scoremap(cam)


def benchmark_quantized_scoremap(
    scoremap: np.ndarray, size: Tuple[int, int] = (224, 224)
) -> np.ndarray:  # noqa: E125
    """The uint8 map the benchmark thresholds, from a model map.

    Equal to ``quantize_scoremap(resize_scoremap(scoremap, size).astype(
    np.float32))``: resized and normalised as the benchmark does, rounded to
    the float32 of a score-map dump (so that re-evaluating a dump gives the
    same numbers), then quantised. With mmspg's extension built, the resize
    (bit-identical to OpenCV's, see ``csrc/wsol_box_levels.c``), the
    normalisation and the quantisation run in one compiled call (OpenCV's
    resize and five numpy passes otherwise).

    Args:
        scoremap (np.ndarray): (H, W) float map, any range.
        size (tuple[int, int]): Target (height, width).

    Returns:
        np.ndarray: uint8 (height, width).
    """
    cam = np.ascontiguousarray(scoremap, dtype=np.float64)
    h, w = int(size[0]), int(size[1])
    ext = compiled_extension()
    if ext is not None and cam.ndim == 2 and cam.size:
        out = np.empty((h, w), dtype=np.uint8)
        if cam.shape == (h, w):  # no resize (OpenCV's would be a copy)
            done = ext.normalize_quantize(cam, out)
        else:
            done = ext.resize_normalize_quantize(
                cam, cam.shape[0], cam.shape[1], out, h, w,
                thread_scratch('resize',
                               ext.resize_workspace_bytes(cam.shape[0], h, w)))
        if done:
            return out
        # not finite: the numpy path below gives the documented result
    return quantize_scoremap(resize_scoremap(cam, (h, w)).astype(np.float32))
