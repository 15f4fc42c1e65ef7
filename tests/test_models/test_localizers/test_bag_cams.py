"""BagCAMs (zh460045050/BagCAMs ``libs/cams/bagcams.py``) on cases
computed by hand, and as ``model.test_localizer`` of a WSOLClassifier."""
import pytest
import torch
import torch.nn as nn
from mmengine.registry import init_default_scope
from mmpretrain.structures import DataSample

from mmspg.models.localizers import BagCAMs, bag_cams_map
from mmspg.models.utils import resize_loc_maps
from mmspg.registry import MODELS


@pytest.fixture(autouse=True)
def _scope():
    init_default_scope('mmspg')


class Tiny(nn.Module):
    """stem (identity 1x1 conv: F = input) -> act -> CAMHead (1x1 conv)."""

    def __init__(self, act: nn.Module):
        super().__init__()
        self.stem = nn.Conv2d(2, 2, 1, bias=False)
        self.stem.weight.data = torch.eye(2)[:, :, None, None]
        self.act = act
        self.head = MODELS.build(
            dict(type='CAMHead', num_classes=2, in_channels=2)).eval()
        # class 0: w = (1, -1), b = 0.5
        self.head.cls_conv.weight.data = torch.tensor([[1., -1.],
                                                       [0., 1.]])[:, :, None,
                                                                  None]
        self.head.cls_conv.bias.data = torch.tensor([0.5, 0.])

    def extract_feat(self, x):
        return (self.act(self.stem(x)), )


def _map(model, feat):
    logits, maps_of = BagCAMs(layer='stem').localize(model, feat)
    return logits, maps_of(torch.tensor([[0]]))[0, 0, 0]


def test_hand_checked_case():
    """F = [[1, 3], [2, 0]] (channel x position), h = 1, w = 2.

    CAM of class 0 = F0 - F1 + 0.5 = (-0.5, 3.5), l = 1.5;
    G = d log(l) / dF = w / (h w l) = (1/3, -1/3) at both positions;
    G F: ch0 (1/3, 1), ch1 (-2/3, 0); mean(G F + 1): ch0 5/3, ch1 2/3;
    sum_ch relu(mean * G F) = (5/9 + 0, 5/3 + 0).
    """
    feat = torch.tensor([[[[1., 3.]], [[2., 0.]]]])
    logits, m = _map(Tiny(nn.Identity()), feat)
    torch.testing.assert_close(logits[0, 0], torch.tensor(1.5))
    torch.testing.assert_close(m, torch.tensor([5 / 9, 5 / 3]))


def test_gradient_is_rectified_at_relus():
    """F = [[1, 3], [2, 4]] (all > 0: the ReLU passes it), CAM of class 0 =
    (-0.5, -0.5), l = -0.5 (log NaN, gradient 1/l finite), G = w / (2 l) =
    (-1, 1). Rectified at the ReLU: G = (0, 1), so ch1 alone:
    G F = (2, 4), mean + 1 = 4, map = (8, 16). Without the rectification
    ch0 would add relu(-1 * (-1, -3)) = (1, 3): (9, 19)."""
    feat = torch.tensor([[[[1., 3.]], [[2., 4.]]]])
    _, m = _map(Tiny(nn.ReLU(inplace=True)), feat)
    torch.testing.assert_close(m, torch.tensor([8., 16.]))
    _, m = _map(Tiny(nn.Identity()), feat)
    torch.testing.assert_close(m, torch.tensor([9., 19.]))


def test_map_formula_matches_the_reference_op_order():
    g = torch.tensor([[[[0.5, -1.]], [[2., 0.]]]])
    f = torch.tensor([[[[2., 1.]], [[-1., 3.]]]])
    # G F: ch0 (1, -1), ch1 (-2, 0); mean(G F + 1): ch0 1, ch1 0
    torch.testing.assert_close(bag_cams_map(g, f), torch.tensor([[[1., 0.]]]))


def _model(**kwargs):
    torch.manual_seed(0)
    model = MODELS.build(
        dict(
            type='WSOLClassifier',
            backbone=dict(
                type='mmpretrain.ResNet',
                depth=18,
                base_channels=8,
                stem_channels=8,
                out_indices=(3, ),
                strides=(1, 2, 2, 1)),
            neck=None,
            head=dict(
                type='CAMHead',
                num_classes=4,
                in_channels=64,
                conv_channels=(16, ),
                loc_topk=2),
            **kwargs))
    return model.eval()


def test_as_test_localizer_under_no_grad():
    model = _model(
        test_localizer=dict(type='BagCAMs', layer='backbone.layer3'))
    plain = _model()
    x = torch.randn(2, 3, 32, 40)
    samples = [DataSample().set_gt_label(i) for i in (1, 3)]
    with torch.no_grad():  # as mmengine's test loop
        out = model.predict(x, samples)
        ref = plain.predict(x, [DataSample().set_gt_label(i) for i in (1, 3)])
    for ds, r in zip(out, ref):
        # the model's own classification, BagCAMs' maps
        torch.testing.assert_close(ds.pred_score, r.pred_score)
        assert ds.loc_maps.shape == (2, 32, 40)
        assert 0 <= float(ds.gt_loc_map.min())
        assert float(ds.gt_loc_map.max()) == 1.0
        assert float((ds.gt_loc_map - r.gt_loc_map).abs().max()) > 1e-2
    # no gradient left on the weights, and the weights are unchanged
    assert all(p.grad is None for p in model.parameters())
    # the ground truth's map is BagCAMs' raw map through the protocol
    _, maps_of = model.test_localizer.localize(model, x)
    raw = maps_of(torch.tensor([[1], [3]]))
    assert raw.shape == (2, 1, 2, 3)  # layer3's resolution
    expected = resize_loc_maps(raw, (32, 40), 'bicubic')
    for i, ds in enumerate(out):
        torch.testing.assert_close(ds.gt_loc_map, expected[i, 0])


def test_bad_layer_is_named():
    with pytest.raises(ValueError, match="layer='backbone.layer9'"):
        model = _model(
            test_localizer=dict(type='BagCAMs', layer='backbone.layer9'))
        model.predict(torch.randn(1, 3, 32, 32))
    with pytest.raises(ValueError, match='layer must be a module name'):
        BagCAMs(layer='')


def test_on_an_spg_head_and_a_classification_head():
    """Any WSOLClassifier: SPGHead (localize) and an mmpretrain
    LinearClsHead (head(feats))."""
    torch.manual_seed(0)
    spg = MODELS.build(
        dict(
            type='WSOLClassifier',
            backbone=dict(
                type='mmpretrain.ResNet',
                depth=18,
                base_channels=8,
                stem_channels=8,
                out_indices=(1, 2, 3),
                strides=(1, 2, 1, 1)),
            neck=None,
            head=dict(
                type='SPGHead',
                num_classes=3,
                in_channels=(16, 32, 64),
                mid_channels=8,
                guidance_channels=8,
                mask_size=32,
                loc_topk=2),
            test_localizer=dict(type='BagCAMs',
                                layer='backbone.layer3'))).eval()
    cls = MODELS.build(
        dict(
            type='WSOLClassifier',
            backbone=dict(
                type='mmpretrain.ResNet',
                depth=18,
                base_channels=8,
                stem_channels=8),
            neck=dict(type='GlobalAveragePooling'),
            head=dict(type='LinearClsHead', num_classes=3, in_channels=64),
            loc_topk=2,
            test_localizer=dict(type='BagCAMs',
                                layer='backbone.layer3'))).eval()
    x = torch.randn(2, 3, 32, 32)
    for model in (spg, cls):
        with torch.no_grad():
            out = model.predict(x, [DataSample().set_gt_label(2)] * 1 +
                                [DataSample().set_gt_label(0)])
        _, maps_of = model.test_localizer.localize(model, x)
        raw = maps_of(torch.tensor([[2], [0]]))
        expected = resize_loc_maps(raw, (32, 32), 'bicubic')
        for i, ds in enumerate(out):
            assert ds.loc_maps.shape == (2, 32, 32)
            torch.testing.assert_close(ds.gt_loc_map, expected[i, 0])
