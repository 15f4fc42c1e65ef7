import pytest
import torch
import torchvision
from mmpretrain.models.backbones import InceptionV3

from mmspg.models import SPGInceptionV3
from mmspg.registry import MODELS


def test_224_input_gives_28x28_maps():
    model = MODELS.build(dict(type='SPGInceptionV3')).eval()
    with torch.no_grad():
        feats = model(torch.rand(1, 3, 224, 224))
    assert isinstance(feats, tuple)
    assert [tuple(f.shape) for f in feats] == [(1, 288, 28, 28),
                                               (1, 768, 28, 28),
                                               (1, 768, 28, 28)]
    assert model.out_channels == (288, 768, 768)


def test_out_indices_names_and_ints():
    model = SPGInceptionV3(out_indices=('Mixed_5b', -1)).eval()
    assert model.out_channels == (256, 768)
    with torch.no_grad():
        feats = model(torch.rand(1, 3, 64, 64))
    assert [f.shape[1] for f in feats] == [256, 768]
    with pytest.raises(ValueError, match='Mixed_7a'):
        SPGInceptionV3(out_indices=('Mixed_7a', ))
    with pytest.raises(ValueError, match='frozen_stages'):
        SPGInceptionV3(frozen_stages=99)


def test_frozen_stages_and_norm_eval():
    model = SPGInceptionV3(frozen_stages=8, norm_eval=True)
    model.train()
    assert not any(p.requires_grad for p in model.Mixed_5b.parameters())
    assert all(p.requires_grad for p in model.Mixed_5c.parameters())
    assert not model.Conv2d_1a_3x3.bn.training
    assert not model.Mixed_6e.branch1x1.bn.training  # norm_eval
    assert model.Mixed_6e.training


def _assert_loaded(model, source_state, prefix=''):
    for key, value in model.state_dict().items():
        if key.endswith('num_batches_tracked'):
            continue
        assert torch.equal(value, source_state[prefix + key]), key


def test_load_torchvision_state_dict(tmp_path):
    torch.manual_seed(0)
    tv = torchvision.models.inception_v3(
        weights=None, aux_logits=True, init_weights=False)
    state = {
        k: torch.randn_like(v) if v.is_floating_point() else v
        for k, v in tv.state_dict().items()
    }
    # Old torchvision files predate num_batches_tracked.
    state = {
        k: v
        for k, v in state.items() if not k.endswith('num_batches_tracked')
    }
    path = tmp_path / 'inception_v3_google.pth'
    torch.save(state, path)
    # Nested in a classifier, as a config builds it.
    model = MODELS.build(
        dict(
            type='WSOLClassifier',
            backbone=dict(
                type='SPGInceptionV3',
                init_cfg=dict(type='Pretrained', checkpoint=str(path))),
            head=dict(
                type='SPGHead',
                num_classes=3,
                mid_channels=8,
                guidance_channels=8)))
    model.init_weights()
    _assert_loaded(model.backbone, state)


def test_load_mmpretrain_checkpoint(tmp_path):
    torch.manual_seed(1)
    mm = InceptionV3(num_classes=10, aux_logits=True)
    state = {
        'backbone.' + k: torch.randn_like(v) if v.is_floating_point() else v
        for k, v in mm.state_dict().items()
    }
    state['head.fc.weight'] = torch.randn(10, 2048)
    path = tmp_path / 'mmpretrain_inception.pth'
    torch.save({'state_dict': state, 'meta': {'epoch': 1}}, path)
    for prefix in (None, 'backbone.'):
        cfg = dict(type='Pretrained', checkpoint=str(path))
        if prefix:
            cfg['prefix'] = prefix
        model = MODELS.build(dict(type='SPGInceptionV3', init_cfg=cfg))
        model.init_weights()
        _assert_loaded(model, state, prefix='backbone.')


def test_missing_or_misshaped_key_raises(tmp_path):
    state = SPGInceptionV3().state_dict()
    missing = dict(state)
    del missing['Mixed_6a.branch3x3.conv.weight']
    path = tmp_path / 'missing.pth'
    torch.save(missing, path)
    model = SPGInceptionV3(
        init_cfg=dict(type='Pretrained', checkpoint=str(path)))
    with pytest.raises(KeyError, match='Mixed_6a.branch3x3.conv.weight'):
        model.init_weights()

    bad = dict(state)
    bad['Mixed_5b.branch1x1.bn.weight'] = torch.ones(3)
    with pytest.raises(ValueError, match='Mixed_5b.branch1x1.bn.weight'):
        SPGInceptionV3().convert_state_dict(bad)


def test_transform_input_matches_torchvision():
    x = torch.randn(1, 3, 8, 8)
    tv = torchvision.models.inception_v3(
        weights=None,
        aux_logits=False,
        init_weights=False,
        transform_input=True)
    assert torch.allclose(
        SPGInceptionV3._transform_input(x), tv._transform_input(x), atol=1e-6)
