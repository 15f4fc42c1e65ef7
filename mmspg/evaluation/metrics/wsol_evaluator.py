"""``WSOLEvaluator``, deprecated: the one metric of the last release that
did every job. It is now ``WSOLMetric`` (boxes), ``PxAPMetric`` (masks) and
``DumpWSOLScoreMaps`` (``scoremap_dump_dir``), run together with the same
records and numbers. Kept for one release so that configs of the last
release still run; it warns when built."""
import logging
import warnings
from typing import Any, Dict, List, Optional, Sequence

from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log

from mmspg.registry import METRICS

from .dump_wsol_scoremaps import DumpWSOLScoreMaps
from .pxap_metric import PxAPMetric
from .sample_fields import has_masks
from .wsol_metric import WSOLMetric

#: Metric types that score WSOL localization (tools look them up in
#: configs, e.g. for the default box threshold).
WSOL_METRIC_TYPES = ('WSOLMetric', 'PxAPMetric', 'WSOLEvaluator')


def wsol_metric_cfgs(evaluator: Any,
                     types: Sequence[str] = WSOL_METRIC_TYPES) -> List[dict]:
    """The metric configs of ``types`` inside an evaluator config.

    Args:
        evaluator: ``test_evaluator`` / ``val_evaluator`` of a config: a
            metric dict, a list of them, ``dict(type='Evaluator',
            metrics=...)``, or None.
        types (Sequence[str]): Metric type names (with or without a scope
            prefix in the config).

    Returns:
        list[dict]: The (mutable) metric dicts of those types, in order.
    """
    if evaluator is None:
        return []
    if isinstance(evaluator, (list, tuple)):
        return [m for e in evaluator for m in wsol_metric_cfgs(e, types)]
    if 'metrics' in evaluator:  # dict(type='Evaluator', metrics=...)
        return wsol_metric_cfgs(evaluator['metrics'], types)
    if str(evaluator.get('type', '')).split('.')[-1] in types:
        return [evaluator]
    return []


def wsol_evaluator_cfgs(evaluator: Any) -> List[dict]:
    """Deprecated name of :func:`wsol_metric_cfgs`."""
    return wsol_metric_cfgs(evaluator)


@METRICS.register_module()
class WSOLEvaluator(BaseMetric):
    """Deprecated: ``WSOLMetric``, ``PxAPMetric`` (for samples with masks)
    and, with ``scoremap_dump_dir``, ``DumpWSOLScoreMaps`` in one metric.

    Replace ``dict(type='WSOLEvaluator', scoremap_dump_dir=D, **box_args)``
    by ``[dict(type='WSOLMetric', **box_args), dict(type='DumpWSOLScoreMaps',
    out_dir=D)]``, and on OpenImages by ``dict(type='PxAPMetric')``.

    Args:
        scoremap_dump_dir (str, optional): ``DumpWSOLScoreMaps``'s
            ``out_dir``.
        cam_threshold, cam_curve_interval, iou_thresholds, box_frame,
            num_threads, box_backend, top5_loc_star, class_predictions:
            see :class:`WSOLMetric` (``cam_curve_interval`` and
            ``class_predictions`` also for :class:`PxAPMetric`).
        collect_device, prefix, collect_dir: see ``BaseMetric``.
    """
    default_prefix: Optional[str] = 'wsol'

    def __init__(self,
                 cam_threshold: float = 0.2,
                 cam_curve_interval: float = 0.001,
                 iou_thresholds: Sequence[int] = (30, 50, 70),
                 box_frame: str = 'benchmark',
                 scoremap_dump_dir: Optional[str] = None,
                 num_threads: int = 2,
                 box_backend: str = 'auto',
                 top5_loc_star: bool = False,
                 class_predictions: Optional[str] = None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None,
                 collect_dir: Optional[str] = None) -> None:
        message = (
            'WSOLEvaluator is deprecated and will be removed in the next '
            "release: use dict(type='WSOLMetric') for boxes, "
            "dict(type='PxAPMetric') for masks and "
            "dict(type='DumpWSOLScoreMaps', out_dir=...) for "
            'scoremap_dump_dir')
        warnings.warn(message, DeprecationWarning, stacklevel=2)
        print_log(message, logger='current', level=logging.WARNING)
        super().__init__(
            collect_device=collect_device,
            prefix=prefix,
            collect_dir=collect_dir)
        self.box_metric = WSOLMetric(
            cam_threshold=cam_threshold,
            cam_curve_interval=cam_curve_interval,
            iou_thresholds=iou_thresholds,
            box_frame=box_frame,
            num_threads=num_threads,
            box_backend=box_backend,
            top5_loc_star=top5_loc_star,
            class_predictions=class_predictions)
        # built on the first mask sample: box data (the common case) do not
        # read the class_predictions file a second time
        self._mask_metric: Optional[PxAPMetric] = None
        self.scoremap_dump_dir = scoremap_dump_dir
        self.dump = (None if scoremap_dump_dir is None else DumpWSOLScoreMaps(
            out_dir=scoremap_dump_dir))

    @property
    def mask_metric(self) -> PxAPMetric:
        if self._mask_metric is None:
            self._mask_metric = PxAPMetric(
                cam_curve_interval=self.box_metric.cam_curve_interval,
                class_predictions=self.box_metric.class_predictions)
        return self._mask_metric

    def process(self, data_batch: Any, data_samples: Sequence[dict]) -> None:
        """One record per sample in ``self.results`` (mmengine gathers it
        across ranks and keeps the first ``size`` records, so a sample must
        not become two): ``(kind, part record, dump record or None)``."""
        samples = list(data_samples)
        if not samples:
            return
        kind, metric = (('mask',
                         self.mask_metric) if has_masks(samples[0]) else
                        ('box', self.box_metric))
        metric.process(data_batch, samples)
        records, metric.results = metric.results, []
        dumped = [None] * len(records)
        if self.dump is not None:
            self.dump.process(data_batch, samples)
            dumped, self.dump.results = self.dump.results, []
        self.results.extend((kind, r, d) for r, d in zip(records, dumped))

    def compute_metrics(self, results: List[tuple]) -> Dict[str, float]:
        """The box or mask metrics of the records; writes the dump's
        metadata."""
        masks = [r for kind, r, _ in results if kind == 'mask']
        if masks:
            metrics = self.mask_metric.compute_metrics(masks)
        else:
            metrics = self.box_metric.compute_metrics(
                [r for kind, r, _ in results if kind == 'box'])
        if self.dump is not None:
            self.dump.compute_metrics([d for _, _, d in results])
        return metrics
