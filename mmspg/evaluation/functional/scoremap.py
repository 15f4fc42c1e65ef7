"""Score-map normalisation and resizing as the WSOL benchmark does them.

How an evaluator brings a model's map to its frame (``frame_scoremap``):
the benchmark's evaluators score the map they are given, as given. Its
``CAMComputer.compute_and_evaluate_cams`` resizes the raw CAM to the
224 x 224 input (``cv2.resize(..., INTER_CUBIC)``), normalises it once
(clovaai/wsolevaluation ``inference.py:86-88``; GenDisc/IVR
``inference.py:71-73`` with the chosen ``--norm_method``) and hands that
map to ``BoxEvaluator.accumulate`` / ``MaskEvaluator.accumulate``
(``inference.py:79`` of GenDisc/IVR) without another normalisation: both
only check it lies in [0, 1] (``util.py:48-63``), boxes threshold
``(scoremap * 255).astype(uint8)`` at ``int(t * np.max(...))``
(``evaluation.py:130-139``), PxAP histograms the float scores over
``np.arange(0, 1, interval)`` plus [1, 2), [2, 3) (``evaluation.py:
348-352, 370-380``). So a map that a model has normalised (its data sample
names the normaliser, ``loc_normalizer``) is scored as given when it is
already in the evaluator's frame; only when the evaluator must resize it
(our step, e.g. a 112 px model scored at 224, or the original-image frame)
is the resized map normalised again, by that same normaliser (bicubic
overshoots [0, 1]). A map of unknown normalisation (no normaliser given) is
min-max normalised in the frame, as mmspg always did: for a min-max, PaS or
IVR map at the frame's size (min 0, max 1 exactly) that is the identity,
so there the numbers do not depend on the sample saying so.
"""
from typing import Callable, Optional, Tuple

import cv2
import numpy as np

from .scoremap_norm import MinMaxNorm
from .wsol_box import compiled_extension, quantize_scoremap, thread_scratch

__all__ = [
    'normalize_scoremap', 'resize_scoremap', 'frame_scoremap',
    'benchmark_quantized_scoremap'
]


def normalize_scoremap(scoremap: np.ndarray) -> np.ndarray:
    """Min-max normalise a map to [0, 1] (benchmark ``normalize_scoremap``).

    Args:
        scoremap (np.ndarray): (H, W) float map, any range.

    Returns:
        np.ndarray: float64 (H, W) in [0, 1]; all zeros when the map is
        constant or has a NaN.
    """
    cam = np.array(scoremap, dtype=np.float64)
    if np.isnan(cam).any() or cam.min() == cam.max():
        return np.zeros_like(cam)
    cam -= cam.min()
    cam /= cam.max()
    return cam


def resize_scoremap(scoremap: np.ndarray, size: Tuple[int, int]) -> np.ndarray:
    """Resize a map to (height, width) like the benchmark, then normalise.

    The benchmark resizes CAMs with ``cv2.resize(..., INTER_CUBIC)`` in
    float64 and min-max normalises the result (cubic overshoots [0, 1]).
    A map already at ``size`` is only normalised (a resize to the same size
    is a copy in OpenCV).

    Args:
        scoremap (np.ndarray): (H, W) float map.
        size (tuple[int, int]): Target (height, width).

    Returns:
        np.ndarray: float64 (height, width) in [0, 1].
    """
    cam = np.asarray(scoremap, dtype=np.float64)
    h, w = int(size[0]), int(size[1])
    if cam.shape != (h, w):
        cam = cv2.resize(cam, (w, h), interpolation=cv2.INTER_CUBIC)
    return normalize_scoremap(cam)


def _check_given(cam: np.ndarray, normalizer: Callable, where: str) -> None:
    """The benchmark's evaluators refuse a map outside [0, 1] or with a NaN
    (GenDisc/IVR and clovaai/wsolevaluation ``util.py:58-63``); so do we,
    naming the normaliser that made it."""
    if cam.size and not (np.all(cam >= 0) and np.all(cam <= 1)):
        raise ValueError(
            f'{where}: a map normalised by {normalizer!r} must lie in [0, 1] '
            'to be '
            f'scored as given, got min={np.nanmin(cam)}, '
            f'max={np.nanmax(cam)} (NaN: {bool(np.isnan(cam).any())})')


def frame_scoremap(scoremap: np.ndarray,
                   size: Tuple[int, int],
                   normalizer: Optional[Callable] = None,
                   where: str = 'scoremap') -> np.ndarray:
    """A model's map in an evaluator's (height, width) frame (see the module
    docstring).

    Args:
        scoremap (np.ndarray): (H, W) float map.
        size (tuple[int, int]): The frame's (height, width).
        normalizer (callable, optional): The normaliser the model applied
            to the map (a data sample's ``loc_normalizer``), e.g.
            :class:`~mmspg.evaluation.functional.MaxNorm`. None: unknown,
            the map is min-max normalised in the frame
            (:func:`resize_scoremap`, mmspg's behaviour before the sample
            carried it).
        where (str): Names the map in an error (metric, image).

    Returns:
        np.ndarray: float64 (height, width) in [0, 1]: with a normaliser,
        the map as given when it is already (height, width), else
        ``normalizer(cv2.resize(map, INTER_CUBIC))``.

    Raises:
        ValueError: a map given with a normaliser lies outside [0, 1].
    """
    if normalizer is None:
        return resize_scoremap(scoremap, size)
    cam = np.asarray(scoremap, dtype=np.float64)
    h, w = int(size[0]), int(size[1])
    if cam.shape != (h, w):
        # our resize (the reference never resizes a normalised map): the
        # benchmark's bicubic, then the model's normaliser again
        cam = np.asarray(
            normalizer(cv2.resize(cam, (w, h), interpolation=cv2.INTER_CUBIC)),
            dtype=np.float64)
    _check_given(cam, normalizer, where)
    return cam


def benchmark_quantized_scoremap(scoremap: np.ndarray,
                                 size: Tuple[int, int] = (224, 224),
                                 normalizer: Optional[Callable] = None,
                                 where: str = 'scoremap') -> np.ndarray:
    """The uint8 map the benchmark thresholds, from a model map.

    Equal to ``quantize_scoremap(frame_scoremap(scoremap, size,
    normalizer).astype(np.float32))``: brought to the frame as
    :func:`frame_scoremap` says (a min-max normalised map, or one of
    unknown normalisation, resized and min-max normalised as the benchmark
    does; another normaliser's map as given at ``size``), rounded to
    the float32 of a score-map dump (so that re-evaluating a dump gives the
    same numbers), then quantised. With mmspg's extension built, the resize
    (bit-identical to OpenCV's, see ``csrc/wsol_box_levels.c``), the
    normalisation and the quantisation run in one compiled call (OpenCV's
    resize and five numpy passes otherwise).

    Args:
        scoremap (np.ndarray): (H, W) float map, any range.
        size (tuple[int, int]): Target (height, width).
        normalizer (callable, optional): The model's normaliser (see
            :func:`frame_scoremap`); None: unknown.
        where (str): Names the map in an error.

    Returns:
        np.ndarray: uint8 (height, width).
    """
    cam = np.ascontiguousarray(scoremap, dtype=np.float64)
    h, w = int(size[0]), int(size[1])
    if not _minmax_in_frame(normalizer, cam.shape, (h, w)):
        return quantize_scoremap(
            frame_scoremap(cam, (h, w), normalizer, where).astype(np.float32))
    ext = compiled_extension()
    if ext is not None and cam.ndim == 2 and cam.size:
        out = np.empty((h, w), dtype=np.uint8)
        if cam.shape == (h, w):  # no resize (OpenCV's would be a copy)
            done = ext.normalize_quantize(cam, out)
        else:
            done = ext.resize_normalize_quantize(
                cam, cam.shape[0], cam.shape[1], out, h, w,
                thread_scratch('resize',
                               ext.resize_workspace_bytes(cam.shape[0], h, w)))
        if done:
            return out
        # not finite: the numpy path below gives the documented result
    return quantize_scoremap(resize_scoremap(cam, (h, w)).astype(np.float32))


def _minmax_in_frame(normalizer: Optional[Callable], shape: Tuple[int, ...],
                     size: Tuple[int, int]) -> bool:
    """Whether :func:`frame_scoremap` min-max normalises the map in the
    frame (the compiled resize + min-max then applies): unknown
    normalisation, or a min-max map that must be resized."""
    return normalizer is None or (tuple(shape) != tuple(size)
                                  and isinstance(normalizer, MinMaxNorm))


def extension_scoremap(
        scoremap: np.ndarray, size: Tuple[int, int],
        normalizer: Optional[Callable]) -> Tuple[np.ndarray, bool]:
    """The map the extension's ``wsol_records`` gets, and its ``as_given``
    flag, so that it scores what :func:`frame_scoremap` gives.

    The extension resizes and min-max normalises (a map of unknown
    normalisation, or a min-max map of another size: the map itself,
    False) or quantises a map at ``size`` as given (a normalised map at
    ``size``: the map, True). A map another normaliser made at another
    size is resized and normalised by it here (numpy) and then given.

    Args:
        scoremap (np.ndarray): (H, W) float32/float64 C-contiguous map.
        size (tuple[int, int]): The frame's (height, width).
        normalizer (callable, optional): The model's normaliser, or None.

    Returns:
        tuple[np.ndarray, bool]: C-contiguous float32/float64 map and
        ``as_given``. A result outside [0, 1] makes the extension defer the
        image to the step-by-step path, whose :func:`frame_scoremap` names
        the fault.
    """
    if _minmax_in_frame(normalizer, scoremap.shape, size):
        return scoremap, False
    if scoremap.shape == tuple(size):
        return scoremap, True
    h, w = int(size[0]), int(size[1])
    resized = normalizer(
        cv2.resize(
            scoremap.astype(np.float64), (w, h),
            interpolation=cv2.INTER_CUBIC))
    return np.ascontiguousarray(resized, dtype=np.float64), True
