"""Evaluate score maps saved in the WSOL benchmark's on-disk layout.

Used by ``tools/eval_scoremaps.py`` and the speed benchmark; the per-image
work is the same :func:`scoremap_max_ious` that :class:`WSOLEvaluator` runs.
"""
from multiprocessing import get_context
from typing import Callable, Dict, Optional, Sequence

import numpy as np

from .wsol_box import (BOX_BACKENDS, box_accuracy_summary,
                       cam_threshold_grid, check_scoremap, hits_from_ious,
                       rescale_boxes, scoremap_max_ious)
from .wsol_mask import load_benchmark_mask, pxap_histograms, pxap_summary
from .wsol_metadata import (read_boxes, read_image_ids, read_image_sizes,
                            read_mask_paths, scoremap_path)

__all__ = ['evaluate_scoremap_folder']


def _load(scoremap_root: str, image_id: str) -> np.ndarray:
    path = scoremap_path(scoremap_root, image_id)
    try:
        scoremap = np.load(path)
    except FileNotFoundError:
        raise FileNotFoundError(f'score map of image {image_id!r} not found: '
                                f'{path}') from None
    check_scoremap(scoremap, path)
    return scoremap


def _box_job(args):
    (scoremap_root, image_id, boxes, size, thresholds, iou_thresholds,
     backend) = args
    scoremap = _load(scoremap_root, image_id)
    h, w = scoremap.shape
    # The benchmark rescales GT boxes to its 224 x 224 map; rescaling to the
    # map's own frame is the same for 224 maps and also serves other sizes.
    gt = rescale_boxes(boxes, size, (w, h))
    v1_iou, v2_iou = scoremap_max_ious(scoremap, gt, thresholds, check=False,
                                       backend=backend)
    v1, v2 = hits_from_ious(v1_iou, v2_iou, iou_thresholds)
    return np.packbits(v1), np.packbits(v2, axis=1)


def _mask_job(args):
    scoremap_root, mask_root, image_id, masks, ignore, thresholds = args
    scoremap = _load(scoremap_root, image_id)
    gt = load_benchmark_mask(mask_root, masks, ignore, scoremap.shape[0])
    return pxap_histograms(scoremap, gt, thresholds)


def _run(job, tasks, workers, progress):
    if workers > 1:
        with get_context('fork').Pool(workers) as pool:
            for out in pool.imap(job, tasks, chunksize=8):
                progress()
                yield out
    else:
        for task in tasks:
            out = job(task)
            progress()
            yield out


def evaluate_scoremap_folder(metadata_root: str,
                             scoremap_root: str,
                             cam_curve_interval: float = 0.001,
                             iou_thresholds: Sequence[int] = (30, 50, 70),
                             mask_root: Optional[str] = None,
                             workers: int = 1,
                             progress: Optional[Callable[[], None]] = None,
                             with_curves: bool = True,
                             backend: str = 'auto') -> Dict:
    """Evaluate every image of ``image_ids.txt``.

    Args:
        metadata_root (str): Folder with image_ids.txt, image_sizes.txt and
            localization.txt (boxes, or mask paths with ``mask_root``).
        scoremap_root (str): Folder with ``<image_id>.npy`` float maps in
            [0, 1].
        cam_curve_interval (float): Step of the threshold grid.
        iou_thresholds (Sequence[int]): IoU thresholds of MaxBoxAccV2 in
            percent.
        mask_root (str, optional): Folder of OpenImages-style masks; when set
            PxAP is computed instead of box accuracies.
        workers (int): Processes to spread the images over.
        progress (callable, optional): Called once per evaluated image.
        with_curves (bool): Add the accuracy-vs-threshold curves.
        backend (str): Box backend, one of ``BOX_BACKENDS`` (same numbers;
            ``'auto'``: the compiled one when built).

    Returns:
        dict: see :func:`box_accuracy_summary` / :func:`pxap_summary`, plus
        ``num_images``, ``cam_curve_interval`` and ``iou_thresholds``.
    """
    thresholds = cam_threshold_grid(cam_curve_interval)
    iou_thresholds = [int(k) for k in iou_thresholds]
    if backend not in BOX_BACKENDS:
        raise ValueError(f'backend must be one of {BOX_BACKENDS}, got '
                         f'{backend!r}')
    image_ids = read_image_ids(metadata_root)
    if not image_ids:
        raise ValueError(f'{metadata_root}/image_ids.txt lists no image')
    progress = progress or (lambda: None)
    info = dict(num_images=len(image_ids),
                cam_curve_interval=cam_curve_interval)
    if mask_root is not None:
        masks, ignores = read_mask_paths(metadata_root)
        missing = [i for i in image_ids if i not in masks]
        if missing:
            raise KeyError(f'{metadata_root}/localization.txt has no mask '
                           f'for image {missing[0]!r}')
        tasks = [(scoremap_root, mask_root, i, masks[i], ignores[i],
                  thresholds) for i in image_ids]
        fg = np.zeros(len(thresholds) + 2, dtype=np.int64)
        bg = np.zeros_like(fg)
        for f, b in _run(_mask_job, tasks, workers, progress):
            fg += f
            bg += b
        return {**pxap_summary(fg, bg, thresholds, with_curves), **info}
    boxes = read_boxes(metadata_root)
    sizes = read_image_sizes(metadata_root)
    for name, table in (('localization.txt', boxes),
                        ('image_sizes.txt', sizes)):
        missing = [i for i in image_ids if i not in table]
        if missing:
            raise KeyError(f'{metadata_root}/{name} has no entry for image '
                           f'{missing[0]!r}')
    tasks = [(scoremap_root, i, boxes[i], sizes[i], thresholds,
              iou_thresholds, backend) for i in image_ids]
    v1 = np.zeros(len(thresholds), dtype=np.int64)
    v2 = np.zeros((len(iou_thresholds), len(thresholds)), dtype=np.int64)
    for p1, p2 in _run(_box_job, tasks, workers, progress):
        v1 += np.unpackbits(p1, count=len(thresholds))
        v2 += np.unpackbits(p2, axis=1, count=len(thresholds))
    out = box_accuracy_summary(v1, v2, len(image_ids), thresholds,
                               iou_thresholds, with_curves)
    return {**out, **info, 'iou_thresholds': iou_thresholds}
