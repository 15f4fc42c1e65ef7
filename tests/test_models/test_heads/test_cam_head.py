import pytest
import torch
import torch.nn.functional as F
from mmpretrain.structures import DataSample

from mmspg.models import CAMHead
from mmspg.registry import MODELS

C = 5


def _samples(labels, img_shape=(16, 16)):
    return [
        DataSample(metainfo=dict(img_shape=img_shape)).set_gt_label(int(lb))
        for lb in labels
    ]


def _build(**kwargs):
    cfg = dict(type='CAMHead', num_classes=C, in_channels=8, **kwargs)
    head = MODELS.build(cfg)
    head.init_weights()
    return head


@pytest.mark.parametrize('classifier', ['conv', 'linear'])
def test_logits_are_gap_of_cams(classifier):
    head = _build(conv_channels=(6, ), classifier=classifier).eval()
    feats = (torch.rand(2, 3, 4, 4), torch.rand(2, 8, 4, 4))
    cams, x = head.forward_cams(feats)
    assert cams.shape == (2, C, 4, 4) and x.shape == (2, 6, 4, 4)
    torch.testing.assert_close(head(feats), cams.mean(dim=(2, 3)))


def test_linear_and_conv_classifier_are_the_same_function():
    conv = _build(classifier='conv').eval()
    lin = _build(classifier='linear').eval()
    lin.fc.weight.data.copy_(conv.cls_conv.weight.data[:, :, 0, 0])
    lin.fc.bias.data.copy_(conv.cls_conv.bias.data)
    feats = (torch.randn(3, 8, 5, 5), )
    torch.testing.assert_close(lin(feats), conv(feats))
    torch.testing.assert_close(
        lin.forward_cams(feats)[0],
        conv.forward_cams(feats)[0])


def test_predict_fills_interface_fields_with_known_maps():
    head = _build(classifier='conv', loc_topk=2).eval()
    # identity-like classifier: class c's CAM is input channel c
    head.cls_conv.weight.data.zero_()
    head.cls_conv.bias.data.zero_()
    for c in range(C):
        head.cls_conv.weight.data[c, c] = 1.0
    feat = torch.zeros(1, 8, 4, 4)
    feat[0, 3, 1, 2] = 10.0  # class 3: strongest, one hot pixel
    feat[0, 1] = 0.5  # class 1: constant map -> all zeros, never NaN
    ds = head.predict((feat, ), _samples([1]), input_size=(4, 4))[0]
    assert ds.pred_label.tolist() == [3]
    assert ds.loc_labels.tolist() == [3, 1]
    assert ds.loc_maps.shape == (2, 4, 4)
    assert ds.loc_maps.dtype == torch.float32
    expected = torch.zeros(4, 4)
    expected[1, 2] = 1.0
    torch.testing.assert_close(ds.loc_maps[0], expected)
    assert torch.count_nonzero(ds.loc_maps[1]) == 0
    assert torch.count_nonzero(ds.gt_loc_map) == 0  # class 1
    torch.testing.assert_close(ds.pred_score.sum(), torch.tensor(1.0))
    # upsampled to img_shape of the samples when no size is given
    ds = head.predict((feat, ), _samples([3], img_shape=(12, 8)))[0]
    assert ds.loc_maps.shape == (2, 12, 8) and ds.gt_loc_map.shape == (12, 8)
    gt_map = ds.gt_loc_map.detach()
    assert float(gt_map.min()) == 0 and float(gt_map.max()) == 1
    # without annotations: no gt_loc_map
    ds = head.predict((feat, ))[0]
    assert 'gt_loc_map' not in ds and ds.loc_maps.shape == (2, 4, 4)


def test_loss_uses_gt_score_of_batch_augments():
    head = _build()
    feats = (torch.randn(2, 8, 4, 4), )
    hard = _samples([0, 2])
    soft = _samples([0, 2])
    for ds, (a, b, lam) in zip(soft, [(0, 1, 0.25), (2, 4, 0.5)]):
        score = torch.zeros(C)
        score[a] += lam
        score[b] += 1 - lam
        ds.set_gt_score(score)
    logits = head(feats)
    loss_hard = head.loss(feats, hard)['loss']
    loss_soft = head.loss(feats, soft)['loss']
    torch.testing.assert_close(loss_hard,
                               F.cross_entropy(logits, torch.tensor([0, 2])))
    # mixed target: lam * CE(a) + (1 - lam) * CE(b), the benchmark's
    # CutMix loss (main.py:172-173)
    logp = F.log_softmax(logits, dim=1)
    expected = -(0.25 * logp[0, 0] + 0.75 * logp[0, 1] + 0.5 * logp[1, 2] +
                 0.5 * logp[1, 4]) / 2
    torch.testing.assert_close(loss_soft, expected)


def test_spg_plain_is_cam_head_with_spg_a_convs():
    """SPG-plain (SPGHead without B/C) = CAMHead(conv_channels=(m, m),
    dropout 0.5, 1x1 conv classifier): SPGHead inherits it, so the same
    state dict loads into both and gives the same logits and maps."""
    spg = MODELS.build(
        dict(
            type='SPGHead',
            num_classes=C,
            in_channels=(4, 4, 8),
            mid_channels=6,
            with_spg_b=False,
            with_spg_c=False)).eval()
    assert isinstance(spg, CAMHead)
    cam = _build(conv_channels=(6, 6), dropout_ratio=0.5).eval()
    cam.load_state_dict(spg.state_dict(), strict=True)
    feats = (torch.rand(2, 4, 4, 4), torch.rand(2, 4, 4,
                                                4), torch.rand(2, 8, 4, 4))
    torch.testing.assert_close(cam(feats), spg(feats))
    a = cam.predict(feats, _samples([1, 2]), input_size=(8, 8))
    b = spg.predict(feats, _samples([1, 2]), input_size=(8, 8))
    for x, y in zip(a, b):
        torch.testing.assert_close(x.gt_loc_map, y.gt_loc_map)
        torch.testing.assert_close(x.loc_maps, y.loc_maps)
        torch.testing.assert_close(x.pred_score, y.pred_score)


def test_plugin_runs_after_the_convs():
    head = _build(conv_channels=(6, ), plugin=dict(type='ADL', drop_rate=1.0))
    assert type(head.plugin).__name__ == 'ADL'
    head.train()
    feats = (torch.rand(2, 8, 4, 4), )
    _, x = head.forward_cams(feats)
    # drop_rate 1: the drop mask zeroes the most active pixel of each image
    assert (x.mean(1).flatten(1) == 0).any(dim=1).all()


@pytest.mark.parametrize('kwargs, key', [
    (dict(in_channels=0), 'in_channels'),
    (dict(conv_channels=(4, -1)), 'conv_channels[1]'),
    (dict(dropout_ratio=1.0), 'dropout_ratio'),
    (dict(classifier='mlp'), 'classifier'),
    (dict(loc_topk=0), 'loc_topk'),
    (dict(conv_kernel_size=2), 'conv_kernel_size'),
])
def test_bad_args_name_the_key(kwargs, key):
    cfg = dict(num_classes=C, in_channels=8)
    cfg.update(kwargs)
    with pytest.raises(ValueError, match=key.replace('[', r'\[')):
        CAMHead(**cfg)


def test_wrong_channels_is_a_clear_error():
    head = _build()
    with pytest.raises(ValueError, match='in_channels=8'):
        head((torch.rand(1, 7, 4, 4), ))
    with pytest.raises(ValueError, match='in_index'):
        _build(in_index=3)((torch.rand(1, 8, 4, 4), ))


def test_predict_records_whether_raw_maps_were_finite():
    # normalisation turns a NaN map into zeros; the flag is taken before
    head = _build(classifier='conv', loc_topk=2).eval()
    feat = torch.rand(3, 8, 4, 4)
    feat[1, :, 0, 0] = float('nan')
    feat[2, :, 1, 1] = float('inf')
    samples = head.predict((feat, ), _samples([0, 1, 2]), input_size=(4, 4))
    assert [s.raw_maps_finite for s in samples] == [True, False, False]
    assert torch.isfinite(samples[1].gt_loc_map).all()  # zeros: hidden
