"""Reading the fields of a packed WSOL data sample, shared by the metrics.

``WSOLMetric``, ``PxAPMetric`` and ``DumpWSOLScoreMaps`` read the same
fields of a ``WSOLClassifier`` output (docs/interfaces.md, "Model
outputs"); one reader keeps their errors and their maps identical, so the
numbers of a metric equal those of ``tools/eval_scoremaps.py`` on the dump.
"""
from typing import Any, Dict, Optional, Sequence, Tuple

import numpy as np
import torch

from ..functional import (BENCHMARK_SIZE, check_boxes, rescale_boxes,
                          resize_scoremap)


def to_numpy(value: Any) -> np.ndarray:
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    return np.asarray(value)


def get_field(sample: Any, key: str, image_id: str, owner: str) -> Any:
    """``sample[key]`` (a dict or a ``DataSample``), or a KeyError naming
    the metric, the image and the missing key."""
    value = sample.get(key, None) if isinstance(sample, dict) else getattr(
        sample, key, None)
    if value is None:
        raise KeyError(f'{owner}: data sample of image {image_id!r} '
                       f'has no {key!r} (see docs/interfaces.md)')
    return value


def image_id_of(sample: Any) -> str:
    image_id = (
        sample.get('image_id') if isinstance(sample, dict) else getattr(
            sample, 'image_id', None))
    return str(image_id) if image_id is not None else '<unknown>'


def int_boxes(boxes: Any, width: int, height: int) -> np.ndarray:
    """Truncate boxes to int pixels and clip them into a frame."""
    boxes = np.trunc(to_numpy(boxes).astype(np.float64).reshape(-1, 4))
    boxes[:, 0::2] = np.clip(boxes[:, 0::2], 0, width - 1)
    boxes[:, 1::2] = np.clip(boxes[:, 1::2], 0, height - 1)
    return boxes.astype(np.int64)


def gt_label_of(sample: Any, image_id: str, owner: str) -> int:
    return int(
        to_numpy(get_field(sample, 'gt_label', image_id,
                           owner)).reshape(-1)[0])


def gt_loc_map_of(sample: Any, image_id: str, owner: str) -> np.ndarray:
    """The (H, W) float32/float64 C-contiguous ground-truth class map."""
    loc_map = to_numpy(get_field(sample, 'gt_loc_map', image_id,
                                 owner)).squeeze()
    if loc_map.ndim != 2:
        raise ValueError(f'{owner}: gt_loc_map of image {image_id!r} must be '
                         f'(H, W), got {loc_map.shape}')
    if loc_map.dtype not in (np.float32, np.float64):
        loc_map = loc_map.astype(np.float64)
    return np.ascontiguousarray(loc_map)


def class_flags(sample: Any,
                image_id: str,
                label: int,
                owner: str,
                class_preds: Optional[Dict[str, Sequence[int]]] = None,
                class_preds_file: Optional[str] = None) -> dict:
    """``top1``, ``top5`` and ``rank3`` (the GT class's 0-based rank, 3 when
    not in the top 3) from ``pred_score`` or from another classifier's
    ranked labels (``class_preds``, by image id)."""
    if class_preds is not None:
        order = class_preds.get(image_id)
        if order is None:
            raise KeyError(f'{owner}: image {image_id!r} has no row in '
                           f'class_predictions file {class_preds_file}')
        order = np.asarray(order, dtype=np.int64)
    else:
        score = to_numpy(get_field(sample, 'pred_score', image_id,
                                   owner)).reshape(-1)
        # Stable sort: ties go to the lower class index, as argmax does.
        order = np.argsort(-score, kind='stable')
    ranks = np.flatnonzero(order[:3] == label)
    return dict(
        top1=bool(order[0] == label),
        top5=bool(label in order[:5]),
        rank3=int(ranks[0]) if len(ranks) else 3)


def ori_gt_boxes(sample: Any, image_id: str,
                 owner: str) -> Tuple[np.ndarray, Tuple[int, int]]:
    """Int GT boxes in the original frame and that frame's (w, h).

    The benchmark's boxes are ints in the original frame; truncating first
    keeps a metric equal to eval_scoremaps on its own dump.
    """
    ori_h, ori_w = (
        int(v) for v in get_field(sample, 'ori_shape', image_id, owner))
    ori_gt = check_boxes(
        np.trunc(
            to_numpy(get_field(sample, 'ori_gt_bboxes', image_id, owner))),
        f'ori_gt_bboxes of image {image_id!r}').astype(np.int64)
    if len(ori_gt) == 0:
        raise ValueError(f'{owner}: image {image_id!r} has no ground-truth '
                         'box')
    return ori_gt, (ori_w, ori_h)


def benchmark_gt_boxes(sample: Any, image_id: str, owner: str) -> np.ndarray:
    """Int GT boxes rescaled from ``ori_shape`` to the 224 frame."""
    ori_gt, ori_size = ori_gt_boxes(sample, image_id, owner)
    return rescale_boxes(ori_gt, ori_size)


def benchmark_scoremap(loc_map: np.ndarray) -> np.ndarray:
    """The float32 224 x 224 map of a dump (bicubic, then min-max, as the
    benchmark resizes a map; a 224 map is only normalised)."""
    return resize_scoremap(
        loc_map.astype(np.float64),
        (BENCHMARK_SIZE, BENCHMARK_SIZE)).astype(np.float32)


def _field(sample: Any, key: str) -> Any:
    return sample.get(key) if isinstance(sample, dict) else getattr(
        sample, key, None)


def check_finite(samples: Sequence[Any], owner: str) -> None:
    """Refuse samples whose class scores or maps were not finite.

    A diverged model's NaN maps are min-max normalised to all-zero maps
    before a metric sees them, so the heads record whether the raw maps
    and logits were finite (``raw_maps_finite``, see
    ``mmspg/models/utils/raw_map_check.py``); this also checks
    ``pred_score`` and the normalised maps themselves, for outputs of other
    models. Never scoring such a sample as an empty map keeps a diverged
    model from reporting Loc 0.00 as a result.

    Raises:
        FloatingPointError: naming how many samples of the batch and which.
    """
    bad = []
    for sample in samples:
        finite = _field(sample, 'raw_maps_finite')
        ok = finite is None or bool(finite)
        for key in ('pred_score', 'gt_loc_map', 'loc_maps'):
            value = _field(sample, key)
            if ok and value is not None:
                ok = bool(np.isfinite(to_numpy(value)).all())
        if not ok:
            path = _field(sample, 'img_path')
            bad.append(image_id_of(sample) + (f' ({path})' if path else ''))
    if bad:
        shown = ', '.join(bad[:10]) + (', ...' if len(bad) > 10 else '')
        raise FloatingPointError(
            f'{owner}: {len(bad)} of {len(samples)} samples of this batch '
            'have non-finite class scores or score maps (did training '
            f'diverge?): {shown}. They are not scored: a non-finite map is '
            'an error, not an empty prediction.')


def has_masks(sample: Any) -> bool:
    """Whether a data sample carries OpenImages-style mask paths."""
    if isinstance(sample, dict):
        return sample.get('gt_mask_paths') is not None
    return getattr(sample, 'gt_mask_paths', None) is not None
