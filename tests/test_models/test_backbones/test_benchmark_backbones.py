"""The benchmark's VGG16-GAP and ResNet-50 (stride 16) trunks are
mmpretrain's VGG / ResNet configured by the base model configs: with the
weights copied over, they compute what the benchmark's networks compute
(clovaai/wsolevaluation wsol/vgg.py '14x14' cam layers = torchvision's VGG-16
features without pool5; wsol/resnet.py ResNetCam = torchvision's ResNet-50
with layer4 at stride 1, no dilation)."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

from mmspg.registry import MODELS

torchvision = pytest.importorskip('torchvision')
REPO = osp.dirname(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))


@pytest.fixture(autouse=True)
def _one_thread(one_thread):
    yield


def _backbone(name):
    init_default_scope('mmspg')
    cfg = Config.fromfile(osp.join(REPO, 'configs', '_base_', 'models',
                                   name)).model.backbone
    cfg.init_cfg = None
    return MODELS.build(cfg)


def _copy(src: torch.nn.Module, dst: torch.nn.Module) -> None:
    """Copy weights in definition order (the two nets have the same layers
    in the same order; shapes are checked pair by pair)."""
    s, d = src.state_dict(), dst.state_dict()
    s = {k: v for k, v in s.items() if 'num_batches_tracked' not in k}
    dkeys = [k for k in d if 'num_batches_tracked' not in k]
    assert len(s) == len(dkeys)
    new = {}
    for (ks, v), kd in zip(s.items(), dkeys):
        assert v.shape == d[kd].shape, (ks, kd)
        new[kd] = v
    dst.load_state_dict(new, strict=False)


def test_vgg16_gap_is_torchvision_vgg16_without_pool5():
    ours = _backbone('wsol_vgg16_gap.py')
    ours.eval()  # (mmpretrain's VGG.train returns None)
    ref = torchvision.models.vgg16().features[:-1].eval()  # drop pool5
    _copy(ref, ours)
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        out = ours(x)[-1]
        torch.testing.assert_close(out, ref(x))
    assert out.shape == (1, 512, 4, 4)  # stride 16


def test_resnet50_s16_is_the_benchmark_resnet50():
    ours = _backbone('wsol_resnet50_s16.py')
    ours.eval()  # (mmpretrain's ResNet.train returns None)
    tv = torchvision.models.resnet50()
    # wsol/resnet.py:73, 84-85: layer3 stride 2, layer4 stride 1, no
    # dilation
    tv.layer4[0].conv2.stride = (1, 1)
    tv.layer4[0].downsample[0].stride = (1, 1)
    ref = torch.nn.Sequential(tv.conv1, tv.bn1, tv.relu, tv.maxpool, tv.layer1,
                              tv.layer2, tv.layer3, tv.layer4).eval()
    _copy(ref, ours)
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        out = ours(x)[-1]
        torch.testing.assert_close(out, ref(x))
    assert out.shape == (1, 2048, 4, 4)  # stride 16
