"""SPGHead inside mmpretrain's conventions: ``loc_topk`` (not ClsHead's
``topk``), mistyped keys named, and batch augments (Mixup/CutMix) through
``gt_score`` with the exact loss and seeds they must give."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmpretrain.models.utils.batch_augments import Mixup
from mmpretrain.structures import DataSample

from mmspg.models import SPGHead
from mmspg.models.utils import minmax_normalize
from mmspg.registry import MODELS

NUM_CLASSES = 4
SMALL = dict(
    type='SPGHead',
    num_classes=NUM_CLASSES,
    in_channels=(8, 12, 16),
    mid_channels=16,
    guidance_channels=8,
    mask_size=32,
    dropout_ratio=0.0)


def _build(**kwargs):
    head = MODELS.build(dict(SMALL, **kwargs))
    head.init_weights()
    return head


def _feats(n=4):
    torch.manual_seed(1)
    return (torch.rand(n, 8, 16, 16), torch.rand(n, 12, 8,
                                                 8), torch.rand(n, 16, 8, 8))


def test_accuracy_topk_tuple_is_clsheads():
    head = _build(topk=(1, 2), cal_acc=True, loc_topk=2)
    assert head.topk == (1, 2) and head.loc_topk == 2
    samples = [DataSample().set_gt_label(i % NUM_CLASSES) for i in range(4)]
    losses = head.loss(_feats(), samples)
    assert {'accuracy_top-1', 'accuracy_top-2'} <= set(losses)
    out = head.predict(_feats())
    assert out[0].loc_maps.shape[0] == 2


def test_mistyped_key_names_spghead_and_key():
    with pytest.raises(TypeError) as err:
        _build(mid_channel=16)
    msg = str(err.value)
    assert msg.startswith('SPGHead: unknown argument(s): model.head.'
                          'mid_channel')
    assert "did you mean 'mid_channels'" in msg
    assert 'ClsHead' not in msg


def _mixed_samples(monkeypatch, n=4, lam=0.7):
    """Samples after mmpretrain's own Mixup with a fixed lambda."""
    samples = [DataSample().set_gt_label(i % NUM_CLASSES) for i in range(n)]
    labels = F.one_hot(
        torch.tensor([i % NUM_CLASSES for i in range(n)]), NUM_CLASSES)
    torch.manual_seed(0)
    # Mixup draws lambda from Beta(alpha, alpha): a constant instead
    monkeypatch.setattr(np.random, 'beta', lambda a, b: lam)
    _, mixed = Mixup(alpha=1.0)(torch.rand(n, 3, 8, 8), labels.float())
    for s, score in zip(samples, mixed):
        s.set_gt_score(score)
    return samples, mixed


def test_mixup_loss_is_soft_cross_entropy_on_gt_score(monkeypatch):
    head = _build(loss=dict(type='CrossEntropyLoss', use_soft=True))
    samples, mixed = _mixed_samples(monkeypatch)
    assert not torch.equal(mixed, mixed.round())  # really mixed
    feats = _feats()
    losses = head.loss(feats, samples)
    cls_score = head(feats)
    expected = -(mixed * F.log_softmax(cls_score, dim=1)).sum(1).mean()
    assert losses['loss_cls'].item() == pytest.approx(
        expected.item(), rel=1e-6)
    hard = -F.log_softmax(
        cls_score, dim=1)[torch.arange(4),
                          torch.arange(4) % NUM_CLASSES].mean()
    assert abs(losses['loss_cls'].item() - hard.item()) > 1e-4


def test_mixup_seeds_come_from_the_mixed_cams(monkeypatch):
    """Seeds on a mixed image: the label-weighted sum of CAMs (our choice,
    documented in SPGHead); a one-hot score gives the paper's single CAM."""
    head = _build().eval()
    samples, mixed = _mixed_samples(monkeypatch)
    feats = _feats()
    out = head.forward_guidance(feats, mixed)
    cams = out['cams'].detach()
    expected = minmax_normalize(
        F.interpolate(
            (mixed[:, :, None, None] * cams).sum(1, keepdim=True),
            size=(32, 32),
            mode='bilinear',
            align_corners=False))
    torch.testing.assert_close(out['attention'], expected)

    hard = torch.arange(4) % NUM_CLASSES
    by_index = head.forward_guidance(feats, hard)['attention']
    by_onehot = head.forward_guidance(
        feats,
        F.one_hot(hard, NUM_CLASSES).float())['attention']
    torch.testing.assert_close(by_index, by_onehot)
    # the loss path uses gt_score for the seeds too
    assert isinstance(head, SPGHead)
    got = head._gt_labels(samples)
    torch.testing.assert_close(got, mixed)
