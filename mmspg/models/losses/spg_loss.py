"""Binary cross-entropy over the seed pixels of an SPG mask."""
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor

from mmspg.registry import MODELS


def spg_loss(logits: Tensor,
             seed_mask: Tensor,
             ignore_index: int = 255,
             reduction: str = 'mean',
             avg_factor: Optional[float] = None) -> Tensor:
    """BCE-with-logits over the pixels of ``seed_mask`` that are not ignored.

    As the official ``loss_saliency`` (which indexes the kept pixels), but
    by masking: an ignored pixel contributes exactly zero loss and zero
    gradient, and a batch without any kept pixel gives 0 instead of NaN
    (while staying connected to the graph so ``backward`` works).

    Args:
        logits (Tensor): Any shape, e.g. (N, 1, H, W); raw logits.
        seed_mask (Tensor): Same shape; 1 (fg), 0 (bg) or ``ignore_index``.
        ignore_index (int): Mask value to skip. Defaults to 255.
        reduction (str): 'mean' (over kept pixels), 'sum' or 'none' (per
            pixel, zero at ignored pixels). Defaults to 'mean'.
        avg_factor (float, optional): With 'mean', divide the sum by this
            instead of the number of kept pixels.

    Returns:
        Tensor: Scalar loss, or per-pixel loss for ``reduction='none'``.
    """
    if logits.shape != seed_mask.shape:
        raise ValueError('spg_loss: logits and seed_mask must have the same '
                         f'shape, got {tuple(logits.shape)} and '
                         f'{tuple(seed_mask.shape)}')
    if reduction not in ('mean', 'sum', 'none'):
        raise ValueError("spg_loss: reduction must be 'mean', 'sum' or "
                         f"'none', got reduction={reduction!r}")
    seed_mask = seed_mask.detach()
    kept = seed_mask != ignore_index
    target = torch.where(kept, seed_mask, torch.zeros_like(seed_mask))
    target = target.to(logits.dtype)
    loss = F.binary_cross_entropy_with_logits(logits, target, reduction='none')
    # Multiplying by the 0/1 mask (rather than indexing) keeps the shape
    # static, avoids a host sync, and makes the ignored gradient exactly 0.
    loss = loss * kept.to(loss.dtype)
    if reduction == 'none':
        return loss
    if reduction == 'sum':
        return loss.sum()
    if avg_factor is None:
        denom = kept.sum().clamp(min=1).to(loss.dtype)
    else:
        denom = avg_factor
    return loss.sum() / denom


@MODELS.register_module()
class SPGLoss(nn.Module):
    """Self-produced guidance loss (masked BCE), see :func:`spg_loss`.

    Args:
        loss_weight (float): Weight of the loss. Defaults to 1.0.
        ignore_index (int): Mask value that is skipped. Defaults to 255.
        reduction (str): 'mean', 'sum' or 'none'. Defaults to 'mean'.
    """

    def __init__(self,
                 loss_weight: float = 1.0,
                 ignore_index: int = 255,
                 reduction: str = 'mean') -> None:
        super().__init__()
        if reduction not in ('mean', 'sum', 'none'):
            raise ValueError("SPGLoss: reduction must be 'mean', 'sum' or "
                             f"'none', got reduction={reduction!r}")
        self.loss_weight = loss_weight
        self.ignore_index = ignore_index
        self.reduction = reduction

    def forward(self,
                logits: Tensor,
                seed_mask: Tensor,
                avg_factor: Optional[float] = None,
                reduction_override: Optional[str] = None) -> Tensor:
        """Compute the weighted loss.

        Args:
            logits (Tensor): (N, 1, H, W) logits.
            seed_mask (Tensor): (N, 1, H, W) in {0, 1, ignore_index}.
            avg_factor (float, optional): See :func:`spg_loss`.
            reduction_override (str, optional): Overrides ``reduction``.

        Returns:
            Tensor: The loss.
        """
        reduction = reduction_override or self.reduction
        return self.loss_weight * spg_loss(
            logits,
            seed_mask,
            ignore_index=self.ignore_index,
            reduction=reduction,
            avg_factor=avg_factor)
