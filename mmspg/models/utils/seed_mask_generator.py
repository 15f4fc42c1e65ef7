"""Foreground / background seed masks from an attention map (SPG)."""
from typing import Union

import torch
from torch import Tensor

from mmspg.registry import MODELS

#: Value of pixels that are neither foreground nor background seeds.
IGNORE_VALUE = 255


@MODELS.register_module()
class SeedMaskGenerator:
    """Turn attention maps into SPG seed masks (1 fg, 0 bg, 255 ignore).

    Follows ``mark_obj`` + ``mark_bg`` of the official SPG code
    (xiaomengyc/SPG, ``models/google/inception3_spg.py``):

    1. foreground where ``attention > high_thr``;
    2. an image with fewer than ``min_fg_pixels`` such pixels instead takes
       ``attention > fallback_ratio * max(attention of that image)``;
    3. background where ``attention < low_thr``, applied last, so a pixel
       that is both (possible after the fallback) ends up background.

    The official loop overwrites its ``threshold`` variable in step 2, so a
    fallback in one image leaks into the threshold of the following images
    of the batch; here every image uses ``high_thr`` (or its own fallback),
    which is what the paper describes.

    The work is vectorised over the batch (no per-image Python loop, no
    host synchronisation), and runs without gradient: seeds are labels.

    Args:
        high_thr (float): Foreground threshold, in (low_thr, 1).
        low_thr (float): Background threshold, in (0, high_thr).
        min_fg_pixels (int): An image with fewer foreground pixels than this
            uses the relative fallback threshold. Defaults to 30 (official).
        fallback_ratio (float): Fallback threshold as a fraction of the
            image's maximum attention, in (0, 1]. Defaults to 0.7 (official).
    """

    def __init__(self,
                 high_thr: float,
                 low_thr: float,
                 min_fg_pixels: int = 30,
                 fallback_ratio: float = 0.7) -> None:
        for name, value in (('high_thr', high_thr), ('low_thr', low_thr),
                            ('fallback_ratio', fallback_ratio)):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f'SeedMaskGenerator: {name} must be a '
                                 f'number, got {value!r}')
        if not 0.0 < low_thr < high_thr < 1.0:
            raise ValueError(
                'SeedMaskGenerator: need 0 < low_thr < high_thr < 1 (a '
                'threshold of 0 or 1 marks no pixel), got '
                f'low_thr={low_thr!r}, high_thr={high_thr!r}')
        if not 0.0 < fallback_ratio <= 1.0:
            raise ValueError('SeedMaskGenerator: fallback_ratio must be in '
                             f'(0, 1], got fallback_ratio={fallback_ratio!r}')
        if (isinstance(min_fg_pixels, bool)
                or not isinstance(min_fg_pixels, int) or min_fg_pixels < 0):
            raise ValueError('SeedMaskGenerator: min_fg_pixels must be an '
                             f'int >= 0, got min_fg_pixels={min_fg_pixels!r}')
        self.high_thr = float(high_thr)
        self.low_thr = float(low_thr)
        self.min_fg_pixels = min_fg_pixels
        self.fallback_ratio = float(fallback_ratio)

    @torch.no_grad()
    def __call__(self, attention: Tensor) -> Tensor:
        """Compute the seed mask.

        Args:
            attention (Tensor): (N, 1, H, W) or (N, H, W), values in [0, 1]
                (e.g. a min-max normalised CAM or a sigmoid output).

        Returns:
            Tensor: Same shape as ``attention``, floating point, values in
            {0. (background), 1. (foreground), 255. (ignore)}.
        """
        if not isinstance(attention, Tensor):
            raise TypeError('SeedMaskGenerator: attention must be a Tensor, '
                            f'got {type(attention).__name__}')
        if attention.dim() == 4 and attention.size(1) != 1:
            raise ValueError('SeedMaskGenerator: a 4-D attention must be '
                             '(N, 1, H, W), got shape '
                             f'{tuple(attention.shape)}')
        if attention.dim() not in (3, 4):
            raise ValueError('SeedMaskGenerator: attention must be (N, 1, H, '
                             f'W) or (N, H, W), got shape '
                             f'{tuple(attention.shape)}')
        att = attention.detach()
        if not att.is_floating_point():
            att = att.float()
        flat = att.flatten(1)  # (N, H*W)

        fg = flat > self.high_thr
        too_few = fg.sum(dim=1, keepdim=True) < self.min_fg_pixels
        fallback = flat > self.fallback_ratio * flat.amax(dim=1, keepdim=True)
        fg = torch.where(too_few, fallback, fg)
        bg = flat < self.low_thr

        mask = torch.full_like(flat, float(IGNORE_VALUE))
        mask = torch.where(fg, torch.ones_like(mask), mask)
        mask = torch.where(bg, torch.zeros_like(mask), mask)
        return mask.view_as(att)

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(high_thr={self.high_thr}, '
                f'low_thr={self.low_thr}, min_fg_pixels={self.min_fg_pixels}, '
                f'fallback_ratio={self.fallback_ratio})')


def build_seed_generator(cfg: Union[dict, SeedMaskGenerator],
                         key: str) -> SeedMaskGenerator:
    """Build a :class:`SeedMaskGenerator` from a config, naming ``key``.

    Args:
        cfg (dict | SeedMaskGenerator): ``dict(high_thr=..., low_thr=...)``,
            optionally with ``type``.
        key (str): The config key, used in error messages.

    Returns:
        SeedMaskGenerator: The generator.
    """
    if isinstance(cfg, SeedMaskGenerator):
        return cfg
    if not isinstance(cfg, dict):
        raise ValueError(f'{key} must be a dict like dict(high_thr=0.7, '
                         f'low_thr=0.05), got {cfg!r}')
    cfg = dict(cfg)
    # prefixed: the default resolves whatever the current default scope
    # (an mmpretrain config naming 'mmspg.SPGHead')
    cfg.setdefault('type', 'mmspg.SeedMaskGenerator')
    try:
        return MODELS.build(cfg)
    except (TypeError, ValueError) as err:
        raise ValueError(f'invalid {key}={cfg!r}: {err}') from err
