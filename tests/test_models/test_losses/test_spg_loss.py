import pytest
import torch
import torch.nn.functional as F

from mmspg.models import SPGLoss, spg_loss
from mmspg.registry import MODELS


def _mask(shape, p_ignore=0.5):
    m = (torch.rand(shape) > 0.5).float()
    m[torch.rand(shape) < p_ignore] = 255.
    return m


def test_value_equals_bce_over_kept_pixels():
    torch.manual_seed(0)
    logits = torch.randn(2, 1, 8, 8)
    mask = _mask(logits.shape)
    kept = mask != 255
    expected = F.binary_cross_entropy_with_logits(logits[kept], mask[kept])
    assert torch.allclose(spg_loss(logits, mask), expected)
    loss = MODELS.build(dict(type='SPGLoss', loss_weight=2.0))
    assert torch.allclose(loss(logits, mask), 2 * expected)
    assert torch.allclose(
        loss(logits, mask, reduction_override='sum'),
        2 * F.binary_cross_entropy_with_logits(
            logits[kept], mask[kept], reduction='sum'))


def test_ignored_pixels_get_zero_gradient():
    logits = torch.randn(2, 1, 8, 8, requires_grad=True)
    mask = _mask(logits.shape)
    SPGLoss()(logits, mask).backward()
    ignored = mask == 255
    assert torch.all(logits.grad[ignored] == 0)
    assert torch.all(logits.grad[~ignored] != 0)


def test_all_ignored_gives_zero_and_backward_works():
    logits = torch.randn(2, 1, 4, 4, requires_grad=True)
    mask = torch.full_like(logits, 255.)
    loss = SPGLoss()(logits, mask)
    assert loss.item() == 0 and not torch.isnan(loss)
    loss.backward()
    assert torch.all(logits.grad == 0)


def test_none_reduction_and_errors():
    logits = torch.randn(1, 1, 4, 4)
    mask = _mask(logits.shape)
    out = spg_loss(logits, mask, reduction='none')
    assert out.shape == logits.shape and torch.all(out[mask == 255] == 0)
    with pytest.raises(ValueError, match='shape'):
        spg_loss(logits, mask[..., :2])
    with pytest.raises(ValueError, match='reduction'):
        SPGLoss(reduction='avg')
