"""Ground-truth boxes for inference outputs: parsed from text, read from an
annotation file, matched to an input by its path, and scored against the
top-1 box with the evaluation's IoU."""
import json
import os
import os.path as osp
from collections import defaultdict
from typing import Dict, List, Optional

import numpy as np

__all__ = ['parse_box', 'load_box_annotations', 'find_gt_boxes', 'top1_iou']


def parse_box(text: str, where: str) -> List[float]:
    """'x1,y1,x2,y2' -> [x1, y1, x2, y2], with an error naming ``where``."""
    try:
        box = [float(v) for v in text.split(',')]
    except ValueError:
        box = []
    if len(box) != 4 or box[2] < box[0] or box[3] < box[1]:
        raise ValueError(f'{where}: expected a box "x1,y1,x2,y2" with '
                         f'x1 <= x2 and y1 <= y2, got {text!r}')
    return box


def load_box_annotations(path: str) -> Dict[str, np.ndarray]:
    """Read ground-truth boxes in original pixels.

    Args:
        path (str): A JSON file ``{"<image id or file name>": [[x1, y1, x2,
            y2], ...]}``, or a text file of ``<image id>,x1,y1,x2,y2``
            lines (the WSOL benchmark's ``localization.txt``).

    Returns:
        dict[str, np.ndarray]: float32 (G, 4) boxes per key.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'no such annotation file {path!r}')
    boxes: Dict[str, list] = defaultdict(list)
    if path.lower().endswith('.json'):
        with open(path) as f:
            data = json.load(f)
        if not isinstance(data, dict):
            raise ValueError(f'{path}: expected a JSON object '
                             '{"<image id>": [[x1, y1, x2, y2], ...]}')
        for key, value in data.items():
            arr = np.asarray(value, dtype=np.float32)
            if arr.size == 0 or arr.size % 4:
                raise ValueError(f'{path}: boxes of {key!r} must be '
                                 f'[[x1, y1, x2, y2], ...], got {value!r}')
            boxes[key] = arr.reshape(-1, 4).tolist()
    else:
        with open(path) as f:
            for lineno, line in enumerate(f, 1):
                line = line.strip()
                if not line:
                    continue
                key, sep, rest = line.partition(',')
                if not sep:
                    raise ValueError(f'{path}:{lineno}: expected '
                                     f'"id,x1,y1,x2,y2", got {line!r}')
                boxes[key.strip()].append(parse_box(rest, f'{path}:{lineno}'))
    return {
        k: np.asarray(v, np.float32).reshape(-1, 4)
        for k, v in boxes.items()
    }


def find_gt_boxes(path: str, rel: str,
                  ann: Dict[str, np.ndarray]) -> Optional[np.ndarray]:
    """Boxes of ``ann`` whose key is the input's path, its path ``rel``
    relative to its folder input, its file name, or a '/'-separated suffix
    of its path; None if no key matches."""
    norm = path.replace(os.sep, '/')
    for key in (path, rel, norm, osp.basename(path)):
        if key in ann:
            return ann[key]
    for key, value in ann.items():
        if norm.endswith('/' + key.lstrip('/')):
            return value
    return None


def top1_iou(pred: np.ndarray, gt: np.ndarray) -> float:
    """Best IoU of the first predicted box (float (M, 4)) with the GT boxes
    (float (G, 4)), with the evaluation core's +1-pixel convention."""
    from mmspg.evaluation.functional.wsol_box import multiple_iou
    return float(
        multiple_iou(pred[:1].astype(np.int64),
                     np.trunc(gt).astype(np.int64)).max())
