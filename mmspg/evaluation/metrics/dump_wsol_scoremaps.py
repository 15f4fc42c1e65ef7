"""``DumpWSOLScoreMaps``: write score maps in the WSOL benchmark's layout,
as mmdet's ``DumpDetResults`` writes detections (a metric whose job is the
files, not numbers)."""
import os
import os.path as osp
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log

from mmspg.registry import METRICS

from ..functional import scoremap_path, write_metadata
from .sample_fields import (benchmark_scoremap, check_finite, gt_label_of,
                            gt_loc_map_of, has_masks, image_id_of,
                            ori_gt_boxes)


@METRICS.register_module()
class DumpWSOLScoreMaps(BaseMetric):
    """Write ``<out_dir>/scoremaps/<image_id>.npy`` and the metadata.

    Each rank saves the float32 224 x 224 ground-truth class map in [0, 1]
    of its samples (the benchmark's frame: bicubic resize, then min-max, as
    ``clovaai/wsolevaluation`` ``inference.py:84-88`` stores them); rank 0
    writes ``<out_dir>/metadata/`` (image ids, labels, sizes and boxes of
    box data) from the gathered records, so that ``tools/eval_scoremaps.py
    --metadata-root <out_dir>/metadata --scoremap-root <out_dir>/scoremaps``
    re-evaluates them with the numbers of ``WSOLMetric(box_frame=
    'benchmark')``. Mask data (OpenImages) get the maps only: evaluate them
    with ``--mask-root`` and the dataset's own metadata.

    ``compute_metrics`` returns no metric.

    Args:
        out_dir (str): Output folder.
        collect_device (str): Device to gather results across ranks.
        collect_dir (str, optional): Folder for CPU collection.

    Example:
        >>> test_evaluator = [dict(type='WSOLMetric'),
        ...                   dict(type='DumpWSOLScoreMaps', out_dir='maps')]
    """
    default_prefix: Optional[str] = 'wsol'  # no metric; silences mmengine
    _name = 'DumpWSOLScoreMaps'

    def __init__(self,
                 out_dir: str,
                 collect_device: str = 'cpu',
                 collect_dir: Optional[str] = None) -> None:
        super().__init__(
            collect_device=collect_device, collect_dir=collect_dir)
        if not isinstance(out_dir, str) or not out_dir:
            raise ValueError(f'{self._name}: out_dir must be a folder path, '
                             f'got out_dir={out_dir!r}')
        self.out_dir = out_dir

    def process(self, data_batch: Any, data_samples: Sequence[dict]) -> None:
        """Save each sample's map; keep what the metadata needs."""
        # a NaN map would be dumped as zeros and scored as an empty map
        check_finite(data_samples, self._name)
        for sample in data_samples:
            image_id = image_id_of(sample)
            label = gt_label_of(sample, image_id, self._name)
            scoremap = benchmark_scoremap(
                gt_loc_map_of(sample, image_id, self._name))
            path = scoremap_path(osp.join(self.out_dir, 'scoremaps'), image_id)
            os.makedirs(osp.dirname(path), exist_ok=True)
            np.save(path, scoremap)
            record = dict(image_id=image_id, label=label)
            if not has_masks(sample):
                boxes, size = ori_gt_boxes(sample, image_id, self._name)
                record.update(size=size, boxes=boxes)
            self.results.append(record)

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        """Write the metadata of box data (rank 0); no metric."""
        if results and 'boxes' in results[0]:
            write_metadata(
                osp.join(self.out_dir,
                         'metadata'), [r['image_id'] for r in results],
                [r['label'] for r in results], [r['size'] for r in results],
                [r['boxes'] for r in results])
            print_log(
                f'{len(results)} score maps and their metadata in '
                f'{self.out_dir}',
                logger='current')
        elif results:
            print_log(
                f'{len(results)} score maps in {self.out_dir}/scoremaps; '
                'evaluate them with tools/eval_scoremaps.py --metadata-root '
                '<the dataset metadata> --mask-root <its mask_root>',
                logger='current')
        return {}
