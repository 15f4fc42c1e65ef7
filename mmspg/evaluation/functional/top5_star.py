"""The second box of a score map, for SPG* (the SPG paper's Top-5 Loc).

SPG* takes five (class, box) guesses per image: two boxes from the map of
the top-1 class, two from the top-2 class and one from the top-3 class.
The official SPG code saves the top-5 maps (utils/save_atten.py,
``save_top_5_atten_maps``) but ships no code that turns them into boxes,
so how two boxes come from one map is our design: at the same threshold
as the single-box metrics, box 1 is the GT-known box (the largest contour,
the benchmark's rule) and box 2 is the bounding box of the second-largest
outer contour (``RETR_EXTERNAL``, by contour area): a second object, or a
part the threshold cut off the first one. A map with one outer contour
gives one box.
"""
import cv2
import numpy as np

from .wsol_box import _contour_boxes_areas, multiple_iou

__all__ = ['second_box', 'second_box_hit']


def second_box(q: np.ndarray, level: int):
    """The box of the second-largest outer contour of ``q > level``.

    Args:
        q (np.ndarray): (H, W) uint8 quantised score map.
        level (int): Integer threshold; foreground is ``q > level``.

    Returns:
        np.ndarray | None: int64 (4,) box (x0, y0, x1, y1), in the
        benchmark's convention (x1/y1 one past the contour, clipped), or
        None with fewer than two outer contours.
    """
    binary = (q > level).astype(np.uint8)
    contours = cv2.findContours(binary, cv2.RETR_EXTERNAL,
                                cv2.CHAIN_APPROX_SIMPLE)[0]
    if len(contours) < 2:
        return None
    height, width = q.shape
    boxes, areas = _contour_boxes_areas(contours, width, height)
    # Stable: equal areas keep findContours order.
    order = np.argsort(-areas, kind='stable')
    return boxes[order[1]]


def second_box_hit(q: np.ndarray,
                   level: int,
                   gt_boxes: np.ndarray,
                   iou_threshold: float = 0.5) -> bool:
    """Whether the second box of ``q > level`` hits a GT box.

    Args:
        q (np.ndarray): (H, W) uint8 quantised score map.
        level (int): Integer threshold; foreground is ``q > level``.
        gt_boxes (np.ndarray): int (K, 4) GT boxes in the map's frame.
        iou_threshold (float): Hit if IoU >= this. Defaults to 0.5.
    """
    box = second_box(q, level)
    if box is None:
        return False
    return bool(multiple_iou(box[None], gt_boxes).max() >= iou_threshold)
