"""Where the network input lies in the original image, how its maps go
back there, and how a result is scaled down for drawing.

The test pipeline may resize, crop or pad; rather than replaying each
transform, :class:`~mmspg.apis.WSOLInferencer` sends a probe box through the
pipeline as ``gt_bboxes`` (every box-aware transform moves it as it moves
the image) and reads the affine map original -> input from where the box
lands. Our design; mmpretrain's inferencer has no maps to invert.
"""
from typing import Callable, Optional, Tuple

import cv2
import numpy as np
import torch
from mmpretrain.structures import DataSample

from mmspg.evaluation.functional import frame_scoremap, normalize_scoremap

__all__ = [
    'PROBE', 'probe_box', 'input_affine', 'maps_to_original', 'fit_for_drawing'
]

#: Fraction of the image spanned by the probe box. Central, so that centre
#: crops keep it whole.
PROBE = (0.4, 0.6)


def probe_box(h: int, w: int) -> np.ndarray:
    """The probe box of an (h, w) image: float32 (1, 4) x1, y1, x2, y2."""
    lo, hi = PROBE
    return np.array([[lo * w, lo * h, hi * w, hi * h]], dtype=np.float32)


def input_affine(sample: DataSample, ori_shape: Tuple[int, int]) -> np.ndarray:
    """The affine map original -> network input of one predicted sample.

    Args:
        sample (DataSample): A prediction whose ``gt_bboxes`` is the probe
            box after the pipeline (``PackInputs(algorithm_keys=
            ['gt_bboxes', ...])``, as every mmspg test pipeline does), with
            ``img_shape`` or ``loc_maps``.
        ori_shape (tuple[int, int]): (H, W) of the original image.

    Returns:
        np.ndarray: float64 (sx, tx, sy, ty): ``u = sx * x + tx``, ``v = sy
        * y + ty`` in continuous pixel coordinates. Without a usable probe,
        the input is taken as a plain resize of the whole image.
    """
    h, w = ori_shape
    in_h, in_w = sample.img_shape[:2] if 'img_shape' in sample else \
        sample.loc_maps.shape[-2:]
    if 'gt_bboxes' in sample:
        box = np.asarray(
            sample.gt_bboxes.cpu() if isinstance(
                sample.gt_bboxes, torch.Tensor) else sample.gt_bboxes,
            dtype=np.float64).reshape(-1, 4)
        if len(box) == 1:
            p = probe_box(h, w)[0].astype(np.float64)
            b = box[0]
            if p[2] > p[0] and p[3] > p[1]:
                sx = (b[2] - b[0]) / (p[2] - p[0])
                sy = (b[3] - b[1]) / (p[3] - p[1])
                if sx > 0 and sy > 0:
                    return np.array(
                        [sx, b[0] - sx * p[0], sy, b[1] - sy * p[1]])
    return np.array([in_w / w, 0.0, in_h / h, 0.0])


def maps_to_original(maps: np.ndarray,
                     affine: np.ndarray,
                     ori_shape: Tuple[int, int],
                     normalizer: Optional[Callable] = None) -> np.ndarray:
    """Bring input-frame maps to the original image frame.

    Args:
        maps (np.ndarray): (K, h, w) float32 maps in [0, 1] at the network
            input size.
        affine (np.ndarray): (sx, tx, sy, ty), original -> input, from
            :func:`input_affine`.
        ori_shape (tuple[int, int]): (H, W) of the original image.
        normalizer (callable, optional): The normaliser the model applied
            to the maps (a data sample's ``loc_normalizer``, e.g.
            ``MaxNorm``); None: min-max.

    Returns:
        np.ndarray: (K, H, W) float32 in [0, 1]. A plain resize is the
        evaluation's own (``frame_scoremap``: bicubic, then the model's
        normaliser again, min-max without one, as
        ``WSOLMetric(box_frame='original')`` does); after a crop the map is
        warped back bilinearly (no overshoot, so the pixels the crop
        removed stay exactly 0) and normalised the same way. So the map
        drawn is the one the model's normalisation gives (a 'max' map keeps
        its floor).
    """
    H, W = ori_shape
    k, h, w = maps.shape
    sx, tx, sy, ty = affine
    plain = (
        abs(tx) < 1e-3 and abs(ty) < 1e-3 and abs(sx * W - w) < 1e-3
        and abs(sy * H - h) < 1e-3)
    normalize = normalize_scoremap if normalizer is None else normalizer
    out = np.empty((k, H, W), np.float32)
    for i in range(k):
        if plain:
            out[i] = frame_scoremap(maps[i], (H, W), normalizer)
            continue
        # dst(x, y) = src(sx * x + ox, sy * y + oy) in pixel indices; the
        # offsets convert between pixel-centre conventions.
        M = np.array(
            [[sx, 0, tx + 0.5 * sx - 0.5], [0, sy, ty + 0.5 * sy - 0.5]],
            np.float64)
        warped = cv2.warpAffine(
            maps[i].astype(np.float64),
            M, (W, H),
            flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=0.0)
        out[i] = normalize(warped)
    return out


def fit_for_drawing(image: np.ndarray, result: dict, gt: Optional[np.ndarray],
                    max_side: int) -> tuple:
    """Scale an image, its top-1 map, its boxes and the GT boxes so that the
    longer side is at most ``max_side`` (0: unchanged).

    Drawing goes through matplotlib (mmengine's Visualizer), whose buffers
    grow with the pixel count: 2.5 GB for a 6000 x 4000 image.

    Args:
        image (np.ndarray): (H, W, 3) uint8 image.
        result (dict): A result of :class:`~mmspg.apis.WSOLInferencer`.
        gt (np.ndarray, optional): (G, 4) boxes in original pixels.
        max_side (int): Longest side to draw at, 0 for no limit.

    Returns:
        tuple: the image, a shallow copy of ``result`` (``loc_maps[0]`` and
        ``boxes`` scaled) and the GT boxes, scaled alike.
    """
    h, w = image.shape[:2]
    if max_side <= 0 or max(h, w) <= max_side:
        return image, result, gt
    scale = max_side / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    sx, sy = size[0] / w, size[1] / h
    factor = np.array([sx, sy, sx, sy], np.float32)
    small = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    drawn = dict(result)
    drawn['loc_maps'] = [
        cv2.resize(m, size, interpolation=cv2.INTER_AREA)
        for m in result['loc_maps'][:1]
    ] + list(result['loc_maps'][1:])
    drawn['boxes'] = [
        np.asarray(b, np.float32).reshape(-1, 4) * factor
        for b in result['boxes']
    ]
    small_gt = None if gt is None else np.asarray(gt, np.float32) * factor
    return small, drawn, small_gt
