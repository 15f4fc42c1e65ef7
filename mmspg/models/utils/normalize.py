"""Per-map min-max normalisation of score maps, and the registered
test-time normalisations of ``loc_normalize``."""
from typing import Callable, Union

import torch
from torch import Tensor

from mmspg.evaluation.functional.scoremap_norm import (SCOREMAP_NORMS, IVRNorm,
                                                       MaxNorm, MinMaxNorm,
                                                       PaSNorm,
                                                       build_scoremap_norm)
from mmspg.registry import TASK_UTILS


def minmax_normalize(maps: Tensor) -> Tensor:
    """Min-max normalise every 2-D map of a tensor to [0, 1].

    Unlike the official SPG ``normalize_atten_maps``, a constant map (max ==
    min) gives all zeros instead of NaN.

    Args:
        maps (Tensor): (..., H, W) score maps, any real values.

    Returns:
        Tensor: Same shape, each (H, W) map in [0, 1].
    """
    if maps.dim() < 2:
        raise ValueError('minmax_normalize: maps must have at least 2 dims '
                         f'(..., H, W), got shape {tuple(maps.shape)}')
    flat = maps.flatten(-2)
    lo = flat.amin(dim=-1, keepdim=True)
    hi = flat.amax(dim=-1, keepdim=True)
    rng = hi - lo
    valid = rng > 0
    denom = torch.where(valid, rng, torch.ones_like(rng))
    out = torch.where(valid, (flat - lo) / denom, torch.zeros_like(flat))
    return out.clamp_(0.0, 1.0).view_as(maps)


# ----------------------------------------------------------------------
# Test-time score-map normalisations (``loc_normalize``)
# ----------------------------------------------------------------------
# The normalisers are the torch-free classes of
# ``mmspg.evaluation.functional.scoremap_norm`` (so that
# ``tools/eval_scoremaps.py`` uses the very same code); they are registered
# here in ``TASK_UTILS``, so that a config names one by type and a user adds
# another with ``@TASK_UTILS.register_module()``: a callable (H, W) float64
# map -> (H, W) map in [0, 1] with an ``affine_invariant`` attribute.
for _cls in (MinMaxNorm, MaxNorm, PaSNorm, IVRNorm):
    TASK_UTILS.register_module(module=_cls)


def build_loc_normalizer(cfg: Union[None, str, dict, Callable],
                         owner: str = 'loc_normalize') -> Callable:
    """The normaliser of a ``loc_normalize`` option.

    Args:
        cfg (str | dict | callable | None): a short name of GenDisc/IVR's
            ``--norm_method`` (``'minmax'``, ``'max'``, ``'pas'``,
            ``'ivr'``), a dict whose ``type`` is such a name or a
            ``TASK_UTILS`` type (``dict(type='IVRNorm', percentile=0.3)``),
            an instance, or None (``'minmax'``).
        owner (str): Named in the error, e.g. ``'CAMHead: loc_normalize'``.

    Returns:
        callable: (H, W) float map -> float64 (H, W) in [0, 1].

    Raises:
        ValueError: unknown type or bad parameters, naming ``owner``.
    """
    if isinstance(cfg, dict) and cfg.get('type') not in SCOREMAP_NORMS \
            and isinstance(cfg.get('type'), str) \
            and cfg['type'] in TASK_UTILS:
        try:
            return TASK_UTILS.build(dict(cfg))
        except (TypeError, ValueError) as err:
            raise ValueError(f'{owner}: cannot build {cfg!r}: {err}') \
                from None
    return build_scoremap_norm(cfg, owner)
