"""The official-protocol CUB recipe (321 px crops) on a generated CUB-layout
folder: two training iterations through the mmengine Runner, and the shapes,
losses and gradients of one step checked by hand."""
import math

import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

from mmspg.datasets import generate_synthetic_cub
from mmspg.registry import DATASETS, MODELS

CONFIG = 'configs/spg/spg_inception-v3_2xb10_cub-321px.py'


@pytest.fixture(scope='module')
def cub_root(tmp_path_factory):
    root = tmp_path_factory.mktemp('cub_layout') / 'CUB_200_2011'
    generate_synthetic_cub(
        str(root), seed=3, num_classes=2, train_per_class=2, test_per_class=1)
    return str(root)


def _cfg(cub_root, work_dir=None):
    cfg = Config.fromfile(CONFIG)
    cfg.model.backbone.init_cfg = None  # no download on CI machines
    cfg.model.head.num_classes = 2
    cfg.model.data_preprocessor = dict(
        num_classes=2,
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        to_rgb=True)
    for name in ('train_dataloader', 'test_dataloader'):
        loader = cfg[name]
        loader.dataset.data_root = cub_root
        loader.batch_size = 2
        loader.num_workers = 0
        loader.persistent_workers = False
    if work_dir is not None:
        cfg.work_dir = str(work_dir)
    return cfg


def test_two_training_iterations_with_the_runner(cub_root, tmp_path):
    cfg = _cfg(cub_root, tmp_path)
    # 224 crops instead of the recipe's 321 to halve this CPU test (the
    # 321 / 40x40 facts are checked in the test below and in
    # test_recipes_official.py)
    for t in cfg.train_dataloader.dataset.pipeline:
        if t['type'] == 'BoxAwareRandomCrop':
            t['crop_size'] = 224
    cfg.train_cfg = dict(by_epoch=True, max_epochs=1, val_interval=10)
    cfg.val_dataloader = cfg.val_evaluator = cfg.val_cfg = None
    cfg.default_hooks.logger.interval = 1
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=1)
    torch.manual_seed(0)
    runner = Runner.from_cfg(cfg)
    before = {
        k: v.clone()
        for k, v in runner.model.state_dict().items() if k.startswith('head.')
    }
    runner.train()
    assert runner.iter == 2  # 4 training images, batch 2
    after = runner.model.state_dict()
    changed = [k for k, v in before.items() if not torch.equal(v, after[k])]
    # Every SPG-A/B/C weight took an SGD step.
    layers = {k.rsplit('.', 1)[0] for k in before}
    assert {k.rsplit('.', 1)[0] for k in changed} == layers
    assert {k.split('.')[1]
            for k in layers} == {
                'convs', 'cls_conv', 'spg_b1_conv', 'spg_b2_conv',
                'spg_b_shared', 'spg_c'
            }
    assert (tmp_path / 'epoch_1.pth').is_file()


def test_shapes_losses_and_gradients_at_224(cub_root):
    cfg = _cfg(cub_root)
    init_default_scope(cfg.default_scope)  # as the runner does
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    data = model.data_preprocessor(
        pseudo_collate([dataset[0], dataset[1]]), True)
    inputs, samples = data['inputs'], data['data_samples']
    # official crop: 321 (exper/train_frame.py line 50) -> 40x40 maps
    assert inputs.shape == (2, 3, 321, 321)

    feats = model.extract_feat(inputs)
    assert [tuple(f.shape[1:])
            for f in feats] == [(288, 40, 40), (768, 40, 40), (768, 40, 40)]
    labels = torch.cat([s.gt_label for s in samples])
    out = model.head.forward_guidance(feats, labels)
    assert out['cams'].shape == (2, 2, 40, 40)
    # seeds and B/C logits stay 224 x 224 (inception3_spg.py line 122)
    for key in ('attention', 'b1', 'b2', 'c', 'seed_b2', 'seed_b1', 'seed_c'):
        assert out[key].shape == (2, 1, 224, 224), key
    for key in ('seed_b2', 'seed_b1', 'seed_c'):
        assert set(out[key].unique().tolist()) <= {0.0, 1.0, 255.0}

    model.train()
    losses = model.loss(inputs, samples)
    assert set(losses) == {'loss_cls', 'loss_b2', 'loss_b1', 'loss_c'}
    assert all(math.isfinite(v.item()) for v in losses.values())
    sum(losses.values()).backward()
    for name, param in model.head.named_parameters():
        assert param.grad is not None, name
        assert param.grad.abs().sum() > 0, f'no gradient reaches {name}'
    # The guidance reaches the backbone too.
    assert model.backbone.Mixed_5d.branch1x1.conv.weight.grad.abs().sum() > 0
