"""Pixel average precision (PxAP) of WSOL score maps against masks.

Pure numpy/OpenCV, the OpenImages protocol of the WSOL benchmark
(``clovaai/wsolevaluation``, ``MaskEvaluator``): score histograms over the
threshold grid at foreground and background pixels, ignore regions excluded,
then the area under the precision-recall curve.
"""
import os.path as osp
from typing import Dict, Sequence, Tuple

import cv2
import numpy as np

from .wsol_box import BENCHMARK_SIZE, check_scoremap

__all__ = [
    'load_benchmark_mask', 'pxap_histograms', 'pxap_summary', 'piou_summary'
]


def _load_mask_file(path: str, size: int) -> np.ndarray:
    # The benchmark reads cv2.IMREAD_GRAYSCALE (evaluation.py line 299);
    # OpenCV 5 (5.1.0 measured) also applies a PNG's EXIF orientation then,
    # which would turn the mask away from its image (stored frame, as every
    # annotation): the orientation is ignored.
    mask = cv2.imread(path,
                      cv2.IMREAD_GRAYSCALE | cv2.IMREAD_IGNORE_ORIENTATION)
    if mask is None:
        raise FileNotFoundError(f'cannot read mask image {path}')
    # quirk: masks are read as float32 and resized with INTER_NEAREST to
    # size x size, then foreground is value > 0.5.
    mask = cv2.resize(
        np.float32(mask), (size, size), interpolation=cv2.INTER_NEAREST)
    return mask > 0.5


def load_benchmark_mask(mask_root: str,
                        mask_paths: Sequence[str],
                        ignore_path: str,
                        size: int = BENCHMARK_SIZE) -> np.ndarray:
    """Ground-truth mask of one image: union of its instance masks.

    Args:
        mask_root (str): Folder the mask paths are relative to.
        mask_paths (Sequence[str]): Instance mask files (png, > 0.5 is
            foreground after the benchmark's INTER_NEAREST resize).
        ignore_path (str): Ignore-box mask file, '' for none.
        size (int): Side of the evaluation frame.

    Returns:
        np.ndarray: uint8 (size, size): 1 foreground, 0 background,
        255 ignored (ignore region minus foreground).
    """
    if not mask_paths:
        raise ValueError(f'no mask path given (ignore path {ignore_path!r})')
    fg = np.zeros((size, size), dtype=bool)
    for path in mask_paths:
        fg |= _load_mask_file(osp.join(mask_root, path), size)
    gt = fg.astype(np.uint8)
    # The benchmark requires an ignore file on the first line of an image;
    # an empty one is read here as "no ignore region" instead of failing.
    if ignore_path:
        ignore = _load_mask_file(osp.join(mask_root, ignore_path), size)
        gt[ignore & ~fg] = 255
    return gt


def pxap_histograms(
        scoremap: np.ndarray, gt_mask: np.ndarray,
        cam_thresholds: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Score histograms of one map at foreground and background pixels.

    Args:
        scoremap (np.ndarray): (H, W) float in [0, 1].
        gt_mask (np.ndarray): uint8 (H, W) from :func:`load_benchmark_mask`.
        cam_thresholds (np.ndarray): float (T,) the threshold grid.

    Returns:
        tuple[np.ndarray, np.ndarray]: int64 (T + 2,) histograms of the
        foreground and background scores over the bins
        ``[t0, t1), ..., [t_{T-1}, 1), [1, 2), [2, 3]``.
    """
    check_scoremap(scoremap)
    if scoremap.shape != gt_mask.shape:
        raise ValueError(f'score map shape {scoremap.shape} differs from '
                         f'the mask shape {gt_mask.shape}')
    scoremap = scoremap.astype(np.float64)
    # quirk: bin edges are the grid plus 1, 2, 3; pixels of value 255
    # (ignore) count in neither histogram.
    edges = np.append(
        np.asarray(cam_thresholds, dtype=np.float64), [1.0, 2.0, 3.0])
    fg, _ = np.histogram(scoremap[gt_mask == 1], bins=edges)
    bg, _ = np.histogram(scoremap[gt_mask == 0], bins=edges)
    return fg.astype(np.int64), bg.astype(np.int64)


def pxap_summary(fg_hist: np.ndarray,
                 bg_hist: np.ndarray,
                 cam_thresholds: np.ndarray,
                 with_curves: bool = True) -> Dict:
    """PxAP (percent) from the summed histograms.

    Args:
        fg_hist (np.ndarray): (T + 2,) summed foreground histogram.
        bg_hist (np.ndarray): (T + 2,) summed background histogram.
        cam_thresholds (np.ndarray): float (T,) the threshold grid.
        with_curves (bool): Add the precision / recall curves.

    Returns:
        dict: ``pxap`` (percent) and with ``with_curves`` a ``curves`` dict
        with ``precision`` and ``recall`` per threshold, from the highest
        bin down.
    """
    fg_hist = np.asarray(fg_hist, dtype=np.float64)
    bg_hist = np.asarray(bg_hist, dtype=np.float64)
    tp = fg_hist[::-1].cumsum()
    fn = fg_hist.sum() - tp
    fp = bg_hist[::-1].cumsum()
    if ((tp + fn) <= 0).all():
        raise RuntimeError('PxAP: no positive ground-truth pixel')
    if ((tp + fp) <= 0).all():
        raise RuntimeError('PxAP: no positive prediction')
    nonzero = (tp + fp) != 0
    with np.errstate(invalid='ignore', divide='ignore'):
        precision = tp / (tp + fp)
        recall = tp / (tp + fn)
    # quirk: rectangle rule precision[i] * (recall[i] - recall[i-1]),
    # skipping thresholds with no positive prediction.
    auc = float((precision[1:] * np.diff(recall))[nonzero[1:]].sum() * 100)
    out = dict(pxap=auc)
    if with_curves:
        out['curves'] = dict(
            precision=np.nan_to_num(precision).tolist(),
            recall=recall.tolist())
    return out


def piou_summary(fg_hist: np.ndarray, bg_hist: np.ndarray,
                 cam_thresholds: np.ndarray) -> Dict:
    """Pixel IoU at the best threshold, from the histograms of PxAP.

    ``IoU(t) = TP / (TP + FN + FP)`` of the pixels with score >= t (ignore
    regions excluded, as for PxAP); PIoU is its maximum over the grid (the
    benchmark's TPAMI paper, which defines the metric; its code has no
    implementation, so this one is ours, from the same histograms).

    Args:
        fg_hist (np.ndarray): (T + 2,) summed foreground histogram.
        bg_hist (np.ndarray): (T + 2,) summed background histogram.
        cam_thresholds (np.ndarray): float (T,) the threshold grid.

    Returns:
        dict: ``piou`` (percent) and ``piou_best_threshold``.
    """
    fg_hist = np.asarray(fg_hist, dtype=np.float64)
    bg_hist = np.asarray(bg_hist, dtype=np.float64)
    num_t = len(cam_thresholds)
    # pixels with score >= cam_thresholds[i]: bins i .. end
    tp = fg_hist[::-1].cumsum()[::-1][:num_t]
    fp = bg_hist[::-1].cumsum()[::-1][:num_t]
    fn = fg_hist.sum() - tp
    denom = tp + fn + fp
    iou = np.divide(tp, denom, out=np.zeros_like(tp), where=denom > 0)
    best = int(np.argmax(iou))
    return dict(
        piou=float(iou[best] * 100),
        piou_best_threshold=float(cam_thresholds[best]))
