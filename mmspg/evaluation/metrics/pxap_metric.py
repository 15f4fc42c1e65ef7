"""``PxAPMetric``: pixel average precision (PxAP) and PIoU on mask data
(OpenImages30k, Choe et al., CVPR 2020), with classification accuracy.

The per-image core is the one of ``tools/eval_scoremaps.py --mask-root``
(:func:`~mmspg.evaluation.functional.load_benchmark_mask`,
:func:`~mmspg.evaluation.functional.pxap_histograms`,
:func:`~mmspg.evaluation.functional.pxap_summary`) applied to the float32
224 x 224 map a score-map dump writes, so both give equal numbers.
"""
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log

from mmspg.registry import METRICS

from ..functional import (BENCHMARK_SIZE, cam_threshold_grid,
                          load_benchmark_mask, piou_summary, pxap_histograms,
                          pxap_summary)
from ..functional.class_predictions import read_class_predictions
from .sample_fields import (benchmark_scoremap, check_finite, class_flags,
                            get_field, gt_label_of, gt_loc_map_of, has_masks,
                            image_id_of)


@METRICS.register_module()
class PxAPMetric(BaseMetric):
    """PxAP, PIoU and classification accuracy of samples with masks.

    Per image, :meth:`process` reduces the ground-truth class map (resized
    to the benchmark's 224 x 224 frame, bicubic then min-max) to the
    foreground and background histograms of its scores over the threshold
    grid (uint16, about 4 kB per image), so the cross-rank gather stays
    small; :meth:`compute_metrics` sums them.

    Metrics: ``pxap``, ``piou`` (percent), ``piou_best_threshold``,
    ``top1_cls``, ``top5_cls`` (percent).

    Args:
        cam_curve_interval (float): Step of the threshold grid
            ``np.arange(0, 1, cam_curve_interval)``. Defaults to 0.001.
        class_predictions (str, optional): Text file of another
            classifier's ranked labels (see ``WSOLMetric``), used for
            ``top*_cls``. Defaults to None.
        collect_device (str): Device to gather results across ranks.
        prefix (str, optional): Metric name prefix, ``'wsol'`` by default.
        collect_dir (str, optional): Folder for CPU collection.

    Example:
        >>> test_evaluator = dict(type='PxAPMetric')
    """
    default_prefix: Optional[str] = 'wsol'
    _name = 'PxAPMetric'

    def __init__(self,
                 cam_curve_interval: float = 0.001,
                 class_predictions: Optional[str] = None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None,
                 collect_dir: Optional[str] = None) -> None:
        super().__init__(
            collect_device=collect_device,
            prefix=prefix,
            collect_dir=collect_dir)
        self.cam_curve_interval = float(cam_curve_interval)
        self.cam_thresholds = cam_threshold_grid(cam_curve_interval)
        self.class_predictions = class_predictions
        # Read at build time: a bad file fails before any inference.
        self._class_preds = (None if class_predictions is None else
                             read_class_predictions(class_predictions))

    def process(self, data_batch: Any, data_samples: Sequence[dict]) -> None:
        """Reduce each sample to its score histograms in ``self.results``.

        Args:
            data_batch: Unused.
            data_samples (Sequence[dict]): ``WSOLClassifier`` outputs with
                ``gt_loc_map`` (H, W) in [0, 1], ``pred_score``,
                ``gt_label``, ``gt_mask_paths`` and ``ignore_mask_path``
                (:class:`~mmspg.datasets.OpenImagesWSOLDataset`).
        """
        check_finite(data_samples, self._name)
        self.results.extend(self._record(s) for s in data_samples)

    def _record(self, sample: Any) -> dict:
        image_id = image_id_of(sample)
        if not has_masks(sample):
            raise KeyError(
                f'{self._name}: data sample of image {image_id!r} has no '
                "'gt_mask_paths'; box data are scored by "
                "dict(type='WSOLMetric')")
        label = gt_label_of(sample, image_id, self._name)
        flags = class_flags(sample, image_id, label, self._name,
                            self._class_preds, self.class_predictions)
        paths = get_field(sample, 'gt_mask_paths', image_id, self._name)
        if isinstance(paths, str):
            paths = [paths]
        ignore = (sample.get('ignore_mask_path', '') if isinstance(
            sample, dict) else getattr(sample, 'ignore_mask_path', '')) or ''
        # the float32 224 x 224 map of a dump: identical inputs to the tool
        scoremap = benchmark_scoremap(
            gt_loc_map_of(sample, image_id, self._name))
        gt = load_benchmark_mask('', list(paths), ignore, BENCHMARK_SIZE)
        fg, bg = pxap_histograms(scoremap, gt, self.cam_thresholds)
        # 224 * 224 < 2**16: per-image counts fit uint16
        return dict(
            fg=fg.astype(np.uint16),
            bg=bg.astype(np.uint16),
            top1=flags['top1'],
            top5=flags['top5'])

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        """PxAP, PIoU and classification accuracy from the records."""
        n = len(results)
        if n == 0:
            raise ValueError(f'{self._name}: no result to evaluate')
        fg = np.sum([r['fg'] for r in results], axis=0, dtype=np.int64)
        bg = np.sum([r['bg'] for r in results], axis=0, dtype=np.int64)
        metrics = dict(
            pxap=pxap_summary(fg, bg, self.cam_thresholds, with_curves=False)
            ['pxap'])
        metrics.update(piou_summary(fg, bg, self.cam_thresholds))
        metrics['top1_cls'] = float(
            sum(bool(r['top1']) for r in results) * 100. / n)
        metrics['top5_cls'] = float(
            sum(bool(r['top5']) for r in results) * 100. / n)
        print_log(
            f'WSOL mask results on {n} images: PxAP {metrics["pxap"]:.2f}, '
            f'PIoU {metrics["piou"]:.2f} (threshold '
            f'{metrics["piou_best_threshold"]:g}), Top-1 Cls '
            f'{metrics["top1_cls"]:.2f}',
            logger='current')
        return metrics
