"""``loc_normalize``: the normalisation after the protocol's resize, through
``resize_loc_maps``, every CAM-type head and ``WSOLClassifier``.

Expected maps are built here from OpenCV and hand-written formulas of
GenDisc/IVR ``inference.py:82-115`` (independent of mmspg's normalisers).
"""
import cv2
import numpy as np
import pytest
import torch
from mmengine.registry import init_default_scope
from mmpretrain.structures import DataSample

from mmspg.models.utils import resize_loc_maps
from mmspg.models.utils.normalize import build_loc_normalizer
from mmspg.registry import MODELS, TASK_UTILS

C, H, W = 3, 21, 26  # not square: catches a swapped (W, H)


def _ivr(m, p=0.45):
    q = np.sort(m.ravel())[int(m.size * p)]
    m = np.maximum(m - q, 0)
    return m / m.max()


def _max(m):
    m = np.maximum(m, 0)
    return m / m.max()


def _cubic(raw):
    return cv2.resize(
        raw.astype(np.float64), (W, H), interpolation=cv2.INTER_CUBIC)


def _raw(n=2, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, C, 5, 6, generator=g) * 3 + 1


def _samples(labels):
    return [
        DataSample(metainfo=dict(img_shape=(H, W))).set_gt_label(int(lb))
        for lb in labels
    ]


@pytest.fixture(autouse=True)
def _scope():
    init_default_scope('mmspg')


def test_registered_in_task_utils_and_built_by_short_name():
    for name in ('MinMaxNorm', 'MaxNorm', 'PaSNorm', 'IVRNorm'):
        assert name in TASK_UTILS
    norm = build_loc_normalizer(dict(type='IVRNorm', percentile=0.3))
    assert type(norm).__name__ == 'IVRNorm' and norm.percentile == 0.3
    assert type(build_loc_normalizer('max')).__name__ == 'MaxNorm'
    with pytest.raises(ValueError, match='SPGHead: loc_normalize'):
        build_loc_normalizer('softmax', 'SPGHead: loc_normalize')


@pytest.mark.parametrize('name, formula', [('ivr', _ivr), ('max', _max)])
def test_bicubic_then_normalise(name, formula):
    raw = _raw()
    out = resize_loc_maps(raw, (H, W), 'bicubic', build_loc_normalizer(name))
    for i in range(2):
        for c in range(C):
            np.testing.assert_allclose(
                out[i, c].numpy(),
                formula(_cubic(raw[i, c].numpy())).astype(np.float32),
                rtol=0,
                atol=1e-6)


def test_minmax_normaliser_keeps_todays_maps():
    raw = _raw()
    for mode in ('bicubic', 'bilinear'):
        today = resize_loc_maps(raw, (H, W), mode)
        same = resize_loc_maps(raw, (H, W), mode, build_loc_normalizer(None))
        assert torch.equal(today, same)


def test_bilinear_protocol_normalises_the_raw_resized_map():
    raw = _raw()
    out = resize_loc_maps(raw, (H, W), 'bilinear', build_loc_normalizer('ivr'))
    m = cv2.resize(raw[1, 2].numpy(), (W, H), interpolation=cv2.INTER_LINEAR)
    np.testing.assert_allclose(
        out[1, 2].numpy(), _ivr(m.astype(np.float64)), rtol=0, atol=1e-6)


@pytest.mark.parametrize('head_type', ['CAMHead', 'SPGHead', 'ACoLHead'])
def test_every_cam_type_head_takes_it(head_type):
    extra = dict(
        in_channels=(4, 4, 4), mid_channels=4,
        guidance_channels=4) if head_type == 'SPGHead' else dict(
            in_channels=4, conv_channels=(4, ))
    head = MODELS.build(
        dict(type=head_type, num_classes=C, loc_normalize='ivr',
             **extra)).eval()
    assert type(head.loc_normalizer).__name__ == 'IVRNorm'
    # predict uses it: IVR (p = 0.45) zeroes at least 45 % of each map, a
    # min-max map has a single 0 here
    feats = tuple(torch.randn(2, 4, 6, 7) for _ in range(3))
    with torch.no_grad():
        out = head.predict(feats, _samples([0, 1]))
        head.loc_normalizer = build_loc_normalizer('minmax')
        plain = head.predict(feats, _samples([0, 1]))
    for ds, ref in zip(out, plain):
        for m, r in zip(ds.loc_maps, ref.loc_maps):
            assert float((m == 0).float().mean()) >= 0.45
            assert float(m.max()) == 1.0
            assert float((r == 0).float().mean()) < 0.45
    with pytest.raises(ValueError, match=f'{head_type}: loc_normalize'):
        MODELS.build(
            dict(type=head_type, num_classes=C, loc_normalize='l1', **extra))


def _identity_head(**kwargs):
    head = MODELS.build(
        dict(
            type='CAMHead', num_classes=C, in_channels=C, loc_topk=2,
            **kwargs)).eval()
    head.cls_conv.weight.data.copy_(torch.eye(C)[:, :, None, None])
    head.cls_conv.bias.data.zero_()
    return head


def test_cam_head_predict_with_ivr():
    raw = _raw()
    head = _identity_head(loc_normalize=dict(type='ivr', percentile=0.6))
    out = head.predict((raw, ), _samples([0, 2]))
    for i, ds in enumerate(out):
        for k, c in enumerate(ds.loc_labels.tolist()):
            np.testing.assert_allclose(
                ds.loc_maps[k].numpy(),
                _ivr(_cubic(raw[i, c].numpy()), 0.6),
                rtol=0,
                atol=1e-6)
        np.testing.assert_allclose(
            ds.gt_loc_map.numpy(),
            _ivr(_cubic(raw[i, int(ds.gt_label)].numpy()), 0.6),
            rtol=0,
            atol=1e-6)
    # and differs from the min-max maps (the option is used)
    plain = _identity_head().predict((raw, ), _samples([0, 2]))
    assert float((plain[0].gt_loc_map - out[0].gt_loc_map).abs().max()) > .1


def test_linear_classifier_max_map_has_no_bias():
    """'max' sees a shift: GenDisc/IVR's linear-classifier CAM is
    w_c . f without the bias (wsol/vgg.py:70-75)."""
    head = MODELS.build(
        dict(
            type='CAMHead',
            num_classes=2,
            in_channels=2,
            classifier='linear',
            loc_normalize='max',
            loc_topk=1)).eval()
    head.fc.weight.data = torch.tensor([[1., 0.], [0., 1.]])
    head.fc.bias.data = torch.tensor([5., 5.])
    feat = torch.tensor([[[[0., 1.], [2., 4.]], [[0., 0.], [0., 0.]]]])
    out = head.predict((feat, ), _samples([0])[:1], input_size=(2, 2))
    # no resize at the same size: max(f, 0) / max = f / 4, not (f + 5) / 9
    np.testing.assert_allclose(out[0].gt_loc_map.numpy(), [[0, .25], [.5, 1.]])


def test_wsol_classifier_overrides_the_heads_option():
    model = MODELS.build(
        dict(
            type='WSOLClassifier',
            backbone=dict(
                type='mmpretrain.ResNet',
                depth=18,
                base_channels=8,
                stem_channels=8,
                out_indices=(3, )),
            neck=None,
            head=dict(
                type='CAMHead',
                num_classes=C,
                in_channels=64,
                loc_normalize='pas'),
            loc_normalize=dict(type='ivr', percentile=0.3)))
    assert type(model.head.loc_normalizer).__name__ == 'IVRNorm'
    assert model.head.loc_normalizer.percentile == 0.3
    # None: the head's own
    model = MODELS.build(
        dict(
            type='WSOLClassifier',
            backbone=dict(
                type='mmpretrain.ResNet',
                depth=18,
                base_channels=8,
                stem_channels=8,
                out_indices=(3, )),
            neck=None,
            head=dict(
                type='CAMHead',
                num_classes=C,
                in_channels=64,
                loc_normalize='pas')))
    assert type(model.head.loc_normalizer).__name__ == 'PaSNorm'
    with pytest.raises(ValueError, match='model.loc_normalize'):
        MODELS.build(
            dict(
                type='WSOLClassifier',
                backbone=dict(
                    type='mmpretrain.ResNet',
                    depth=18,
                    base_channels=8,
                    stem_channels=8),
                neck=None,
                head=dict(type='CAMHead', num_classes=C, in_channels=64),
                loc_normalize='nope'))


def test_wsol_classifier_classification_head_cams():
    """An mmpretrain LinearClsHead's CAMs get the option too."""
    model = MODELS.build(
        dict(
            type='WSOLClassifier',
            backbone=dict(
                type='mmpretrain.ResNet',
                depth=18,
                base_channels=8,
                stem_channels=8),
            neck=dict(type='GlobalAveragePooling'),
            head=dict(type='LinearClsHead', num_classes=C, in_channels=64),
            loc_normalize='ivr')).eval()
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        out = model.predict(x, [DataSample().set_gt_label(1)])
        feat = model.backbone(x)[-1]
        cams = model.class_activation_maps(feat)
    expected = _ivr(
        cv2.resize(
            cams[0, 1].double().numpy(), (64, 64),
            interpolation=cv2.INTER_CUBIC))
    np.testing.assert_allclose(
        out[0].gt_loc_map.numpy(), expected, rtol=0, atol=1e-5)
