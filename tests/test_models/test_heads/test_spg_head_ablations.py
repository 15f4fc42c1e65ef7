"""The ablation switches of SPGHead (share_b_layers, initial_seeds)."""
import pytest
import torch
from mmpretrain.structures import DataSample

from mmspg.models import SeedMaskGenerator, SPGHead
from mmspg.registry import MODELS

SMALL = dict(
    type='SPGHead',
    num_classes=5,
    in_channels=(8, 12, 16),
    mid_channels=16,
    guidance_channels=8,
    mask_size=32,
    dropout_ratio=0.0)


def _build(**kwargs):
    head = MODELS.build(dict(SMALL, **kwargs))
    assert isinstance(head, SPGHead)
    head.init_weights()
    return head


def _feats(n=2, seed=0):
    g = torch.Generator().manual_seed(seed)
    return (torch.rand(n, 8, 16, 16,
                       generator=g), torch.rand(n, 12, 8, 8, generator=g),
            torch.rand(n, 16, 8, 8, generator=g))


def _samples(labels):
    return [DataSample().set_gt_label(int(lb)) for lb in labels]


def _grad_norm(head, prefix):
    grads = [
        p.grad.abs().sum() for n, p in head.named_parameters()
        if n.startswith(prefix) and p.grad is not None
    ]
    return float(sum(grads)) if grads else 0.0


def test_shared_b_layers_get_both_branch_gradients():
    torch.manual_seed(0)
    head = _build()
    names = {n.split('.')[0] for n, _ in head.named_parameters()}
    assert 'spg_b_shared' in names
    assert not names & {'spg_b1_top', 'spg_b2_top'}
    # B1's loss alone reaches the shared layers (official side_all is used
    # by both side3 and side4).
    head.loss(_feats(), _samples([0, 3]))['loss_b1'].backward()
    assert _grad_norm(head, 'spg_b_shared') > 0
    assert _grad_norm(head, 'spg_b2_conv') == 0


def test_unshared_b_layers_are_separate_modules():
    torch.manual_seed(0)
    head = _build(share_b_layers=False)
    names = {n.split('.')[0] for n, _ in head.named_parameters()}
    assert {'spg_b1_top', 'spg_b2_top'} <= names
    assert 'spg_b_shared' not in names
    # Each branch has as many parameters as the shared block.
    shared = _build()
    n_shared = sum(p.numel() for p in shared.spg_b_shared.parameters())
    assert sum(p.numel() for p in head.spg_b1_top.parameters()) == n_shared
    assert sum(p.numel() for p in head.spg_b2_top.parameters()) == n_shared
    # B1's loss reaches B1's top layers only.
    head.loss(_feats(), _samples([0, 3]))['loss_b1'].backward()
    assert _grad_norm(head, 'spg_b1_top') > 0
    assert _grad_norm(head, 'spg_b2_top') == 0
    # B2's output does not depend on B1's top layers.
    feats = _feats()
    before = head.forward_guidance(feats, torch.tensor([0, 3]))
    with torch.no_grad():
        head.spg_b1_top[1].weight.add_(1.0)
    after = head.forward_guidance(feats, torch.tensor([0, 3]))
    assert torch.equal(before['b2'], after['b2'])
    assert not torch.equal(before['b1'], after['b1'])


def test_initial_seeds_off_b2_learns_from_its_own_output():
    torch.manual_seed(0)
    head = _build(initial_seeds=False).eval()
    feats = _feats()
    labels = torch.tensor([1, 4])
    out = head.forward_guidance(feats, labels)
    assert torch.equal(out['seed_b2'],
                       SeedMaskGenerator(0.7, 0.05)(out['b2'].sigmoid()))
    # No dependence on SPG-A: changing the classifier changes the attention
    # but not B2's seeds.
    with torch.no_grad():
        head.cls_conv.weight.mul_(-3.0)
    out2 = head.forward_guidance(feats, labels)
    assert not torch.equal(out['attention'], out2['attention'])
    assert torch.equal(out['seed_b2'], out2['seed_b2'])
    # The default (initial seeds on) does depend on it.
    torch.manual_seed(0)
    ref = _build().eval()
    ref_out = ref.forward_guidance(feats, labels)
    assert torch.equal(ref_out['seed_b2'],
                       SeedMaskGenerator(0.7, 0.05)(ref_out['attention']))


def test_initial_seeds_off_keeps_attention_for_c_without_b():
    head = _build(initial_seeds=False, with_spg_b=False).eval()
    out = head.forward_guidance(_feats(), torch.tensor([0, 1]))
    assert torch.equal(out['seed_c'],
                       SeedMaskGenerator(0.7, 0.1)(out['attention']))


@pytest.mark.parametrize(
    'key', ['share_b_layers', 'initial_seeds', 'with_spg_b', 'with_spg_c'])
def test_switches_must_be_bools(key):
    with pytest.raises(ValueError, match=key):
        _build(**{key: 'no'})
