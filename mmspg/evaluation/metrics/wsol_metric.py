"""``WSOLMetric``: classification, SPG-style localization and exact
MaxBoxAcc / MaxBoxAccV2 on box-annotated data (CUB, ImageNet).

One metric per job, as mmpretrain's metrics: masks (OpenImages) go to
``PxAPMetric``, score-map dumps to ``DumpWSOLScoreMaps``.
"""
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log

from mmspg.registry import METRICS

from ..functional import (BENCHMARK_SIZE, BOX_BACKENDS,
                          benchmark_quantized_scoremap, box_accuracy_summary,
                          box_backends, cam_threshold_grid, compiled_extension,
                          level_max_ious, quantize_scoremap, resize_scoremap,
                          thread_scratch)
from ..functional.class_predictions import read_class_predictions
from ..functional.top5_star import second_box_hit
from .loc_error_table import loc_error_table
from .sample_fields import (benchmark_gt_boxes, check_finite, class_flags,
                            get_field, gt_label_of, gt_loc_map_of, has_masks,
                            image_id_of, int_boxes, ori_gt_boxes)

BOX_FRAMES = ('benchmark', 'original', 'input')


@METRICS.register_module()
class WSOLMetric(BaseMetric):
    """Weakly supervised object localization metrics.

    Per image, :meth:`process` reduces the ground-truth class map to a small
    record (packed per-threshold hit bits and three flags, about 500 bytes
    for the default grid), so mmengine's cross-rank gather stays cheap; the
    map itself is never kept. :meth:`compute_metrics` sums the records.

    Metrics (percent, except ``best_threshold``):

    - ``top1_cls`` / ``top5_cls``: classification accuracy.
    - ``gt_known_loc``: the box of the largest contour of the GT-class map
      at ``cam_threshold`` hits a GT box (IoU >= 0.5); ``top1_loc``: and the
      top-1 class is right; ``top5_loc``: and the GT class is in the top 5
      (SPG's protocol).
    - ``maxboxacc``: exact MaxBoxAcc (benchmark protocol: largest contour,
      IoU 0.5, best threshold of ``np.arange(0, 1, cam_curve_interval)``),
      ``best_threshold`` its threshold, ``gt_known_loc_best`` /
      ``top1_loc_best`` / ``top5_loc_best`` the localization accuracies at
      that threshold.
    - ``maxboxacc_v2``: exact MaxBoxAccV2 (all contours, mean over
      ``iou_thresholds``), and ``maxboxacc_v2_iou{k}`` per IoU threshold.
    - ``top5_loc_star`` (with ``top5_loc_star=True``): SPG*, the SPG
      paper's Top-5 Loc from five guesses, two boxes from the map of the
      top-1 class, two from the top-2 and one from the top-3, at
      ``cam_threshold``; a guess is right when its class is the GT class
      and its box hits (IoU >= 0.5). Only the GT class's map can give a
      right guess, so it is scored from ``gt_loc_map``: box 1 is the
      GT-known box, box 2 the second-largest outer contour's (our design,
      see :mod:`mmspg.evaluation.functional.top5_star`).

    With ``class_predictions``, every class-dependent metric (``top*_cls``,
    ``top*_loc``, ``top*_loc_best``, ``top5_loc_star``) uses another
    classifier's ranked labels read from that file (one row per image id,
    :func:`~mmspg.evaluation.functional.class_predictions.
    read_class_predictions`) instead of ``pred_score``; the maps, and so
    ``gt_known_loc`` and MaxBoxAcc*, are the model's.

    The per-image core is :func:`mmspg.evaluation.functional.
    quantized_max_ious`, the one behind ``tools/eval_scoremaps.py``.

    Args:
        cam_threshold (float): Score-map threshold of the fixed-threshold
            metrics, relative to the map's maximum, in (0, 1).
        cam_curve_interval (float): Step of the MaxBoxAcc threshold grid.
        iou_thresholds (Sequence[int]): IoU thresholds of MaxBoxAccV2 in
            percent.
        box_frame (str): Frame the boxes are computed in.
            ``'benchmark'``: the map is resized to 224 x 224 (bicubic, then
            min-max normalised, as the benchmark resizes CAMs) and
            ``ori_gt_bboxes`` are rescaled from ``ori_shape`` to 224 with
            int truncation -- the benchmark's frame; valid for test
            pipelines without a crop. ``'original'``: the map is resized to
            ``ori_shape``, boxes ``ori_gt_bboxes``. ``'input'``: the map at
            the network input size with ``gt_bboxes`` (already in the input
            frame, clipped to it); use for resize + centre-crop pipelines.
        num_threads (int): Threads that reduce the samples of a batch in
            parallel (the compiled box core, ``cv2.resize`` and
            ``findContours`` release the GIL, and the CPU is otherwise idle
            between forward passes).
            Records keep the sample order, so results do not depend on it.
            0 or 1: no thread. Defaults to 2.
        top5_loc_star (bool): Also compute ``top5_loc_star`` (SPG*).
            Defaults to False.
        class_predictions (str, optional): Text file of another
            classifier's ranked labels, ``<image_id>,<label_1>,...`` per
            line, used for the class-dependent metrics (see above). Every
            evaluated image id must have a row. Defaults to None.
        box_backend (str): ``'auto'`` (the compiled core when built, else
            OpenCV), ``'c'`` or ``'opencv'``; the numbers are the same
            (see :func:`mmspg.evaluation.functional.quantized_max_ious`).
        collect_device (str): Device to gather results across ranks.
        prefix (str, optional): Metric name prefix, ``'wsol'`` by default.
        collect_dir (str, optional): Folder for CPU collection.

    Example:
        >>> test_evaluator = [dict(type='WSOLMetric', cam_threshold=0.2),
        ...                   dict(type='DumpWSOLScoreMaps', out_dir='maps')]
    """
    default_prefix: Optional[str] = 'wsol'
    _name = 'WSOLMetric'

    def __init__(self,
                 cam_threshold: float = 0.2,
                 cam_curve_interval: float = 0.001,
                 iou_thresholds: Sequence[int] = (30, 50, 70),
                 box_frame: str = 'benchmark',
                 num_threads: int = 2,
                 box_backend: str = 'auto',
                 top5_loc_star: bool = False,
                 class_predictions: Optional[str] = None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None,
                 collect_dir: Optional[str] = None) -> None:
        super().__init__(
            collect_device=collect_device,
            prefix=prefix,
            collect_dir=collect_dir)
        if not 0 < float(cam_threshold) < 1:
            raise ValueError(f'{self._name}: cam_threshold must be in (0, 1), '
                             f'got {cam_threshold!r}')
        if box_frame not in BOX_FRAMES:
            raise ValueError(f'{self._name}: box_frame must be one of '
                             f'{BOX_FRAMES}, got {box_frame!r}')
        if not iou_thresholds or any(not 0 < int(k) <= 100
                                     for k in iou_thresholds):
            raise ValueError(f'{self._name}: iou_thresholds must be '
                             f'percentages in (0, 100], got {iou_thresholds}')
        self.cam_threshold = float(cam_threshold)
        self.cam_curve_interval = float(cam_curve_interval)
        self.cam_thresholds = cam_threshold_grid(cam_curve_interval)
        self.iou_thresholds = [int(k) for k in iou_thresholds]
        self.box_frame = box_frame
        self.num_threads = int(num_threads)
        if box_backend not in BOX_BACKENDS:
            raise ValueError(f'{self._name}: box_backend must be one of '
                             f'{BOX_BACKENDS}, got {box_backend!r}')
        if box_backend not in box_backends() + ('auto', ):
            raise RuntimeError(
                f"{self._name}: box_backend='c' needs mmspg's compiled "
                'extension, which is not built; reinstall mmspg with a C '
                'compiler (pip install -e .)')
        self.box_backend = box_backend
        if not isinstance(top5_loc_star, bool):
            raise ValueError(f'{self._name}: top5_loc_star must be True or '
                             f'False, got {top5_loc_star!r}')
        self.top5_loc_star = top5_loc_star
        self.class_predictions = class_predictions
        # Read at build time: a bad file fails before any inference.
        self._class_preds = (None if class_predictions is None else
                             read_class_predictions(class_predictions))
        self._pool: Optional[ThreadPoolExecutor] = None
        # The fixed threshold rides along with the grid: the core's levels
        # serve both.
        self._thresholds = np.append(self.cam_thresholds, self.cam_threshold)
        # quirk: IoU thresholds are compared as k / 100 with >= (v1: 50).
        self._iou_fractions = np.array([0.5] +
                                       [k / 100 for k in self.iou_thresholds])
        self._level_index: Dict[int, np.ndarray] = {}

    def __getstate__(self) -> dict:
        # A thread pool cannot be pickled or deep-copied.
        state = self.__dict__.copy()
        state['_pool'] = None
        return state

    def _frame(self, sample: Any, image_id: str, loc_map: np.ndarray):
        """The quantised map and int GT boxes in the configured frame."""
        if self.box_frame == 'input':
            h, w = loc_map.shape
            q = quantize_scoremap(resize_scoremap(loc_map, (h, w)))
            gt = int_boxes(
                get_field(sample, 'gt_bboxes', image_id, self._name), w, h)
            return q, gt
        if self.box_frame == 'original':
            ori_gt, (ori_w, ori_h) = ori_gt_boxes(sample, image_id, self._name)
            return quantize_scoremap(resize_scoremap(loc_map,
                                                     (ori_h, ori_w))), ori_gt
        # Quantised from the float32 map a dump writes, so re-evaluating
        # the dump gives the same numbers. The benchmark's boxes are ints in
        # the original frame, truncated first for the same reason.
        return benchmark_quantized_scoremap(
            loc_map, (BENCHMARK_SIZE, BENCHMARK_SIZE)), benchmark_gt_boxes(
                sample, image_id, self._name)

    def process(self, data_batch: Any, data_samples: Sequence[dict]) -> None:
        """Reduce each sample to a small record in ``self.results``.

        Args:
            data_batch: Unused.
            data_samples (Sequence[dict]): Outputs of ``WSOLClassifier``
                (``pred_score`` (C,), ``gt_label``, ``gt_loc_map`` (H, W) in
                [0, 1] at the input size, ``gt_bboxes``, ``ori_gt_bboxes``
                (K, 4), ``ori_shape`` (h, w), ``image_id``).
        """
        samples = list(data_samples)
        check_finite(samples, self._name)
        if samples and has_masks(samples[0]):
            raise ValueError(
                f'{self._name}: the samples carry masks (gt_mask_paths, '
                "OpenImages); score them with dict(type='PxAPMetric')")
        ext = compiled_extension()
        # benchmark frame with the extension: one extension call per batch
        # (or per chunk, when the pool below runs the chunks)
        compiled = (
            ext is not None and self.box_frame == 'benchmark'
            and self.box_backend != 'opencv')
        reduce = self._reduce_compiled if compiled else self._reduce_all
        # the extension spreads a batch over OpenMP threads itself
        on_openmp = compiled and ext.max_threads() > 1
        if on_openmp or self.num_threads <= 1 or len(samples) <= 1:
            self.results.extend(reduce(samples))
            return
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.num_threads)
        # one contiguous chunk per thread: a task per sample costs more in
        # futures and hand-overs than a sample's Python glue
        step = -(-len(samples) // self.num_threads)
        chunks = [samples[i:i + step] for i in range(0, len(samples), step)]
        for records in self._pool.map(reduce, chunks):
            self.results.extend(records)

    def _reduce_all(self, samples: List[Any]) -> List[dict]:
        return [self._reduce(sample) for sample in samples]

    def _prepare(self, sample: Any) -> tuple:
        """Image id, label, classification flags and the (H, W) map."""
        image_id = image_id_of(sample)
        label = gt_label_of(sample, image_id, self._name)
        flags = class_flags(sample, image_id, label, self._name,
                            self._class_preds, self.class_predictions)
        return image_id, label, flags, gt_loc_map_of(sample, image_id,
                                                     self._name)

    def _finish(self, sample: Any, image_id: str, label: int, flags: dict,
                loc_map: np.ndarray, record: Optional[dict]) -> dict:
        if record is None:  # other frames, OpenCV, or a rare fallback
            record = self._record(sample, image_id, loc_map.astype(np.float64))
        record.update(flags)
        if self.top5_loc_star:
            record['star'] = self._star_hit(sample, image_id, loc_map,
                                            record['hit'], flags['rank3'])
        return record

    def _star_hit(self, sample: Any, image_id: str, loc_map: np.ndarray,
                  hit: bool, rank: int) -> bool:
        """SPG*: whether one of the five guesses is right (see the class
        docstring); ``rank`` is the GT class's 0-based rank (3: not in the
        top 3)."""
        if rank >= 3:
            return False
        if hit or rank == 2:  # top-3: one box, the GT-known one
            return hit
        q, gt = self._frame(sample, image_id, loc_map.astype(np.float64))
        # quirk: the same integer level as the fixed-threshold metrics,
        # int(t * max of the uint8 map), foreground strictly above it.
        level = int(np.float64(self.cam_threshold) * int(q.max()))
        return second_box_hit(q, level, gt)

    def _reduce(self, sample: Any) -> dict:
        """The small record of one sample, step by step (see
        :meth:`process`)."""
        image_id, label, flags, loc_map = self._prepare(sample)
        return self._finish(sample, image_id, label, flags, loc_map, None)

    def _reduce_compiled(self, samples: List[Any]) -> List[dict]:
        """The records of samples from one extension call (benchmark
        frame), the images spread over the OpenMP threads torch already
        runs; images the extension defers take the step-by-step path."""
        ext = compiled_extension()
        prepared, tasks = [], []
        rows = len(self._iou_fractions)
        row_bytes = -(-len(self.cam_thresholds) // 8)
        for sample in samples:
            image_id, label, flags, loc_map = self._prepare(sample)
            gt = np.ascontiguousarray(
                benchmark_gt_boxes(sample, image_id, self._name))
            bits = np.empty((rows, row_bytes), dtype=np.uint8)
            h, w = loc_map.shape
            tasks.append(
                (loc_map, h, w, loc_map.dtype == np.float64, gt, bits))
            prepared.append((sample, image_id, label, flags, loc_map, bits))
        max_h = max(t[1] for t in tasks)
        max_w = max(t[2] for t in tasks)
        need = ext.record_workspace_bytes(max_h, max_w, BENCHMARK_SIZE,
                                          BENCHMARK_SIZE)
        count = max(1, min(self.num_threads, ext.max_threads()))
        workspaces = [
            thread_scratch(f'wsol_record_{i}', need) for i in range(count)
        ]
        hits = ext.wsol_records(tasks, BENCHMARK_SIZE, BENCHMARK_SIZE,
                                self._thresholds, self._iou_fractions,
                                workspaces)
        records = []
        for (sample, image_id, label, flags, loc_map,
             bits), hit in zip(prepared, hits):
            record = None if hit < 0 else dict(
                v1=bits[0], v2=bits[1:], hit=bool(hit))
            records.append(
                self._finish(sample, image_id, label, flags, loc_map, record))
        return records

    def _record(self, sample: Any, image_id: str, loc_map: np.ndarray) -> dict:
        """The record, step by step (any frame and backend)."""
        num_t = len(self.cam_thresholds)
        q, gt = self._frame(sample, image_id, loc_map)
        if len(gt) == 0:
            raise ValueError(f'{self._name}: image {image_id!r} has no '
                             'ground-truth box')
        v1_iou, v2_iou, max_value = level_max_ious(
            q, np.ascontiguousarray(gt, dtype=np.int64), self.box_backend)
        index = self._level_index.get(max_value)
        if index is None:
            # quirk: the threshold is int(t * max of the uint8 map).
            index = self._level_index[max_value] = (self._thresholds *
                                                    max_value).astype(np.int64)
        # hits per level (v1 at IoU 0.5, then v2 per IoU threshold), then
        # per cam threshold
        level_hits = np.empty((len(self._iou_fractions), 256), dtype=bool)
        np.greater_equal(v1_iou, self._iou_fractions[0], out=level_hits[0])
        np.greater_equal(
            v2_iou[None], self._iou_fractions[1:, None], out=level_hits[1:])
        hits = level_hits[:, index]
        return dict(
            v1=np.packbits(hits[0, :num_t]),
            v2=np.packbits(hits[1:, :num_t], axis=1),
            hit=bool(hits[0, num_t]))

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        """Sum the records of all images.

        Args:
            results (list[dict]): Records of every image (mmengine has
                already gathered them from all ranks and dropped the
                sampler's padding).

        Returns:
            dict[str, float]: The metrics listed in the class docstring.
        """
        n = len(results)
        if n == 0:
            raise ValueError(f'{self._name}: no result to evaluate')
        num_t = len(self.cam_thresholds)
        v1_packed = np.stack([r['v1'] for r in results])  # (n, ceil(T/8))
        v2_packed = np.stack([r['v2'] for r in results])  # (n, I, ...)
        v1 = np.unpackbits(
            v1_packed, axis=1, count=num_t).sum(
                axis=0, dtype=np.int64)
        v2 = np.unpackbits(
            v2_packed, axis=2, count=num_t).sum(
                axis=0, dtype=np.int64)
        summary = box_accuracy_summary(
            v1,
            v2,
            n,
            self.cam_thresholds,
            self.iou_thresholds,
            with_curves=False)
        best = int(np.argmax(v1))
        hit_best = ((v1_packed[:, best // 8] >> (7 - best % 8)) & 1) == 1
        hit = np.array([r['hit'] for r in results])
        top1 = np.array([r['top1'] for r in results])
        top5 = np.array([r['top5'] for r in results])

        def pct(x):
            return float(np.count_nonzero(x) * 100. / n)

        metrics = dict(
            top1_cls=pct(top1),
            top5_cls=pct(top5),
            top1_loc=pct(top1 & hit),
            top5_loc=pct(top5 & hit),
            gt_known_loc=pct(hit),
            maxboxacc=summary['maxboxacc'],
            best_threshold=summary['maxboxacc_best_threshold'],
            top1_loc_best=pct(top1 & hit_best),
            top5_loc_best=pct(top5 & hit_best),
            gt_known_loc_best=pct(hit_best),
            maxboxacc_v2=summary['maxboxacc_v2'])
        for k in self.iou_thresholds:
            metrics[f'maxboxacc_v2_iou{k}'] = summary[f'maxboxacc_v2_iou{k}']
        if self.top5_loc_star:
            metrics['top5_loc_star'] = pct(
                np.array([r['star'] for r in results]))
        print_log(
            loc_error_table(metrics, n, self.cam_threshold,
                            self.iou_thresholds, self.box_frame),
            logger='current')
        return metrics
