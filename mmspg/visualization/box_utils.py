"""Boxes from a localization map, with the WSOL evaluation's own rules.

Inference, overlays and the training-time hook must draw exactly the box that
the evaluator scores, so this module only binarises the map the way the
benchmark does and hands the binary map to the evaluation core's contour ->
box function (:func:`mmspg.evaluation.functional.boxes_from_binary`); it
re-implements neither.
"""
from typing import Union

import cv2
import numpy as np
import torch

from mmspg.evaluation.functional import boxes_from_binary, quantize_scoremap

BOX_MODES = ('largest', 'all')


def map_to_boxes(loc_map: Union[np.ndarray, torch.Tensor],
                 thr: float,
                 box_mode: str = 'largest') -> np.ndarray:
    """Boxes of the foreground of a [0, 1] map at a threshold.

    Foreground is ``uint8(map * 255) > int(thr * max(uint8 map))`` (the WSOL
    benchmark's binarisation), boxes are the bounding rectangles of the
    contours of that foreground (``boxes_from_binary`` of the evaluation
    core). A map without foreground gives the single box (0, 0, 0, 0), as in
    the evaluation.

    Args:
        loc_map (np.ndarray | Tensor): (H, W) float map in [0, 1].
        thr (float): Threshold relative to the map's maximum, in [0, 1].
        box_mode (str): ``'largest'``: the box of the contour of largest
            area (one box, MaxBoxAcc's rule); ``'all'``: the boxes of all
            contours (MaxBoxAccV2's candidates).

    Returns:
        np.ndarray: float32 (M, 4) boxes x1, y1, x2, y2 in the map's pixels,
        ``0 <= x1 <= x2 <= W - 1`` and ``0 <= y1 <= y2 <= H - 1``; M = 1 for
        ``'largest'``.
    """
    if box_mode not in BOX_MODES:
        raise ValueError(f'box_mode must be one of {BOX_MODES}, '
                         f'got {box_mode!r}')
    if not 0.0 <= float(thr) <= 1.0:
        raise ValueError(f'thr must be in [0, 1], got {thr!r}')
    if isinstance(loc_map, torch.Tensor):
        loc_map = loc_map.detach().float().cpu().numpy()
    loc_map = np.asarray(loc_map, dtype=np.float32)
    if loc_map.ndim != 2 or min(loc_map.shape) < 1:
        raise ValueError(f'loc_map must be a non-empty (H, W) map, got shape '
                         f'{loc_map.shape}')
    q = quantize_scoremap(np.clip(np.nan_to_num(loc_map), 0.0, 1.0))
    # Same binarisation as the evaluation (threshold truncated to int,
    # strictly-greater test of cv2.THRESH_BINARY).
    _, binary = cv2.threshold(q, int(float(thr) * q.max()), 255,
                              cv2.THRESH_BINARY)
    boxes, largest = boxes_from_binary(binary)
    if box_mode == 'largest':
        boxes = boxes[largest:largest + 1]
    # The benchmark never clips x0/y0 and clips x1/y1 to size - 1; for a
    # 1-pixel-wide map that can leave x1 < x0, so order and clip here.
    h, w = loc_map.shape
    boxes = boxes.astype(np.float32)
    boxes[:, 0::2] = np.clip(boxes[:, 0::2], 0, w - 1)
    boxes[:, 1::2] = np.clip(boxes[:, 1::2], 0, h - 1)
    boxes[:, 2] = np.maximum(boxes[:, 0], boxes[:, 2])
    boxes[:, 3] = np.maximum(boxes[:, 1], boxes[:, 3])
    return boxes
