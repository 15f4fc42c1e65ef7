import pytest
import torch
import torch.nn.functional as F
from mmengine.optim import build_optim_wrapper
from mmpretrain.structures import DataSample

from mmspg.models import SeedMaskGenerator, SPGHead, spg_loss
from mmspg.models.utils import minmax_normalize
from mmspg.registry import MODELS

NUM_CLASSES = 6
SMALL = dict(
    type='SPGHead',
    num_classes=NUM_CLASSES,
    in_channels=(8, 12, 16),
    mid_channels=16,
    guidance_channels=8,
    mask_size=32,
    loc_topk=3)


def _build(**kwargs):
    cfg = dict(SMALL, **kwargs)
    head = MODELS.build(cfg)
    assert isinstance(head, SPGHead)
    head.init_weights()
    return head


def _feats(n=2):
    # Extra leading map: the head must use only the last three.
    return (torch.rand(n, 4, 16, 16), torch.rand(n, 8, 16, 16),
            torch.rand(n, 12, 8, 8), torch.rand(n, 16, 8, 8))


def _samples(labels):
    return [DataSample().set_gt_label(int(lb)) for lb in labels]


def test_loss_keys_finite_and_grads_reach_every_layer():
    torch.manual_seed(0)
    head = _build(dropout_ratio=0.0)
    head.train()
    losses = head.loss(_feats(), _samples([1, 4]))
    assert set(losses) == {'loss_cls', 'loss_b2', 'loss_b1', 'loss_c'}
    for value in losses.values():
        assert value.dim() == 0 and torch.isfinite(value)
    sum(losses.values()).backward()
    prefixes = ('convs.0', 'convs.1', 'cls_conv', 'spg_b1_conv', 'spg_b2_conv',
                'spg_b_shared', 'spg_c')
    for prefix in prefixes:
        params = [(n, p) for n, p in head.named_parameters()
                  if n.startswith(prefix)]
        assert params, prefix
        for name, param in params:
            assert param.grad is not None, name
            assert param.grad.abs().sum() > 0, name


@pytest.mark.parametrize('with_b, with_c, keys', [
    (False, False, {'loss_cls'}),
    (True, False, {'loss_cls', 'loss_b1', 'loss_b2'}),
    (False, True, {'loss_cls', 'loss_c'}),
])
def test_switches_remove_branches(with_b, with_c, keys):
    head = _build(with_spg_b=with_b, with_spg_c=with_c)
    assert set(head.loss(_feats(), _samples([0, 2]))) == keys
    names = {n.split('.')[0] for n, _ in head.named_parameters()}
    assert ('spg_b_shared' in names) == with_b
    assert ('spg_b1_conv' in names) == with_b
    assert ('spg_c' in names) == with_c
    out = head.forward_guidance(_feats(), torch.tensor([0, 2]))
    assert (out['b1'] is None) != with_b
    assert (out['seed_c'] is None) != with_c


def test_guidance_chain_matches_official_order():
    torch.manual_seed(0)
    head = _build(dropout_ratio=0.0).eval()
    feats = _feats()
    labels = torch.tensor([3, 1])
    out = head.forward_guidance(feats, labels)
    cams = out['cams']
    assert cams.shape == (2, NUM_CLASSES, 8, 8)
    # Attention: CAM of the label, upsampled to mask_size, then normalised.
    up = F.interpolate(
        cams, size=(32, 32), mode='bilinear', align_corners=False)
    att = minmax_normalize(up[torch.arange(2), labels][:, None])
    assert torch.allclose(out['attention'], att, atol=1e-5)
    assert not out['attention'].requires_grad
    for key in ('b1', 'b2', 'c', 'seed_b1', 'seed_b2', 'seed_c'):
        assert out[key].shape == (2, 1, 32, 32), key
    for key in ('seed_b1', 'seed_b2', 'seed_c'):
        assert not out[key].requires_grad
        assert set(out[key].unique().tolist()) <= {0., 1., 255.}
    assert torch.equal(out['seed_b2'],
                       SeedMaskGenerator(0.7, 0.05)(out['attention']))
    assert torch.equal(out['seed_b1'],
                       SeedMaskGenerator(0.5, 0.05)(out['b2'].sigmoid()))
    fused = (out['b1'].sigmoid() + out['b2'].sigmoid()) / 2
    assert torch.equal(out['seed_c'], SeedMaskGenerator(0.7, 0.1)(fused))
    # The losses use exactly these seeds.
    losses = head.loss(feats, _samples(labels))
    assert torch.allclose(losses['loss_b2'], spg_loss(out['b2'],
                                                      out['seed_b2']))
    assert torch.allclose(losses['loss_c'], spg_loss(out['c'], out['seed_c']))
    # Without labels, the top-1 class gives the attention.
    top1 = out['cls_score'].argmax(1)
    assert torch.allclose(
        head.forward_guidance(feats)['attention'],
        head.forward_guidance(feats, top1)['attention'])


def test_seed_c_from_attention_when_b_is_off():
    head = _build(
        with_spg_b=False, seed_c=dict(high_thr=0.6, low_thr=0.2)).eval()
    out = head.forward_guidance(_feats(), torch.tensor([0, 1]))
    assert torch.equal(out['seed_c'],
                       SeedMaskGenerator(0.6, 0.2)(out['attention']))


def test_predict_fields():
    torch.manual_seed(0)
    head = _build().eval()
    samples = [DataSample().set_gt_label(2), DataSample()]
    with torch.no_grad():
        preds = head.predict(_feats(), samples, input_size=(40, 48))
    for i, ds in enumerate(preds):
        assert ds.pred_score.shape == (NUM_CLASSES, )
        assert torch.allclose(ds.pred_score.sum(), torch.tensor(1.))
        assert ds.pred_label.shape == (1, )
        assert ds.loc_labels.shape == (3, )
        assert torch.equal(ds.loc_labels, ds.pred_score.topk(3).indices)
        assert ds.pred_label[0] == ds.loc_labels[0]
        assert ds.loc_maps.shape == (3, 40, 48)
        assert ds.loc_maps.dtype == torch.float32
        assert ds.loc_maps.min() >= 0 and ds.loc_maps.max() <= 1
    assert preds[0].gt_loc_map.shape == (40, 48)
    assert 'gt_loc_map' not in preds[1]
    # The gt map equals the loc map of the same class (all classes kept).
    full = _build(loc_topk=NUM_CLASSES).eval()
    with torch.no_grad():
        again = full.predict(_feats(1), [DataSample().set_gt_label(4)])[0]
    j = int((again.loc_labels == 4).nonzero()[0, 0])
    assert torch.allclose(again.gt_loc_map, again.loc_maps[j])
    # Without input_size, img_shape of the data sample is used.
    with torch.no_grad():
        sized = head.predict(
            _feats(1), [DataSample(metainfo=dict(img_shape=(24, 20)))])
    assert sized[0].loc_maps.shape == (3, 24, 20)


def test_predict_is_deterministic_in_eval():
    head = _build(dropout_ratio=0.5).eval()
    feats = _feats()
    with torch.no_grad():
        a = head.predict(feats, input_size=(16, 16))
        b = head.predict(feats, input_size=(16, 16))
    assert torch.equal(a[0].loc_maps, b[0].loc_maps)


def test_head_params_get_lr_mult():
    head = _build()
    model = torch.nn.Module()
    model.backbone = torch.nn.Conv2d(3, 4, 1)
    model.head = head
    wrapper = build_optim_wrapper(
        model,
        dict(
            optimizer=dict(type='SGD', lr=0.1),
            paramwise_cfg=dict(custom_keys={'head': dict(lr_mult=10)})))
    head_params = {id(p) for p in head.parameters()}
    for group in wrapper.optimizer.param_groups:
        expected = 1.0 if id(group['params'][0]) in head_params else 0.1
        assert group['lr'] == pytest.approx(expected)


@pytest.mark.parametrize('kwargs, key', [
    (dict(in_channels=(8, 16)), 'in_channels'),
    (dict(seed_b2=dict(high_thr=0.1, low_thr=0.5)), 'seed_b2'),
    (dict(seed_c=dict(high_thr=0.7)), 'seed_c'),
    (dict(dropout_ratio=1.0), 'dropout_ratio'),
    (dict(mask_size=0), 'mask_size'),
    (dict(loc_topk=0), 'loc_topk'),
])
def test_config_validation(kwargs, key):
    with pytest.raises(ValueError, match=key):
        _build(**kwargs)


def test_bad_feats():
    head = _build()
    with pytest.raises(ValueError, match='3 backbone maps'):
        head.loss(_feats()[:2], _samples([0, 1]))
    with pytest.raises(ValueError, match='in_channels'):
        head.predict((torch.rand(1, 8, 4,
                                 4), torch.rand(1, 12, 4,
                                                4), torch.rand(1, 7, 4, 4)))


def test_guidance_start_iter_delays_only_the_guidance_losses():
    import uuid

    from mmengine.logging import MessageHub
    torch.manual_seed(0)
    feats, samples = _feats(), _samples([1, 4])
    head = _build(dropout_ratio=0.0, guidance_start_iter=5)
    head.train()
    hub = MessageHub.get_instance(f'test_spg_head_{uuid.uuid4().hex}')
    assert MessageHub.get_current_instance() is hub
    # No runner has recorded an iteration: guidance on.
    on_unknown = head.loss(feats, samples)
    assert on_unknown['loss_b2'] > 0 and on_unknown['loss_c'] > 0

    hub.update_info('iter', 4)
    off = head.loss(feats, samples)
    for key in ('loss_b2', 'loss_b1', 'loss_c'):
        assert off[key] == 0, key
    assert torch.allclose(off['loss_cls'], on_unknown['loss_cls'])
    sum(off.values()).backward()
    for name, param in head.named_parameters():
        if name.startswith(('spg_b', 'spg_c')):
            # Still in the graph (DDP-safe), but without any signal.
            assert param.grad is not None and param.grad.abs().sum() == 0
    assert head.cls_conv.weight.grad.abs().sum() > 0

    hub.update_info('iter', 5)
    on = head.loss(feats, samples)
    for key in ('loss_b2', 'loss_c'):
        assert torch.allclose(on[key], on_unknown[key]), key

    # Default 0: the paper's behaviour whatever the iteration.
    hub.update_info('iter', 0)
    torch.manual_seed(0)
    paper = _build(dropout_ratio=0.0)
    assert paper.guidance_start_iter == 0
    assert paper.loss(feats, samples)['loss_c'] > 0
    with pytest.raises(ValueError, match='guidance_start_iter'):
        _build(guidance_start_iter=-1)


def test_spg_a_is_the_inherited_cam_head_layers():
    head = _build()
    names = {n for n, _ in head.named_parameters()}
    assert {'convs.0.0.weight', 'convs.1.0.weight', 'cls_conv.weight'} <= \
        names
    assert not any(n.startswith('spg_a_') for n in names)
    assert head.convs[0][0].in_channels == 16  # the deep map
    assert head.cls_conv.out_channels == NUM_CLASSES
