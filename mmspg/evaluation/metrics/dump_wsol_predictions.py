"""``DumpWSOLPredictions``: mmengine's ``DumpResults`` without the maps.

tools/test.py ``--out X.pkl`` dumps every prediction for offline use (the
class predictions of ``tools/analysis_tools/class_predictions.py``, the
per-image checks of the distributed tests). A WSOL prediction also holds its
localisation maps at input resolution (``loc_maps``: top-K x H x W,
``gt_loc_map``: H x W, float32; ``mmspg/models/utils/loc_predictions.py``),
six full-size maps per image: about 60 GB for the 50,000 ILSVRC validation
images at 224 px, 124 GB at 321 px, all gathered on rank 0. This dump keeps
what its consumers read -- class scores and labels, the top-K labels, the
annotated boxes, the image's id, path and sizes -- so a record grows with the
number of classes, not with pixels. Maps are written only on request, one
file per image by each rank as it goes: ``--dump-scoremaps DIR``
(``DumpWSOLScoreMaps``).
"""
from typing import Any, Sequence, Set

import numpy as np
import torch
from mmengine.evaluator import DumpResults
from mmengine.evaluator.metric import _to_cpu
from mmengine.logging import print_log

from mmspg.registry import METRICS

#: the map fields of a WSOL prediction (docs/interfaces.md)
MAP_FIELDS = ('loc_maps', 'gt_loc_map')


def _is_map(value: Any) -> bool:
    """A tensor or array of two or more dimensions that is not a box list
    (boxes are (N, 4)): a per-pixel field of some other head."""
    if isinstance(value, (torch.Tensor, np.ndarray)):
        return value.ndim >= 2 and value.shape[-1] != 4
    return False


@METRICS.register_module()
class DumpWSOLPredictions(DumpResults):
    """Dump predictions to a pickle file, without per-pixel fields.

    Each record is the sample's dict (``DataSample.to_dict()``) less
    :data:`MAP_FIELDS` and any other field of two or more dimensions that is
    not an (N, 4) box list; the dropped names are logged once. What stays:
    ``pred_score`` (C,), ``pred_label``, ``gt_label``, ``loc_labels`` (K,),
    ``gt_bboxes``/``ori_gt_bboxes`` (N, 4), ``image_id``, ``img_path``,
    ``sample_idx``, ``ori_shape``, ``img_shape`` and the other small keys.
    Tensors are copied out of their batch: a row of a batch tensor pickles
    with the storage of the whole batch.

    Args:
        out_file_path (str): the ``.pkl``/``.pickle`` file (rank 0 writes it).
        collect_device (str): device to gather results across ranks.
        collect_dir (str, optional): folder for CPU collection.
    """
    default_prefix = 'wsol'  # no metric; silences mmengine's warning

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._dropped: Set[str] = set()

    def process(self, data_batch: Any, predictions: Sequence[dict]) -> None:
        """Keep each prediction without its maps, on the CPU."""
        kept = []
        for sample in predictions:
            record = {}
            for key, value in sample.items():
                if key in MAP_FIELDS or _is_map(value):
                    if key not in self._dropped:
                        self._dropped.add(key)
                        print_log(
                            f'DumpWSOLPredictions: {key!r} is not kept in '
                            f'{self.out_file_path} (a per-pixel field; use '
                            'tools/test.py --dump-scoremaps DIR for maps)',
                            logger='current')
                    continue
                if isinstance(value, torch.Tensor):
                    # a row of the batch's tensor shares (and pickles) the
                    # whole batch's storage: batch x classes per record
                    value = value.detach().cpu().clone()
                record[key] = value
            kept.append(record)
        self.results.extend(_to_cpu(kept))
