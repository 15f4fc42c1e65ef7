"""Fill ``DataSample``s with class scores and localisation maps.

The test-time map of a WSOL method is its raw class map at feature
resolution, resized to the network input and min-max normalised. How it is
resized is part of each protocol (``docs/interfaces.md``, "Score-map
resize"), so it is a choice here, ``LOC_RESIZE_MODES``:

- ``'bicubic'``, the WSOL benchmark's: the raw map, cast to float64
  (``t2n``, clovaai/wsolevaluation ``util.py:44-45``), resized with
  ``cv2.resize(..., interpolation=cv2.INTER_CUBIC)`` and min-max normalised
  (``inference.py:84-88``, ``normalize_scoremap``, ``inference.py:38-52``).
- ``'bilinear'``, the official SPG code's: the map min-max normalised at
  feature resolution (``get_localization_maps`` ->
  ``normalize_atten_maps``, xiaomengyc/SPG
  ``models/google/inception3_spg.py:344-376``), resized as float32 with
  ``cv2.resize``'s default ``INTER_LINEAR`` (``utils/save_atten.py:227-231``,
  ``get_map_k``) and normalised again (``save_atten.py:172-177``, used at
  line 270).

The normalisation after the resize is a second choice, ``loc_normalize``
(a normaliser of :mod:`mmspg.models.utils.normalize`: ``'minmax'``, the
default and the text above, ``'max'``, ``'pas'``, ``'ivr'``, Kim et al.,
ICCV 2021). In GenDisc/IVR it replaces the benchmark's min-max after the
bicubic resize (``inference.py:71-73``), and so it does here under
``'bicubic'``. The official SPG code knows only min-max; under
``'bilinear'`` another normalisation (our choice) is applied once, to the
raw map resized with ``INTER_LINEAR`` (float32), in the place of the final
min-max: the first min-max at feature resolution is left out, since it
would erase the sign ``'max'`` needs, and ``'pas'``/``'ivr'`` are
invariant to it up to rounding (a positive affine map commutes with
bilinear interpolation). ``'minmax'`` keeps the official two steps.

Both run OpenCV itself on the CPU, as the sources do, rather than a torch
look-alike (``F.interpolate``'s kernels are not bit-identical to OpenCV's),
so a map equals the source's up to the float32 it is stored in. The maps
are small (K + 1 per image at feature resolution), so the round trip to
the CPU costs little next to the forward pass.
"""
from typing import Callable, List, Optional, Sequence

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from mmpretrain.structures import DataSample
from torch import Tensor

from mmspg.evaluation.functional.scoremap import resize_scoremap

from .normalize import MinMaxNorm, minmax_normalize

LOC_RESIZE_MODES = ('bicubic', 'bilinear')


def select_maps(cams: Tensor, labels: Tensor) -> Tensor:
    """Maps of ``labels`` from ``cams``.

    Args:
        cams (Tensor): (N, C, h, w) class activation maps.
        labels (Tensor): (N,) or (N, K) int class indices.

    Returns:
        Tensor: (N, K, h, w) (K = 1 for (N,) labels).
    """
    if labels.dim() == 1:
        labels = labels[:, None]
    idx = labels[:, :, None, None].expand(-1, -1, *cams.shape[-2:])
    return cams.gather(1, idx)


def upsample_maps(maps: Tensor, size: Sequence[int]) -> Tensor:
    """Bilinear (align_corners=False) resize of (N, K, h, w) to ``size``."""
    if tuple(maps.shape[-2:]) == tuple(size):
        return maps
    return F.interpolate(
        maps, size=tuple(size), mode='bilinear', align_corners=False)


def check_loc_resize(owner: str, loc_resize: str) -> None:
    """Raise a ValueError naming ``owner``'s ``loc_resize`` unless it is one
    of ``LOC_RESIZE_MODES``."""
    if loc_resize not in LOC_RESIZE_MODES:
        raise ValueError(f'{owner}: loc_resize must be one of '
                         f'{LOC_RESIZE_MODES}, got loc_resize={loc_resize!r}')


def resize_loc_maps(maps: Tensor,
                    size: Sequence[int],
                    mode: str = 'bicubic',
                    normalize: Optional[Callable] = None) -> Tensor:
    """Resize raw maps to ``size`` and normalise them, as the protocol
    ``mode`` does (see the module docstring).

    Args:
        maps (Tensor): (N, K, h, w) raw maps, any real values.
        size (Sequence[int]): Target (H, W).
        mode (str): ``'bicubic'`` (WSOL benchmark) or ``'bilinear'``
            (official SPG code).
        normalize (callable, optional): A normaliser
            (:func:`~mmspg.models.utils.normalize.build_loc_normalizer`),
            (H, W) float64 map -> map in [0, 1]; None: min-max.

    Returns:
        Tensor: (N, K, H, W) float32 in [0, 1], on ``maps``' device.
    """
    check_loc_resize('resize_loc_maps', mode)
    h, w = int(size[0]), int(size[1])
    n, k = maps.shape[:2]
    out = np.empty((n, k, h, w), dtype=np.float32)
    minmax = normalize is None or isinstance(normalize, MinMaxNorm)
    if mode == 'bicubic':
        # the evaluation core's benchmark resize (float64), then the
        # normaliser in the place of its min-max (GenDisc/IVR
        # inference.py:71-73)
        src = maps.detach().cpu().double().numpy()
        for i in range(n):
            for j in range(k):
                if minmax:
                    out[i, j] = resize_scoremap(src[i, j], (h, w))
                else:
                    out[i, j] = normalize(
                        _cv2_resize(src[i, j], h, w, cv2.INTER_CUBIC))
        return torch.from_numpy(out).to(maps.device)
    if not minmax:
        # raw float32 map, INTER_LINEAR, then the normaliser (our choice)
        src = maps.detach().float().cpu().numpy()
        for i in range(n):
            for j in range(k):
                out[i, j] = normalize(
                    _cv2_resize(src[i, j], h, w, cv2.INTER_LINEAR))
        return torch.from_numpy(out).to(maps.device)
    src = minmax_normalize(maps.detach().float()).cpu().numpy()
    for i in range(n):
        for j in range(k):
            out[i, j] = _cv2_resize(src[i, j], h, w, cv2.INTER_LINEAR)
    return minmax_normalize(torch.from_numpy(out)).to(maps.device)


def _cv2_resize(m: np.ndarray, h: int, w: int, interpolation: int):
    """OpenCV resize to (h, w); a same-size resize is a copy in OpenCV."""
    if m.shape == (h, w):
        return m
    return cv2.resize(m, (w, h), interpolation=interpolation)


def set_loc_predictions(
        cams: Tensor,
        scores: Tensor,
        loc_topk: int,
        data_samples: Optional[List[Optional[DataSample]]] = None,
        input_size: Optional[Sequence[int]] = None,
        loc_resize: str = 'bicubic',
        loc_normalize: Optional[Callable] = None) -> List[DataSample]:
    """Classification and localisation fields of the WSOL contract
    (docs/interfaces.md, "Model outputs") from every class's CAM.

    Args:
        cams (Tensor): (N, C, h, w) raw class activation maps.
        scores (Tensor): (N, C) class probabilities in [0, 1].
        loc_topk (int): Number K of top-scoring classes whose maps are kept.
        data_samples (list[DataSample | None], optional): Samples to fill.
        input_size (Sequence[int], optional): (H, W) the maps are resized
            to; if None, ``img_shape`` of the first sample, else (h, w).
        loc_resize (str): How, see :func:`resize_loc_maps`.
        loc_normalize (callable, optional): The normaliser, see
            :func:`resize_loc_maps`; None: min-max.

    Returns:
        list[DataSample]: as :func:`fill_loc_predictions`.
    """
    cams = cams.float()
    return fill_loc_predictions(lambda labels: select_maps(cams, labels),
                                scores, loc_topk, data_samples, input_size,
                                loc_resize, loc_normalize)


def fill_loc_predictions(
        maps_of: Callable[[Tensor], Tensor],
        scores: Tensor,
        loc_topk: int,
        data_samples: Optional[List[Optional[DataSample]]] = None,
        input_size: Optional[Sequence[int]] = None,
        loc_resize: str = 'bicubic',
        loc_normalize: Optional[Callable] = None) -> List[DataSample]:
    """The one path from a model's class scores and maps to the WSOL
    prediction fields, shared by every head (``CAMHead`` and its subclasses
    ``SPGHead``, ``ACoLHead``) and by ``WSOLClassifier``'s CAMs of a linear
    classification head.

    Args:
        maps_of (callable): Takes (N, L) int class indices and returns their
            raw maps (N, L, h, w) (any real values; normalised here), so a
            method computes only the maps it is asked for (ACoL runs its
            second branch once per chosen class).
        scores (Tensor): (N, C) class probabilities in [0, 1]; their top-K
            classes (K = ``min(loc_topk, C)``) are localised.
        loc_topk (int): K.
        data_samples (list[DataSample | None], optional): N samples to
            fill; with ``gt_label`` the ground-truth class map is added.
        input_size (Sequence[int], optional): (H, W) the maps are resized
            to; if None, ``img_shape`` of the first sample, else the maps'
            own (h, w).
        loc_resize (str): How the raw maps are resized and normalised:
            ``'bicubic'`` (WSOL benchmark) or ``'bilinear'`` (official SPG
            code), see :func:`resize_loc_maps`. Defaults to 'bicubic'.
        loc_normalize (callable, optional): How the resized maps are
            normalised (:func:`resize_loc_maps`); None: min-max.

    Returns:
        list[DataSample]: ``pred_score`` (C,), ``pred_label`` (1,),
        ``loc_labels`` (K,), ``loc_maps`` (K, H, W) float32 in [0, 1]
        (resized and normalised per map) and, where ``gt_label`` is
        known, ``gt_loc_map`` (H, W).
    """
    num = scores.size(0)
    k = min(loc_topk, scores.size(1))
    loc_labels = scores.topk(k, dim=1).indices  # (N, K)
    if data_samples is None:
        data_samples = [None] * num
    data_samples = [
        ds if ds is not None else DataSample() for ds in data_samples
    ]
    if len(data_samples) != num:
        raise ValueError(f'{len(data_samples)} data samples for a batch of '
                         f'{num} images')
    if input_size is None and 'img_shape' in data_samples[0]:
        input_size = data_samples[0].img_shape

    has_gt = [('gt_label' in ds) for ds in data_samples]
    labels = loc_labels
    if any(has_gt):
        gt = torch.stack([
            ds.gt_label.view(-1)[0].to(scores.device)
            if g else loc_labels.new_zeros(())
            for ds, g in zip(data_samples, has_gt)
        ])
        # One gather/upsample pass for top-K and ground-truth maps.
        labels = torch.cat([loc_labels, gt[:, None]], dim=1)
    maps = maps_of(labels).float()
    size = tuple(input_size)[-2:] if input_size is not None else \
        tuple(maps.shape[-2:])
    maps = resize_loc_maps(maps, size, loc_resize, loc_normalize)
    return write_loc_fields(data_samples, scores, loc_labels, maps)


def write_loc_fields(data_samples: List[DataSample], scores: Tensor,
                     loc_labels: Tensor, maps: Tensor) -> List[DataSample]:
    """Write the WSOL prediction fields (docs/interfaces.md) of every head.

    Args:
        data_samples (list[DataSample]): N samples to fill.
        scores (Tensor): (N, C) class probabilities in [0, 1].
        loc_labels (Tensor): (N, K) top-K class indices.
        maps (Tensor): (N, K, H, W) maps of ``loc_labels`` in [0, 1], plus
            a last (K+1-th) channel with the ground-truth class map when
            any sample has ``gt_label``.

    Returns:
        list[DataSample]: ``pred_score``, ``pred_label`` (top-1),
        ``loc_labels``, ``loc_maps`` and, with ``gt_label``,
        ``gt_loc_map``.
    """
    k = loc_labels.size(1)
    for i, ds in enumerate(data_samples):
        has_gt = 'gt_label' in ds
        ds.set_pred_score(scores[i]).set_pred_label(loc_labels[i, :1])
        ds.set_field(loc_labels[i], 'loc_labels')
        ds.set_field(maps[i, :k], 'loc_maps')
        if has_gt:
            ds.set_field(maps[i, k], 'gt_loc_map')
    return data_samples
