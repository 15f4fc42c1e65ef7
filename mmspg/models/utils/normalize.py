"""Per-map min-max normalisation of score maps."""
import torch
from torch import Tensor


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
