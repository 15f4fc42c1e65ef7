"""Score-map normalisation and resizing as the WSOL benchmark does them."""
from typing import Tuple

import cv2
import numpy as np

__all__ = ['normalize_scoremap', 'resize_scoremap']


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
