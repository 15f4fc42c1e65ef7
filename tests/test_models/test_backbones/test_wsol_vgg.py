"""WSOLVGG: mmpretrain's VGG with configurable stage pools (the WSOL
benchmark's ACoL-VGG16, clovaai/wsolevaluation wsol/vgg.py:32-36,270-273)."""
import pytest
import torch
import torch.nn as nn
from mmengine.config import Config
from mmpretrain.models.backbones import VGG

from mmspg.models.backbones import WSOLVGG
from mmspg.registry import MODELS

ACOL_POOLS = [dict(kernel_size=3, stride=2, padding=1)] * 4 + [
    dict(kernel_size=3, stride=1, padding=1)
]


def _reference_acol_vgg16(vgg: WSOLVGG) -> nn.Sequential:
    """The benchmark's ACoL '14x14' layer list written out by hand (convs
    + ReLU, 'M1' = 3x3/s2/p1, 'M2' = 3x3/s1/p1), with ``vgg``'s weights."""
    cfg = [
        64, 64, 'M1', 128, 128, 'M1', 256, 256, 256, 'M1', 512, 512, 512, 'M1',
        512, 512, 512, 'M2'
    ]
    convs = [m.conv for m in vgg.features if hasattr(m, 'conv')]
    layers, it = [], iter(convs)
    for v in cfg:
        if v == 'M1':
            layers.append(nn.MaxPool2d(3, 2, 1))
        elif v == 'M2':
            layers.append(nn.MaxPool2d(3, 1, 1))
        else:
            conv = next(it)
            assert conv.out_channels == v
            layers += [conv, nn.ReLU()]
    return nn.Sequential(*layers)


def test_acol_pools_match_the_benchmark_network():
    torch.manual_seed(0)
    vgg = WSOLVGG(
        depth=16, with_last_pool=True, out_indices=(4, ), pools=ACOL_POOLS)
    vgg.eval()  # mmpretrain's VGG.train returns None: no chaining
    pools = [m for m in vgg.features if isinstance(m, nn.MaxPool2d)]
    assert [(p.kernel_size, p.stride, p.padding) for p in pools] == \
        [(3, 2, 1)] * 4 + [(3, 1, 1)]
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        out = vgg(x)
        ref = _reference_acol_vgg16(vgg)(x)
    assert out[0].shape == (1, 512, 4, 4)  # stride 16
    torch.testing.assert_close(out[0], ref)
    # 2x2 pools (plain mmpretrain VGG) give another network
    plain = VGG(depth=16, with_last_pool=False, out_indices=(4, ))
    plain.eval()
    plain.load_state_dict(vgg.state_dict())
    with torch.no_grad():
        assert not torch.allclose(plain(x)[0], out[0])


def test_same_parameters_as_mmpretrain_vgg():
    vgg = WSOLVGG(depth=16, with_last_pool=True, pools=ACOL_POOLS)
    plain = VGG(depth=16, with_last_pool=False)
    assert list(vgg.state_dict()) == list(plain.state_dict())
    plain.load_state_dict(vgg.state_dict(), strict=True)


def test_acol_vgg_config_uses_the_benchmark_pools():
    cfg = Config.fromfile('configs/acol/acol_vgg16-gap_1xb32_cub.py')
    backbone = cfg.model.backbone
    assert backbone.type == 'WSOLVGG'
    assert backbone.pools == ACOL_POOLS
    model = MODELS.build(dict(backbone, init_cfg=None))
    with torch.no_grad():
        out = model(torch.randn(1, 3, 224, 224))
    assert out[-1].shape[-2:] == (14, 14)


@pytest.mark.parametrize('pools, match', [
    ([None] * 4, 'one entry'),
    ([None] * 4 + [dict(kernel_size=3, stride=1, padding=1)], 'no pool'),
    ([dict(kernel_size=3, strid=2)] + [None] * 4, r'pools\[0\]'),
    (['M1'] + [None] * 4, r'pools\[0\] must be a dict'),
])
def test_bad_pools_name_the_entry(pools, match):
    with pytest.raises(ValueError, match=match):
        WSOLVGG(depth=16, with_last_pool=False, pools=pools)
