import torch
from mmpretrain.structures import DataSample

from mmspg.models import WSOLClassifier
from mmspg.registry import MODELS

TINY = dict(
    type='WSOLClassifier',
    data_preprocessor=dict(
        type='ClsDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        to_rgb=True),
    backbone=dict(
        type='ResNet',
        depth=18,
        stem_channels=16,
        base_channels=16,
        num_stages=3,
        strides=(1, 2, 1),
        dilations=(1, 1, 2),
        out_indices=(0, 1, 2)),
    head=dict(
        type='SPGHead',
        num_classes=4,
        in_channels=(16, 32, 64),
        mid_channels=32,
        guidance_channels=16,
        mask_size=64,
        loc_topk=2))


def _samples():
    return [DataSample().set_gt_label(1), DataSample().set_gt_label(3)]


def test_tiny_resnet_end_to_end():
    torch.manual_seed(0)
    model = MODELS.build(TINY)
    assert isinstance(model, WSOLClassifier)
    model.init_weights()
    inputs = torch.rand(2, 3, 64, 64)

    model.train()
    losses = model(inputs, _samples(), mode='loss')
    assert set(losses) == {'loss_cls', 'loss_b2', 'loss_b1', 'loss_c'}
    sum(losses.values()).backward()
    assert model.backbone.conv1.weight.grad.abs().sum() > 0

    model.eval()
    with torch.no_grad():
        preds = model(inputs, _samples(), mode='predict')
        logits = model(inputs, mode='tensor')
    assert logits.shape == (2, 4)
    assert torch.allclose(preds[0].pred_score, logits.softmax(1)[0])
    assert preds[1].loc_maps.shape == (2, 64, 64)
    assert preds[1].gt_loc_map.shape == (64, 64)
    assert 0 <= preds[1].gt_loc_map.min() <= preds[1].gt_loc_map.max() <= 1


def test_train_step_and_guidance():
    torch.manual_seed(0)
    model = MODELS.build(TINY)
    model.init_weights()
    from mmengine.optim import OptimWrapper
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.01))
    data = dict(
        inputs=[
            torch.randint(0, 255, (3, 64, 64), dtype=torch.uint8)
            for _ in range(2)
        ],
        data_samples=_samples())
    log_vars = model.train_step(data, wrapper)
    assert {'loss', 'loss_cls', 'loss_c'} <= set(log_vars)

    model.eval()
    out = model.guidance(torch.rand(2, 3, 64, 64), _samples())
    assert out['attention'].shape == (2, 1, 64, 64)
    assert out['seed_c'].shape == (2, 1, 64, 64)
    assert not out['b1'].requires_grad
