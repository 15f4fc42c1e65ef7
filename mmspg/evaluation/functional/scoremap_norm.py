"""Score-map normalisations of "Normalization Matters in WSOL" (Kim et al.,
ICCV 2021), in numpy, as GenDisc/IVR computes them.

GenDisc/IVR (commit 05ba4ca) ``inference.py:82-115``
(``CAMComputer.normalize_scoremap``), applied to the CAM after the
benchmark's ``cv2.resize(..., INTER_CUBIC)`` (``inference.py:71-73``), with
``--norm_method`` in ``config.py:35`` (``_NORM_NAMES = ('minmax', 'max',
'pas', 'ivr')``) and ``--percentile`` default 0.45 (``config.py:207-209``):

- every method: a map with a NaN, or a constant map, gives zeros
  (``inference.py:90-93``);
- ``'minmax'``: ``(cam - min) / (max - min)`` (``inference.py:94-96``, the
  benchmark's ``normalize_scoremap``);
- ``'max'``: ``max(cam, 0) / max(max(cam, 0))`` (``inference.py:97-99``);
- ``'pas'``: ``c = cam - min``; ``min(1, c / sorted(c)[int(n * 0.9)])``
  (``inference.py:100-106``; the 0.9 is hard-coded there, a parameter here);
- ``'ivr'``: ``q = sorted(cam)[int(n * percentile)]``;
  ``c = max(cam - q, 0)``; ``c / max(c)`` (``inference.py:107-113``).

The order-statistic is taken with ``np.partition`` (O(n)) instead of the
reference's full ``sort``: the k-th element of both is the same value.

Where the reference divides by zero (``'max'`` on a map with no positive
value, ``'ivr'`` when the percentile is the maximum, ``'pas'`` when 90 % of
the pixels share the minimum) it yields NaN/inf, which its evaluators
refuse: ``check_scoremap_validity`` (GenDisc/IVR ``util.py:58-63``) raises
on a NaN or a value above 1 before ``BoxEvaluator``/``MaskEvaluator`` score
the map. Here these cases are defined instead (our choice, documented per
class): the pixels that would be NaN are 0 and those that would be inf
are 1.

No torch here: ``tools/eval_scoremaps.py`` uses this module to re-score
saved maps.
"""
from typing import Dict, Optional, Type, Union

import numpy as np

__all__ = [
    'MinMaxNorm', 'MaxNorm', 'PaSNorm', 'IVRNorm', 'SCOREMAP_NORMS',
    'build_scoremap_norm'
]


def _invalid(cam: np.ndarray) -> bool:
    """GenDisc/IVR ``inference.py:90-93``: NaN or constant -> zeros."""
    return bool(np.isnan(cam).any()) or cam.min() == cam.max()


def _order_statistic(cam: np.ndarray, percentile: float) -> float:
    """``sorted(cam.flatten())[int(cam.size * percentile)]``
    (GenDisc/IVR ``inference.py:102-104, 108-110``)."""
    flat = cam.ravel()
    k = int(flat.size * percentile)  # the reference's own expression
    return np.partition(flat, k)[k]


def _check_percentile(name: str, percentile) -> float:
    if (isinstance(percentile, bool) or not isinstance(percentile,
                                                       (int, float))
            or not 0.0 <= percentile < 1.0):
        raise ValueError(f'{name}: percentile must be a number in [0, 1), '
                         f'got percentile={percentile!r}')
    return float(percentile)


class MinMaxNorm:
    """``(cam - min) / (max - min)``: the WSOL benchmark's
    ``normalize_scoremap`` (GenDisc/IVR ``inference.py:94-96``).

    Call with a (H, W) float map (any range); returns float64 (H, W) in
    [0, 1], zeros for a constant map or one with a NaN.
    """
    name = 'minmax'
    # invariant to cam -> a * cam + b (a > 0): re-normalising a min-max
    # normalised map gives the same map, up to its float rounding
    affine_invariant = True

    def __call__(self, cam: np.ndarray) -> np.ndarray:
        cam = np.array(cam, dtype=np.float64)
        if _invalid(cam):
            return np.zeros_like(cam)
        cam -= cam.min()
        cam /= cam.max()
        return cam

    def __repr__(self) -> str:
        return 'MinMaxNorm()'


class MaxNorm:
    """``max(cam, 0) / max(max(cam, 0))`` (GenDisc/IVR
    ``inference.py:97-99``).

    Only invariant to a positive scale, not to a shift: it needs the raw
    map's sign, so it cannot re-score a min-max normalised dump. A map with
    no positive value gives zeros (the reference divides 0 by 0; our
    choice, see the module docstring).
    """
    name = 'max'
    affine_invariant = False

    def __call__(self, cam: np.ndarray) -> np.ndarray:
        cam = np.array(cam, dtype=np.float64)
        if _invalid(cam):
            return np.zeros_like(cam)
        return _positive_part_over_max(cam)

    def __repr__(self) -> str:
        return 'MaxNorm()'


def _positive_part_over_max(cam: np.ndarray) -> np.ndarray:
    """``max(cam, 0) / max``, the last step of both 'max' and IVR; zeros
    where nothing is positive (the reference divides 0 by 0)."""
    cam = np.maximum(0, cam)
    top = cam.max()
    if top == 0:
        return np.zeros_like(cam)
    return cam / top


class PaSNorm:
    """PaS (Bae et al., ECCV 2020) as GenDisc/IVR ``inference.py:100-106``
    computes it: ``c = cam - min``, ``min(1, c / sorted(c)[int(n * p)])``.

    Args:
        percentile (float): p in [0, 1); the reference hard-codes 0.9.

    When the p-quantile of ``c`` is 0, pixels above the minimum give 1
    and those at it 0 (where the reference has inf and NaN, a map its
    evaluators refuse; our choice).
    """
    name = 'pas'
    affine_invariant = True

    def __init__(self, percentile: float = 0.9):
        self.percentile = _check_percentile('PaSNorm', percentile)

    def __call__(self, cam: np.ndarray) -> np.ndarray:
        cam = np.array(cam, dtype=np.float64)
        if _invalid(cam):
            return np.zeros_like(cam)
        cam -= cam.min()
        top = _order_statistic(cam, self.percentile)
        if top == 0:
            return (cam > 0).astype(np.float64)
        cam /= top
        return np.minimum(1, cam)

    def __repr__(self) -> str:
        return f'PaSNorm(percentile={self.percentile})'


class IVRNorm:
    """IVR, the normalisation Kim et al. (ICCV 2021) propose, as GenDisc/IVR
    ``inference.py:107-113`` computes it: ``q = sorted(cam)[int(n * p)]``,
    ``c = max(cam - q, 0)``, ``c / max(c)``.

    Args:
        percentile (float): p in [0, 1); defaults to 0.45, GenDisc/IVR's
            ``--percentile`` default (``config.py:209``).

    When ``q`` is the maximum (nothing above it), the map is zeros (the
    reference divides 0 by 0).
    """
    name = 'ivr'
    affine_invariant = True

    def __init__(self, percentile: float = 0.45):
        self.percentile = _check_percentile('IVRNorm', percentile)

    def __call__(self, cam: np.ndarray) -> np.ndarray:
        cam = np.array(cam, dtype=np.float64)
        if _invalid(cam):
            return np.zeros_like(cam)
        cam -= _order_statistic(cam, self.percentile)
        return _positive_part_over_max(cam)

    def __repr__(self) -> str:
        return f'IVRNorm(percentile={self.percentile})'


#: short name (GenDisc/IVR's ``--norm_method``) -> class
SCOREMAP_NORMS: Dict[str, Type] = {
    cls.name: cls
    for cls in (MinMaxNorm, MaxNorm, PaSNorm, IVRNorm)
}


def build_scoremap_norm(cfg: Union[None, str, dict, object] = None,
                        owner: str = 'loc_normalize'):
    """A normaliser from a short name, a dict or an instance (torch-free;
    ``mmspg.models.utils.build_loc_normalizer`` also takes registered
    ``TASK_UTILS`` types).

    Args:
        cfg (str | dict | callable | None): ``'minmax'``, ``'max'``,
            ``'pas'``, ``'ivr'``, a dict ``dict(type=<name or class name>,
            **params)`` (e.g. ``dict(type='ivr', percentile=0.3)``), a
            normaliser instance, or None (min-max).
        owner (str): Named in the error message.

    Returns:
        A callable (H, W) float map -> float64 (H, W) in [0, 1].

    Raises:
        ValueError: unknown name or bad parameter, naming ``owner``.
    """
    if cfg is None:
        return MinMaxNorm()
    if callable(cfg) and not isinstance(cfg, (str, dict, type)):
        return cfg
    if isinstance(cfg, str):
        cfg = dict(type=cfg)
    if not isinstance(cfg, dict) or 'type' not in cfg:
        raise ValueError(f'{owner}: must be one of {tuple(SCOREMAP_NORMS)} '
                         f'or a dict with a type, got {cfg!r}')
    params = dict(cfg)
    name = params.pop('type')
    by_class = {cls.__name__: cls for cls in SCOREMAP_NORMS.values()}
    cls: Optional[Type] = SCOREMAP_NORMS.get(name, by_class.get(name))
    if cls is None:
        raise ValueError(f'{owner}: unknown normalisation {name!r}; one of '
                         f'{tuple(SCOREMAP_NORMS)} (or {tuple(by_class)})')
    try:
        return cls(**params)
    except TypeError as err:
        raise ValueError(f'{owner}: bad parameters {params} for {name!r} '
                         f'({err})') from None
