"""SPG on mmpretrain's own backbones: configs/spg/spg_{resnet50,vgg16,
swin-tiny}_1xb32_cub.py inherit mmpretrain's model configs with
``mmpretrain::``; each builds, takes one training step and predicts, at
32-64 px with 3 classes (no pretrained weights), and every wrong combination
stops at build time naming the config key to change."""
import copy

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import OptimWrapper
from mmengine.registry import init_default_scope
from mmpretrain.structures import DataSample

from mmspg.registry import MODELS

SIZE = 32
NUM_CLASSES = 3
CONFIGS = {
    'resnet50': 'configs/spg/spg_resnet50-mmpretrain_1xb32_cub.py',
    'vgg16': 'configs/spg/spg_vgg16-mmpretrain_1xb32_cub.py',
    'swin-tiny': 'configs/spg/spg_swin-tiny_1xb32_cub.py',
}


def _model_cfg(name):
    cfg = Config.fromfile(CONFIGS[name])
    model = copy.deepcopy(cfg.model)
    model.backbone.init_cfg = None  # no download here
    model.head.num_classes = NUM_CLASSES
    model.head.mid_channels = 32
    model.head.guidance_channels = 16
    model.head.mask_size = SIZE
    if name == 'swin-tiny':
        # small inputs give last maps under Swin's 7x7 windows
        model.backbone.pad_small_map = True
    model.data_preprocessor = dict(
        cfg.data_preprocessor, num_classes=NUM_CLASSES)
    return cfg, model


def _batch(n=2):
    torch.manual_seed(0)
    return dict(
        inputs=[
            torch.randint(0, 256, (3, SIZE, SIZE), dtype=torch.uint8)
            for _ in range(n)
        ],
        data_samples=[
            DataSample(metainfo=dict(img_shape=(SIZE, SIZE))).set_gt_label(i)
            for i in range(n)
        ])


@pytest.mark.parametrize('name', sorted(CONFIGS))
def test_inherits_mmpretrain_model(name):
    cfg, _ = _model_cfg(name)
    text = open(CONFIGS[name]).read()
    assert "'mmpretrain::_base_/models/" in text
    # mmengine marks the inherited model _scope_='mmpretrain'; the config
    # switches it to 'mmspg' (where mmpretrain's types resolve too)
    assert cfg.model._scope_ == 'mmspg'
    assert cfg.model.neck is None
    assert 'topk' not in cfg.model.head  # _delete_ dropped ClsHead keys


@pytest.mark.parametrize('name', sorted(CONFIGS))
def test_train_step_and_predict(name):
    cfg, model_cfg = _model_cfg(name)
    # the runner's default scope; the model dict brings its own
    init_default_scope(cfg.default_scope)
    torch.manual_seed(0)
    model = MODELS.build(model_cfg)
    assert type(model).__name__ == 'WSOLClassifier'
    assert type(model.head).__name__ == 'SPGHead'
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
    head_before = model.head.cls_conv.weight.detach().clone()
    model.train()
    log = model.train_step(_batch(), optim)
    assert {'loss_cls', 'loss_b1', 'loss_b2', 'loss_c'} <= set(log)
    assert all(torch.isfinite(v) for v in log.values())
    assert not torch.equal(head_before, model.head.cls_conv.weight)

    model.eval()
    with torch.no_grad():
        out = model.val_step(_batch())
    assert len(out) == 2
    for sample in out:
        assert sample.pred_score.shape == (NUM_CLASSES, )
        assert sample.loc_maps.shape == (NUM_CLASSES, SIZE, SIZE)
        assert sample.gt_loc_map.shape == (SIZE, SIZE)
        assert 0 <= float(sample.loc_maps.min()) <= float(
            sample.loc_maps.max()) <= 1


def test_swin_config_keeps_batch_augments_and_uses_gt_score():
    """mmpretrain's Swin-T config trains with Mixup/CutMix: the loss must
    see the mixed labels (gt_score), never silently the hard ones."""
    cfg, model_cfg = _model_cfg('swin-tiny')
    assert [a.type
            for a in cfg.model.train_cfg.augments] == ['Mixup', 'CutMix']
    init_default_scope('mmspg')
    model = MODELS.build(model_cfg)
    data = model.data_preprocessor(_batch(), True)
    scores = torch.stack([s.gt_score for s in data['data_samples']])
    assert scores.shape == (2, NUM_CLASSES)
    assert torch.allclose(scores.sum(1), torch.ones(2))


def _build_error(name, **changes):
    _, model_cfg = _model_cfg(name)
    for key, value in changes.items():
        node = model_cfg
        *path, last = key.split('.')
        for p in path:
            node = node[p]
        node[last] = value
    init_default_scope('mmspg')
    with pytest.raises(ValueError) as err:
        MODELS.build(model_cfg)
    return str(err.value)


def test_gap_neck_kept_names_neck():
    msg = _build_error('resnet50', neck=dict(type='GlobalAveragePooling'))
    assert 'model.neck' in msg and 'neck=None' in msg


def test_vgg_logits_name_num_classes():
    # mmpretrain's VGG-16 as configured for classification, asked for two
    # maps and its logits
    msg = _build_error(
        'vgg16', **{
            'backbone.num_classes': 1000,
            'backbone.with_last_pool': True,
            'backbone.out_indices': (3, 4, 5)
        })
    assert 'not a feature map' in msg
    assert 'model.backbone.num_classes=-1' in msg


def test_too_few_maps_name_out_indices():
    msg = _build_error('resnet50', **{'backbone.out_indices': (3, )})
    assert 'model.backbone.out_indices' in msg


def test_wrong_channels_name_in_channels():
    msg = _build_error('vgg16', **{'head.in_channels': (256, 512, 256)})
    assert 'model.head.in_channels[2]=256' in msg and '512 channels' in msg


def test_topk_inherited_without_delete_is_accuracy_topk():
    """Before the rename, merging SPGHead into mmpretrain's head without
    ``_delete_`` failed on ``topk must be an int >= 1, got (1, 5)``: the
    tuple is ClsHead's accuracy top-k and is accepted as such now."""
    _, model_cfg = _model_cfg('vgg16')
    model_cfg.head.topk = (1, 5)
    init_default_scope('mmspg')
    model = MODELS.build(model_cfg)
    assert model.head.topk == (1, 5) and model.head.loc_topk == 5
