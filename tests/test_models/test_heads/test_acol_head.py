import pytest
import torch
import torch.nn.functional as F
from mmpretrain.structures import DataSample

from mmspg.models import ACoLHead, acol_erase
from mmspg.registry import MODELS

C = 4


def _samples(labels):
    return [DataSample().set_gt_label(int(lb)) for lb in labels]


def _identity_head(**kwargs):
    """No convs; branch A's CAM of class c is input channel c, branch B's
    is 2 x channel c (so every output is known by hand)."""
    head = MODELS.build(
        dict(
            type='ACoLHead',
            num_classes=C,
            in_channels=C,
            conv_channels=(),
            **kwargs)).eval()
    eye = torch.eye(C)[:, :, None, None]
    head.cls_conv.weight.data.copy_(eye)
    head.cls_conv.bias.data.zero_()
    head.cls_conv_b.weight.data.copy_(2 * eye)
    head.cls_conv_b.bias.data.zero_()
    return head


def test_erase_at_threshold_is_inclusive():
    feat = torch.ones(1, 2, 1, 3)
    attention = torch.tensor([[[[0.69, 0.7, 0.71]]]])
    out = acol_erase(feat, attention, 0.7)
    # >= threshold erased (benchmark acol.py:35 torch.ge)
    assert out[0, :, 0].tolist() == [[1, 0, 0], [1, 0, 0]]


def test_branch_b_sees_features_erased_by_the_label_attention():
    head = _identity_head(erase_threshold=0.5)
    feat = torch.zeros(1, C, 2, 2)
    # class 1's map: normalised -> [[0, 0.25], [0.5, 1]]
    feat[0, 1] = torch.tensor([[0., 1.], [2., 4.]])
    feat[0, 2] = torch.tensor([[3., 0.], [0., 0.]])
    out = head.forward_acol((feat, ), torch.tensor([1]))
    torch.testing.assert_close(out['attention'][0, 0],
                               torch.tensor([[0., 0.25], [0.5, 1.]]))
    keep = torch.tensor([[1., 1.], [0., 0.]])
    torch.testing.assert_close(out['erased'][0], feat[0] * keep)
    torch.testing.assert_close(out['cams_b'][0], 2 * feat[0] * keep)
    torch.testing.assert_close(out['logits_a'], feat.mean(dim=(2, 3)))


def test_loss_is_ce_of_both_branches():
    head = _identity_head()
    feat = torch.randn(3, C, 4, 4)
    labels = [0, 3, 1]
    out = head.forward_acol((feat, ), torch.tensor(labels))
    losses = head.loss((feat, ), _samples(labels))
    target = torch.tensor(labels)
    torch.testing.assert_close(losses['loss_a'],
                               F.cross_entropy(out['logits_a'], target))
    torch.testing.assert_close(losses['loss_b'],
                               F.cross_entropy(out['logits_b'], target))


def test_test_map_is_max_of_normalised_branches_erased_per_class():
    head = _identity_head(erase_threshold=0.5, loc_topk=2)
    feat = torch.zeros(1, C, 1, 4)
    feat[0, 0] = torch.tensor([[0., 1., 2., 4.]])  # top-1 (mean 1.75)
    feat[0, 3] = torch.tensor([[4., 0., 0., 2.]])  # top-2 (mean 1.5)
    ds = head.predict((feat, ), _samples([3]), input_size=(1, 4))[0]
    assert ds.loc_labels.tolist() == [0, 3]
    # class 0: A = [0, .25, .5, 1]; erased where A >= .5 -> B's map of
    # class 0 = 2 * [0, 1, 0, 0] -> normalised [0, 1, 0, 0]; max(A, B)
    torch.testing.assert_close(ds.loc_maps[0, 0],
                               torch.tensor([0., 1., .5, 1.]))
    # class 3: A = [1, 0, 0, .5]; erased at 0 and 3 -> B all zero -> zeros
    torch.testing.assert_close(ds.loc_maps[1, 0],
                               torch.tensor([1., 0., 0., .5]))
    torch.testing.assert_close(ds.gt_loc_map, ds.loc_maps[1])
    # classification: branch A
    torch.testing.assert_close(ds.pred_score,
                               F.softmax(feat.mean(dim=(2, 3))[0], 0))


def test_pre_pool_smooths_the_input():
    head = _identity_head(pre_pool=True)
    feat = torch.zeros(1, C, 3, 3)
    feat[0, 0, 1, 1] = 9.0
    cams = head.forward_acol((feat, ))['cams_a']
    torch.testing.assert_close(cams[0, 0], torch.ones(3, 3))


@pytest.mark.parametrize('kwargs, key', [
    (dict(erase_threshold=1.5), 'erase_threshold'),
    (dict(classifier='linear'), 'classifier'),
])
def test_bad_args(kwargs, key):
    with pytest.raises(ValueError, match=key):
        ACoLHead(num_classes=C, in_channels=C, **kwargs)
