"""Test-time maps are resized as each protocol's source resizes them.

WSOL benchmark (``loc_resize='bicubic'``, clovaai/wsolevaluation
``inference.py:84-88``): ``cv2.resize(raw_cam, (W, H), INTER_CUBIC)`` of the
float64 raw map, then min-max. Official SPG code (``loc_resize='bilinear'``,
xiaomengyc/SPG ``get_localization_maps`` + ``utils/save_atten.py``):
min-max at feature resolution, ``cv2.resize`` INTER_LINEAR in float32,
min-max. The expected maps below are computed with OpenCV from hand-made
CAMs, independently of mmspg's code path.
"""
import cv2
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmpretrain.structures import DataSample

from mmspg.models.utils import (LOC_RESIZE_MODES, minmax_normalize,
                                resize_loc_maps)
from mmspg.registry import MODELS

C = 4
H, W = 45, 61  # not square: catches a swapped (W, H)


def _minmax(m):
    m = m - m.min()
    return m / m.max()


def benchmark_map(raw: np.ndarray, size=(H, W)) -> np.ndarray:
    """The WSOL benchmark's map of a raw (h, w) CAM."""
    cam = cv2.resize(
        raw.astype(np.float64), (size[1], size[0]),
        interpolation=cv2.INTER_CUBIC)
    return _minmax(cam)


def official_map(raw: np.ndarray, size=(H, W)) -> np.ndarray:
    """The official SPG code's map of a raw (h, w) CAM."""
    m = _minmax(raw.astype(np.float32))
    m = cv2.resize(m, (size[1], size[0]))
    return _minmax(m)


def _hand_made_cams(n=2, h=7, w=9, seed=0):
    """(n, C, h, w) CAMs: Gaussian blobs at different places plus noise, in
    an arbitrary range (negative values too), so the resize matters."""
    g = torch.Generator().manual_seed(seed)
    ys = torch.arange(h, dtype=torch.float32)[:, None]
    xs = torch.arange(w, dtype=torch.float32)[None, :]
    cams = torch.empty(n, C, h, w)
    for i in range(n):
        for c in range(C):
            cy, cx = (i + c) % h, (3 * c + i) % w
            blob = torch.exp(-((ys - cy)**2 + (xs - cx)**2) / 4.0)
            cams[i, c] = 5 * (c + 1) * blob - 2 + torch.rand(h, w, generator=g)
    return cams


def _samples(labels, img_shape=(H, W)):
    return [
        DataSample(metainfo=dict(img_shape=img_shape)).set_gt_label(int(lb))
        for lb in labels
    ]


def _check(samples, raw_maps_of, to_map):
    """Every ``loc_maps`` / ``gt_loc_map`` equals ``to_map`` of its raw map.

    ``raw_maps_of(i, c)`` gives the raw (h, w) map of class c, image i."""
    for i, ds in enumerate(samples):
        assert ds.loc_maps.shape == (len(ds.loc_labels), H, W)
        for k, c in enumerate(ds.loc_labels.tolist()):
            np.testing.assert_allclose(
                ds.loc_maps[k].numpy(),
                to_map(raw_maps_of(i, c)).astype(np.float32),
                rtol=0,
                atol=1e-6)
        gt = int(ds.gt_label)
        np.testing.assert_allclose(
            ds.gt_loc_map.numpy(),
            to_map(raw_maps_of(i, gt)).astype(np.float32),
            rtol=0,
            atol=1e-6)


def _identity_cam_head(**kwargs):
    """CAMHead whose class c CAM is input channel c (so the raw CAM is the
    hand-made input)."""
    head = MODELS.build(
        dict(
            type='CAMHead', num_classes=C, in_channels=C, loc_topk=3,
            **kwargs)).eval()
    head.cls_conv.weight.data.copy_(torch.eye(C)[:, :, None, None])
    head.cls_conv.bias.data.zero_()
    return head


@pytest.mark.parametrize('mode, to_map', [('bicubic', benchmark_map),
                                          ('bilinear', official_map)])
def test_resize_loc_maps_is_the_source_resize(mode, to_map):
    cams = _hand_made_cams()
    out = resize_loc_maps(cams, (H, W), mode)
    assert out.shape == (2, C, H, W) and out.dtype == torch.float32
    for i in range(2):
        for c in range(C):
            np.testing.assert_allclose(
                out[i, c].numpy(),
                to_map(cams[i, c].numpy()).astype(np.float32),
                rtol=0,
                atol=1e-6)


def test_benchmark_resize_is_not_the_old_bilinear_upsampling():
    """The pin above would fail with the torch bilinear path the heads used
    before: on these CAMs the two differ by far more than the tolerance."""
    cams = _hand_made_cams()
    old = minmax_normalize(
        F.interpolate(cams, (H, W), mode='bilinear', align_corners=False))
    new = resize_loc_maps(cams, (H, W), 'bicubic')
    assert float((old - new).abs().max()) > 1e-2


def test_constant_map_gives_zeros_in_both_modes():
    cams = torch.full((1, 1, 5, 5), 3.0)
    for mode in LOC_RESIZE_MODES:
        out = resize_loc_maps(cams, (H, W), mode)
        assert torch.count_nonzero(out) == 0


@pytest.mark.parametrize('mode, to_map', [('bicubic', benchmark_map),
                                          ('bilinear', official_map)])
def test_cam_head(mode, to_map):
    cams = _hand_made_cams()
    head = _identity_cam_head(loc_resize=mode)
    out = head.predict((cams, ), _samples([0, 2]))
    _check(out, lambda i, c: cams[i, c].numpy(), to_map)


def test_cam_head_defaults_to_the_benchmark_resize():
    assert _identity_cam_head().loc_resize == 'bicubic'


def test_adl_head():
    """CAMHead with the benchmark's ADL plugin (identity at test time)."""
    cams = _hand_made_cams(seed=1)
    head = _identity_cam_head(
        plugin=dict(type='ADL', drop_rate=0.75, threshold_ratio=0.9))
    assert type(head.plugin).__name__ == 'ADL'
    out = head.predict((cams, ), _samples([1, 3]))
    _check(out, lambda i, c: cams[i, c].numpy(), benchmark_map)


def test_acol_head():
    """ACoL's raw test map is max(norm A, norm B) at feature resolution
    (benchmark wsol/inception.py:283-290); the resize comes after it."""
    feat = _hand_made_cams(seed=2)
    head = MODELS.build(
        dict(
            type='ACoLHead',
            num_classes=C,
            in_channels=C,
            conv_channels=(),
            loc_topk=3)).eval()
    eye = torch.eye(C)[:, :, None, None]
    head.cls_conv.weight.data.copy_(eye)
    head.cls_conv.bias.data.zero_()
    head.cls_conv_b.weight.data.copy_(-eye)  # B's map differs from A's
    head.cls_conv_b.bias.data.zero_()
    with torch.no_grad():
        out = head.predict((feat, ), _samples([0, 1]))
        _, maps_of = head.localize((feat, ))

    def raw(i, c):
        labels = torch.full((2, 1), c, dtype=torch.long)
        with torch.no_grad():
            return maps_of(labels)[i, 0].numpy()

    _check(out, raw, benchmark_map)


@pytest.mark.parametrize('mode, to_map', [('bicubic', benchmark_map),
                                          ('bilinear', official_map)])
def test_spg_head(mode, to_map):
    """SPG's test map is SPG-A's raw CAM, resized by ``loc_resize``."""
    torch.manual_seed(0)
    head = MODELS.build(
        dict(
            type='SPGHead',
            num_classes=C,
            in_channels=(3, 5, 6),
            mid_channels=8,
            guidance_channels=4,
            loc_topk=3,
            mask_size=16,
            loc_resize=mode)).eval()
    feats = (torch.randn(2, 3, 7, 9), torch.randn(2, 5, 7,
                                                  9), torch.randn(2, 6, 7, 9))
    with torch.no_grad():
        out = head.predict(feats, _samples([2, 3]))
        cams, _ = head.forward_cams(feats)
    _check(out, lambda i, c: cams[i, c].numpy(), to_map)


@pytest.mark.parametrize('mode, to_map', [('bicubic', benchmark_map),
                                          ('bilinear', official_map)])
def test_linear_cls_head_classifier(mode, to_map):
    """A plain mmpretrain classifier (ResNet + GAP + LinearClsHead): its CAM
    is the fc applied at every pixel, resized by ``model.loc_resize``."""
    torch.manual_seed(0)
    model = MODELS.build(
        dict(
            type='WSOLClassifier',
            loc_resize=mode,
            backbone=dict(
                type='ResNet',
                depth=18,
                base_channels=8,
                stem_channels=8,
                out_indices=(3, )),
            neck=dict(type='GlobalAveragePooling'),
            head=dict(
                type='LinearClsHead',
                num_classes=C,
                in_channels=64,
                topk=(1, )))).eval()
    inputs = torch.randn(2, 3, H, W)
    with torch.no_grad():
        out = model.predict(inputs, _samples([0, 3]))
        feat = model.backbone(inputs)[-1]
        fc = model.head.fc
        raw = (torch.einsum('ck,nkhw->nchw', fc.weight, feat) +
               fc.bias[None, :, None, None]).numpy()
    assert raw.shape[-2:] != (H, W)  # a real resize happens
    _check(out, lambda i, c: raw[i, c], to_map)


@pytest.mark.parametrize('cfg', [
    dict(type='CAMHead', num_classes=C, in_channels=C),
    dict(type='SPGHead', num_classes=C, in_channels=(3, 5, 6)),
    dict(type='ACoLHead', num_classes=C, in_channels=C),
])
def test_bad_loc_resize_names_the_key(cfg):
    with pytest.raises(ValueError, match=r"loc_resize.*'nearest'"):
        MODELS.build(dict(cfg, loc_resize='nearest'))


def test_bad_loc_resize_of_the_classifier_names_the_key():
    with pytest.raises(ValueError, match=r'WSOLClassifier: loc_resize'):
        MODELS.build(
            dict(
                type='WSOLClassifier',
                loc_resize='area',
                backbone=dict(type='ResNet', depth=18, out_indices=(3, )),
                neck=dict(type='GlobalAveragePooling'),
                head=dict(
                    type='LinearClsHead', num_classes=C, in_channels=512)))
