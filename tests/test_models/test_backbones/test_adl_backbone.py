import pytest
import torch
from mmengine.registry import init_default_scope

from mmspg.models import ADL, ADLBackbone
from mmspg.registry import MODELS

init_default_scope('mmspg')

TINY_RESNET = dict(
    type='ResNet',
    depth=50,
    stem_channels=8,
    base_channels=4,
    strides=(1, 2, 2, 1),
    out_indices=(3, ))


def test_benchmark_resnet_positions_keep_keys_and_eval_identity():
    plain = MODELS.build(TINY_RESNET)
    adl = MODELS.build(
        dict(type='ADLBackbone', positions='resnet50', backbone=TINY_RESNET))
    assert type(adl).__name__ == 'ResNet'
    assert set(adl.state_dict()) == set(plain.state_dict())
    assert sorted(
        adl.adl_layers.keys()) == ['layer3_0', 'layer4_0', 'layer4_2']
    adl.load_state_dict(plain.state_dict())
    x = torch.rand(2, 3, 32, 32)
    plain.eval(), adl.eval()
    torch.testing.assert_close(adl(x)[0], plain(x)[0])  # identity at test
    adl.train(), plain.train()
    assert all(m.training for m in adl.adl_layers.values())


def test_adl_applies_to_the_named_module_output():
    seen = {}
    backbone = MODELS.build(TINY_RESNET)
    ADLBackbone(
        backbone, positions=['layer4.2'], drop_rate=1.0, threshold_ratio=0.5)
    backbone.layer4[2].register_forward_hook(
        lambda m, i, o: seen.setdefault('out', o))
    backbone.train()
    out = backbone(torch.rand(2, 3, 32, 32))[0]
    # drop_rate 1: the drop mask zeroed each image's strongest pixels
    assert (out.mean(1).flatten(1) == 0).any(dim=1).all()
    assert torch.equal(out, seen['out'])


def test_deep_copy_uses_its_own_layers():
    """EMA / model copies: the copy's hooks call the copy's ADL modules."""
    import copy
    backbone = ADLBackbone(
        dict(TINY_RESNET),
        positions=['layer4.2'],
        drop_rate=1.0,
        threshold_ratio=0.5)
    twin = copy.deepcopy(backbone)
    backbone.train()
    twin.eval()  # ADL off in the copy only
    x = torch.rand(2, 3, 32, 32)
    plain = MODELS.build(TINY_RESNET)
    plain.eval()  # (mmpretrain's ResNet.train returns None)
    plain.load_state_dict(twin.state_dict())
    torch.testing.assert_close(twin(x)[0], plain(x)[0])


def test_vgg16_positions():
    vgg = MODELS.build(
        dict(
            type='ADLBackbone',
            positions='vgg16',
            backbone=dict(type='VGG', depth=16, with_last_pool=False)))
    names = [
        type(vgg.features[int(k.split('_')[1])]).__name__
        for k in vgg.adl_layers.keys()
    ]
    # after pool3, conv4_3, conv5_3 (wsol/vgg.py:43-44)
    assert names == ['MaxPool2d', 'ConvModule', 'ConvModule']
    assert isinstance(vgg.adl_layers['features_16'], ADL)


def test_unknown_position_names_the_module():
    with pytest.raises(ValueError, match="no sub-module 'layer9'"):
        ADLBackbone(dict(TINY_RESNET), positions=['layer9'])
    with pytest.raises(ValueError, match='named placements'):
        ADLBackbone(dict(TINY_RESNET), positions='alexnet')
