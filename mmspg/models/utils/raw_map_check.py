"""Whether each sample's raw maps and logits were finite, recorded before
the maps are normalised.

Why: the test-time maps are min-max normalised before a metric sees them
(``loc_predictions.resize_loc_maps``), and a NaN map comes out of that as
an all-zero map, which a metric would score as an empty prediction: a
diverged model then reports Loc 0.00 instead of an error. The heads
(``CAMHead.predict``; ``WSOLClassifier.predict`` for a linear head) record,
per sample, whether its raw maps and logits were all finite in the field
``raw_maps_finite`` (a bool); ``WSOLMetric``/``PxAPMetric`` refuse a batch
where it is False (``evaluation/metrics/sample_fields.check_finite``). The
check sits where the raw maps are produced because that is the last place
they exist; a per-sample flag costs the metrics' records nothing (ours).
"""
from typing import Callable, List, Sequence, Tuple

import torch
from mmpretrain.structures import DataSample
from torch import Tensor

__all__ = ['FINITE_FIELD', 'finite_per_sample', 'track_finite', 'set_finite']

#: The ``DataSample`` field the heads write and the metrics read.
FINITE_FIELD = 'raw_maps_finite'


def finite_per_sample(values: Tensor) -> Tensor:
    """(N,) bool: whether every value of each sample of (N, ...) is
    finite."""
    return torch.isfinite(values.detach()).reshape(values.size(0),
                                                   -1).all(dim=1)


def track_finite(
    maps_of: Callable[[Tensor], Tensor]
) -> Tuple[Callable[[Tensor], Tensor], List[Tensor]]:
    """Wrap a head's ``maps_of`` (class indices (N, L) -> raw maps (N, L, h,
    w)) so that each call appends :func:`finite_per_sample` of its maps to
    the returned list."""
    flags: List[Tensor] = []

    def wrapped(labels: Tensor) -> Tensor:
        maps = maps_of(labels)
        flags.append(finite_per_sample(maps))
        return maps

    return wrapped, flags


def set_finite(samples: List[DataSample],
               flags: Sequence[Tensor]) -> List[DataSample]:
    """Write ``raw_maps_finite`` = all of ``flags`` ((N,) bool each) into
    each of the N samples; return them."""
    ok = torch.ones(len(samples), dtype=torch.bool)
    for flag in flags:
        ok &= flag.cpu()
    for sample, value in zip(samples, ok.tolist()):
        sample.set_field(bool(value), FINITE_FIELD)
    return samples
