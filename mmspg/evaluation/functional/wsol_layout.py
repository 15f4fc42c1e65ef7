"""Evaluate score maps saved in the WSOL benchmark's on-disk layout.

Used by ``tools/eval_scoremaps.py`` and the speed benchmark; the per-image
work is the same :func:`scoremap_max_ious` that :class:`WSOLMetric` runs.

A score map that cannot be used (missing, empty, truncated, pickled, not a
2-D float map in [0, 1], or of another size than ``scoremap_size``) raises
:class:`ScoremapError` naming its file and what is wrong; with
``on_error='skip'`` the evaluation goes on and lists such maps instead.
"""
from multiprocessing import get_context
from typing import Callable, Dict, Optional, Sequence, Tuple

import numpy as np

from .wsol_box import (BOX_BACKENDS, box_accuracy_summary, cam_threshold_grid,
                       check_scoremap, hits_from_ious, rescale_boxes,
                       scoremap_max_ious)
from .wsol_mask import load_benchmark_mask, pxap_histograms, pxap_summary
from .wsol_metadata import (read_boxes, read_image_ids, read_image_sizes,
                            read_mask_paths, scoremap_path)

__all__ = ['evaluate_scoremap_folder', 'ScoremapError', 'load_scoremap']


class ScoremapError(ValueError):
    """A score map file cannot be evaluated; the message names the file."""


def load_scoremap(path: str,
                  image_id: str,
                  size: Optional[Tuple[int, int]] = None) -> np.ndarray:
    """Read and check one ``.npy`` score map.

    Args:
        path (str): the ``.npy`` file.
        image_id (str): its image, for the message.
        size (tuple[int, int], optional): the (height, width) the protocol
            needs; None accepts any size.

    Returns:
        np.ndarray: the (H, W) float map in [0, 1].

    Raises:
        ScoremapError: naming ``path`` and what is wrong.
    """
    where = f'score map of image {image_id!r} ({path})'
    try:
        scoremap = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise ScoremapError(f'{where}: file not found') from None
    except EOFError as err:
        raise ScoremapError(f'{where}: the file is empty or cut short '
                            f'({err})') from None
    except (ValueError, OSError) as err:
        # numpy's messages (truncated data, object arrays, not .npy) do not
        # name the file; pickled data is never loaded (allow_pickle=False)
        raise ScoremapError(f'{where}: not a readable .npy array: '
                            f'{err}') from None
    try:
        check_scoremap(scoremap, where)
    except (TypeError, ValueError) as err:
        raise ScoremapError(str(err)) from None
    if size is not None and tuple(scoremap.shape) != tuple(size):
        raise ScoremapError(
            f'{where}: has shape {scoremap.shape[0]}x{scoremap.shape[1]}, the '
            f'protocol needs {size[0]}x{size[1]} (the benchmark scores maps '
            'resized to 224x224 against boxes rescaled to 224x224). Resize '
            'the maps to that size, or pass scoremap_size=None '
            '(--scoremap-size 0) to score each map against the boxes '
            'rescaled to its own size.')
    return scoremap


def _load(scoremap_root: str,
          image_id: str,
          size: Optional[Tuple[int, int]] = None,
          normalize: Optional[Callable] = None) -> np.ndarray:
    scoremap = load_scoremap(
        scoremap_path(scoremap_root, image_id), image_id, size)
    if normalize is None:
        return scoremap
    # re-normalised, then rounded to the float32 of a dump of that map
    return normalize(scoremap).astype(np.float32)


def _box_job(args):
    (scoremap_root, image_id, boxes, size, thresholds, iou_thresholds, backend,
     scoremap_size, normalize, _) = args
    scoremap = _load(scoremap_root, image_id, scoremap_size, normalize)
    h, w = scoremap.shape
    # The benchmark rescales GT boxes to its 224 x 224 map; rescaling to the
    # map's own frame is the same for 224 maps and also serves other sizes.
    gt = rescale_boxes(boxes, size, (w, h))
    v1_iou, v2_iou = scoremap_max_ious(
        scoremap, gt, thresholds, check=False, backend=backend)
    v1, v2 = hits_from_ious(v1_iou, v2_iou, iou_thresholds)
    return np.packbits(v1), np.packbits(v2, axis=1)


def _mask_job(args):
    (scoremap_root, mask_root, image_id, masks, ignore, thresholds,
     scoremap_size, normalize, _) = args
    scoremap = _load(scoremap_root, image_id, scoremap_size, normalize)
    gt = load_benchmark_mask(mask_root, masks, ignore, scoremap.shape[0])
    return pxap_histograms(scoremap, gt, thresholds)


def _box_job_skipping(args):
    # a ScoremapError becomes ('error', image_id, message), so that one bad
    # map does not stop a worker pool (the last task entry is the id)
    try:
        return _box_job(args)
    except ScoremapError as err:
        return ('error', args[-1], str(err))


def _mask_job_skipping(args):
    try:
        return _mask_job(args)
    except ScoremapError as err:
        return ('error', args[-1], str(err))


def _run(job, tasks, workers, progress, errors):
    """Yield the results of the jobs that succeeded; failed ones (as
    returned by a ``_*_job_skipping``) are appended to ``errors`` or, when
    ``errors`` is None, raised."""

    def handle(out):
        if isinstance(out, tuple) and len(out) == 3 and out[0] == 'error':
            if errors is None:
                raise ScoremapError(out[2])
            errors.append(dict(image_id=out[1], error=out[2]))
            return False
        return True

    if workers > 1:
        with get_context('fork').Pool(workers) as pool:
            for out in pool.imap(job, tasks, chunksize=8):
                progress()
                if handle(out):
                    yield out
    else:
        for task in tasks:
            out = job(task)
            progress()
            if handle(out):
                yield out


def evaluate_scoremap_folder(metadata_root: str,
                             scoremap_root: str,
                             cam_curve_interval: float = 0.001,
                             iou_thresholds: Sequence[int] = (30, 50, 70),
                             mask_root: Optional[str] = None,
                             workers: int = 1,
                             progress: Optional[Callable[[], None]] = None,
                             with_curves: bool = True,
                             backend: str = 'auto',
                             scoremap_size: Optional[Tuple[int, int]] = None,
                             on_error: str = 'raise',
                             normalize: Optional[Callable] = None) -> Dict:
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
        scoremap_size (tuple[int, int], optional): (height, width) every map
            must have (the benchmark's is 224 x 224); None accepts any size
            and rescales the GT to each map's frame.
        on_error (str): ``'raise'``: the first unusable map raises
            :class:`ScoremapError`; ``'skip'``: every usable map is
            evaluated and the others are listed in ``errors``. A skipped map
            counts as a miss at every threshold for the box accuracies (the
            denominator stays ``num_images``, so the figure is never
            inflated) and adds no pixel to PxAP.
        normalize (callable, optional): A normaliser of
            :mod:`~mmspg.evaluation.functional.scoremap_norm` applied to
            each loaded map (re-scoring a dump with another
            normalisation); it must be ``affine_invariant``, since the
            maps of the benchmark's layout are min-max normalised. None:
            the maps as saved.

    Returns:
        dict: see :func:`box_accuracy_summary` / :func:`pxap_summary`, plus
        ``num_images``, ``cam_curve_interval``, ``iou_thresholds`` and
        ``errors`` (list of ``{'image_id', 'error'}``, empty when all maps
        were usable).
    """
    if normalize is not None and not getattr(normalize, 'affine_invariant',
                                             False):
        raise ValueError(
            f'normalize={normalize!r} cannot re-score saved maps: they are '
            'min-max normalised, which keeps only what an affine-invariant '
            "normalisation ('minmax', 'pas', 'ivr') needs ('max' needs the "
            'raw map: use tools/test.py --loc-normalize max)')
    if on_error not in ('raise', 'skip'):
        raise ValueError(f"on_error must be 'raise' or 'skip', got "
                         f'{on_error!r}')
    errors = [] if on_error == 'skip' else None
    thresholds = cam_threshold_grid(cam_curve_interval)
    iou_thresholds = [int(k) for k in iou_thresholds]
    if backend not in BOX_BACKENDS:
        raise ValueError(f'backend must be one of {BOX_BACKENDS}, got '
                         f'{backend!r}')
    image_ids = read_image_ids(metadata_root)
    if not image_ids:
        raise ValueError(f'{metadata_root}/image_ids.txt lists no image')
    progress = progress or (lambda: None)
    info = dict(
        num_images=len(image_ids), cam_curve_interval=cam_curve_interval)
    if mask_root is not None:
        masks, ignores = read_mask_paths(metadata_root)
        missing = [i for i in image_ids if i not in masks]
        if missing:
            raise KeyError(f'{metadata_root}/localization.txt has no mask '
                           f'for image {missing[0]!r}')
        tasks = [(scoremap_root, mask_root, i, masks[i], ignores[i],
                  thresholds, scoremap_size, normalize, i) for i in image_ids]
        fg = np.zeros(len(thresholds) + 2, dtype=np.int64)
        bg = np.zeros_like(fg)
        for f, b in _run(_mask_job_skipping, tasks, workers, progress, errors):
            fg += f
            bg += b
        return {
            **pxap_summary(fg, bg, thresholds, with_curves),
            **info, 'errors': errors or []
        }
    boxes = read_boxes(metadata_root)
    sizes = read_image_sizes(metadata_root)
    for name, table in (('localization.txt', boxes), ('image_sizes.txt',
                                                      sizes)):
        missing = [i for i in image_ids if i not in table]
        if missing:
            raise KeyError(f'{metadata_root}/{name} has no entry for image '
                           f'{missing[0]!r}')
    tasks = [(scoremap_root, i, boxes[i], sizes[i], thresholds, iou_thresholds,
              backend, scoremap_size, normalize, i) for i in image_ids]
    v1 = np.zeros(len(thresholds), dtype=np.int64)
    v2 = np.zeros((len(iou_thresholds), len(thresholds)), dtype=np.int64)
    for p1, p2 in _run(_box_job_skipping, tasks, workers, progress, errors):
        v1 += np.unpackbits(p1, count=len(thresholds))
        v2 += np.unpackbits(p2, axis=1, count=len(thresholds))
    out = box_accuracy_summary(v1, v2, len(image_ids), thresholds,
                               iou_thresholds, with_curves)
    return {
        **out,
        **info, 'iou_thresholds': iou_thresholds,
        'errors': errors or []
    }
