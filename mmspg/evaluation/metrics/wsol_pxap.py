"""PxAP records of ``WSOLEvaluator`` for samples with masks (OpenImages).

Kept apart from ``wsol_evaluator.py`` so that the box path stays as it is;
the evaluator sends a batch here when its samples carry
``gt_mask_paths`` (see :class:`~mmspg.datasets.OpenImagesWSOLDataset`).
The per-image core is the one of ``tools/eval_scoremaps.py --mask-root``
(:func:`~mmspg.evaluation.functional.load_benchmark_mask`,
:func:`~mmspg.evaluation.functional.pxap_histograms`,
:func:`~mmspg.evaluation.functional.pxap_summary`) applied to the same
float32 224 x 224 map a score-map dump writes, so both give equal numbers.
"""
import os
import os.path as osp
from typing import Any, Dict, List

import numpy as np
from mmengine.logging import print_log

from ..functional import (BENCHMARK_SIZE, load_benchmark_mask, piou_summary,
                          pxap_histograms, pxap_summary, scoremap_path)

MASK_KEYS = ('gt_mask_paths', 'ignore_mask_path')


def has_masks(sample: Any) -> bool:
    """Whether a data sample carries OpenImages-style mask paths."""
    if isinstance(sample, dict):
        return sample.get('gt_mask_paths') is not None
    return getattr(sample, 'gt_mask_paths', None) is not None


def _field(sample: Any, key: str, default=None):
    if isinstance(sample, dict):
        return sample.get(key, default)
    return getattr(sample, key, default)


def pxap_record(metric, sample: Any) -> dict:
    """Reduce one sample to its foreground / background score histograms.

    Args:
        metric (WSOLEvaluator): The evaluator (threshold grid, dump dir).
        sample: A data sample with ``gt_loc_map``, ``pred_score``,
            ``gt_label``, ``gt_mask_paths`` and ``ignore_mask_path``.

    Returns:
        dict: ``fg``, ``bg`` ((T + 2,) histograms; uint16 when every count
        fits, about 4 kB per image for the default grid), ``top1``,
        ``top5`` and, with a dump, ``image_id`` and ``label``.
    """
    image_id, label, flags, loc_map = metric._prepare(sample)
    paths = _field(sample, 'gt_mask_paths')
    if isinstance(paths, str):
        paths = [paths]
    ignore = _field(sample, 'ignore_mask_path', '') or ''
    # the float32 224 x 224 map of a dump: identical inputs to the tool
    scoremap = metric._benchmark_map(loc_map.astype(np.float64))
    gt = load_benchmark_mask('', list(paths), ignore, BENCHMARK_SIZE)
    fg, bg = pxap_histograms(scoremap, gt, metric.cam_thresholds)
    # 224 * 224 < 2**16: per-image counts fit uint16
    record = dict(fg=fg.astype(np.uint16), bg=bg.astype(np.uint16), **flags)
    if metric.scoremap_dump_dir is not None:
        path = scoremap_path(
            osp.join(metric.scoremap_dump_dir, 'scoremaps'), image_id)
        os.makedirs(osp.dirname(path), exist_ok=True)
        np.save(path, scoremap.astype(np.float32))
        record.update(image_id=image_id, label=label)
    return record


def pxap_metrics(metric, results: List[dict]) -> Dict[str, float]:
    """PxAP, PIoU and classification accuracy from the records.

    Returns:
        dict[str, float]: ``pxap``, ``piou`` (percent),
        ``piou_best_threshold``, ``top1_cls``, ``top5_cls`` (percent).
    """
    n = len(results)
    fg = np.sum([r['fg'] for r in results], axis=0, dtype=np.int64)
    bg = np.sum([r['bg'] for r in results], axis=0, dtype=np.int64)
    metrics = dict(
        pxap=pxap_summary(fg, bg, metric.cam_thresholds,
                          with_curves=False)['pxap'])
    metrics.update(piou_summary(fg, bg, metric.cam_thresholds))
    metrics['top1_cls'] = float(
        sum(bool(r['top1']) for r in results) * 100. / n)
    metrics['top5_cls'] = float(
        sum(bool(r['top5']) for r in results) * 100. / n)
    print_log(
        f'WSOL mask results on {n} images: PxAP {metrics["pxap"]:.2f}, '
        f'PIoU {metrics["piou"]:.2f} (threshold '
        f'{metrics["piou_best_threshold"]:g}), Top-1 Cls '
        f'{metrics["top1_cls"]:.2f}', logger='current')
    if metric.scoremap_dump_dir is not None:
        print_log(
            f'score maps in {metric.scoremap_dump_dir}/scoremaps; evaluate '
            'them with tools/eval_scoremaps.py --metadata-root <the '
            'dataset metadata> --mask-root <its mask_root>',
            logger='current')
    return metrics
