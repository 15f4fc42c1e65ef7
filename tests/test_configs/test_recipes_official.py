"""The official-code protocol recipes (configs/spg/*_2xb10_*-321px.py) are
that protocol: each fact is checked against the line of xiaomengyc/SPG
@0006659 it comes from."""
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope

from mmspg.registry import MODELS, TRANSFORMS

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
IN1K = 'configs/spg/spg_inception-v3_2xb10_in1k-321px.py'
CUB = 'configs/spg/spg_inception-v3_2xb10_cub-321px.py'
ALL = [
    IN1K, CUB, 'configs/spg/spg-plain_inception-v3_2xb10_in1k-321px.py',
    'configs/spg/spg-plain_inception-v3_2xb10_cub-321px.py',
    'configs/spg/spg-b-only_inception-v3_2xb10_in1k-321px.py',
    'configs/spg/spg-c-only_inception-v3_2xb10_in1k-321px.py',
    'configs/spg/spg-no-init-seeds_inception-v3_2xb10_in1k-321px.py',
    'configs/spg/spg-unshared-b_inception-v3_2xb10_in1k-321px.py'
]


def _cfg(path):
    return Config.fromfile(osp.join(REPO, path))


@pytest.fixture(scope='module')
def in1k_model():
    init_default_scope('mmspg')
    cfg = _cfg(IN1K)
    cfg.model.backbone.init_cfg = None  # no download here
    torch.manual_seed(0)
    return MODELS.build(cfg.model), cfg


def _run(pipeline, img, boxes):
    results = dict(
        img=img,
        img_shape=img.shape[:2],
        ori_shape=img.shape[:2],
        gt_bboxes=np.asarray(boxes, np.float32),
        ori_gt_bboxes=np.asarray(boxes, np.float32),
        image_id='x.jpg',
        gt_label=0,
        img_path='x.jpg',
        sample_idx=0)
    sizes = []
    for t in pipeline:
        if t['type'] in ('LoadImageFromFileWSOL', 'PackInputs'):
            continue
        results = TRANSFORMS.build(t)(results)
        sizes.append((t['type'], tuple(results['img'].shape[:2])))
    return results, sizes


@pytest.mark.parametrize('path', ALL)
def test_data_protocol_356_321(path):
    """Short side 356, random / centre 321 crop, flip (utils/LoadData.py
    lines 21-26 and 41-42; sizes exper/train_frame.py lines 49-50)."""
    init_default_scope('mmspg')
    cfg = _cfg(path)
    img = np.random.RandomState(0).randint(0, 255, (400, 500, 3), np.uint8)
    box = [[100, 80, 300, 350]]
    _, sizes = _run(cfg.train_dataloader.dataset.pipeline, img, box)
    # short side (h = 400) -> 356; long side int(356 * 500 / 400) = 445,
    # truncated as utils/transforms/functional.py line 196
    assert sizes[0] == ('BoxAwareResizeEdge', (356, 445))
    assert sizes[1] == ('BoxAwareRandomCrop', (321, 321))
    assert sizes[2][0] == 'RandomFlip'
    resize = cfg.train_dataloader.dataset.pipeline[1]
    assert (resize.backend, resize.interpolation) == ('pillow', 'bilinear')
    results, sizes = _run(cfg.test_dataloader.dataset.pipeline, img, box)
    assert [s for _, s in sizes] == [(356, 445), (321, 321)]
    assert sizes[1][0] == 'CenterCrop'
    # boxes follow into the crop frame: x 0.89, then the centre crop's
    # offsets round((445 - 321) / 2) = 62, round((356 - 321) / 2) = 18
    # (the official CenterCrop rounds the same way,
    # utils/transforms/functional.py lines 263-264)
    np.testing.assert_allclose(
        results['gt_bboxes'][0],
        [100 * 0.89 - 62, 80 * 0.89 - 18, 300 * 0.89 - 62, 350 * 0.89 - 18],
        atol=0.01)
    assert cfg.test_evaluator.box_frame == 'input'
    assert cfg.test_evaluator.top5_loc_star is True
    # ImageNet mean / std (utils/LoadData.py lines 14-15)
    mean = cfg.get('data_preprocessor', cfg.model.get('data_preprocessor'))
    assert list(mean['mean']) == [123.675, 116.28, 103.53]


@pytest.mark.parametrize(
    'path, epochs, test_split',
    [
        (IN1K, 5, 'val'),  # scripts/train_imagenet_full_v5.sh line 10
        (CUB, 21, 'test'),  # exper/train_frame.py line 35 (no CUB script)
    ])
def test_schedule_batch_and_no_selection(path, epochs, test_split):
    cfg = _cfg(path)
    assert cfg.train_cfg.max_epochs == epochs
    # constant lr: --decay_points 'none' (train_frame.py line 56)
    assert cfg.param_scheduler == []
    # batch 20 over 2 GPUs (script line 10-11; train_frame.py lines 48, 58)
    assert cfg.train_dataloader.batch_size == 10
    assert cfg.auto_scale_lr.base_batch_size == 20
    # no validation (train_frame.py never validates): nothing is selected,
    # the last epoch is reported
    assert cfg.val_dataloader is None and cfg.val_cfg is None
    assert 'save_best' not in cfg.default_hooks.checkpoint
    assert cfg.test_dataloader.dataset.split == test_split
    assert cfg.train_dataloader.dataset.split == 'train'
    # the official model: no input transform (train_frame.py line 78,
    # inception3_spg.py line 76), the trunk of inception3_spg.py
    assert cfg.model.backbone.transform_input is False
    assert cfg.model.backbone.variant == 'spg-official'
    # seed thresholds of get_loss (inception3_spg.py lines 250, 267, 275)
    head = cfg.model.head
    assert (head.seed_b2.high_thr, head.seed_b2.low_thr) == (0.7, 0.05)
    assert (head.seed_b1.high_thr, head.seed_b1.low_thr) == (0.5, 0.05)
    assert (head.seed_c.high_thr, head.seed_c.low_thr) == (0.7, 0.1)
    assert head.mask_size == 224  # self.interp, line 122


def test_maps_are_40x40_at_321(in1k_model):
    model, _ = in1k_model
    model.eval()
    with torch.no_grad():
        feats = model.extract_feat(torch.rand(1, 3, 321, 321))
    assert [tuple(f.shape[-2:]) for f in feats] == [(40, 40)] * 3


def test_lr_of_every_parameter_group(in1k_model):
    """exper/my_optim.py lines 11-29: every weight at lr, every bias (BN
    biases included: 'bias' in name) at 2x lr; wd 5e-4, momentum 0.9,
    nesterov; the 10x/20x 'cls' groups are empty for inception3_spg."""
    model, cfg = in1k_model
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    opt = wrapper.optimizer
    assert type(opt).__name__ == 'SGD'
    lr_of = {}
    names = {id(p): n for n, p in model.named_parameters()}
    for group in opt.param_groups:
        assert group['nesterov'] is True
        assert group['momentum'] == 0.9
        assert group['weight_decay'] == 0.0005
        for p in group['params']:
            lr_of[names[id(p)]] = group['lr']
    assert set(lr_of) == set(names.values())
    for name, lr in lr_of.items():
        expected = 0.002 if name.endswith('.bias') else 0.001
        assert lr == pytest.approx(expected), name
    # the cases mmengine's bias_lr_mult would get wrong, and the head
    assert lr_of['backbone.Mixed_5b.branch1x1.bn.bias'] == pytest.approx(0.002)
    assert lr_of['backbone.Mixed_5b.branch1x1.bn.weight'] == pytest.approx(
        0.001)
    assert lr_of['head.cls_conv.weight'] == pytest.approx(0.001)
    assert lr_of['head.cls_conv.bias'] == pytest.approx(0.002)
    # no parameter name contains 'cls' in the official model
    # (the classifier is `classier_1`); ours names it cls_conv, and it
    # still trains at lr, as the official classifier does.
    # lr stays constant over the 5 epochs
    assert cfg.param_scheduler == []


def test_ablation_switches():
    expect = {
        'spg-plain': dict(with_spg_b=False, with_spg_c=False),
        'spg-b-only': dict(with_spg_b=True, with_spg_c=False),
        'spg-c-only': dict(with_spg_b=False, with_spg_c=True),
        'spg-no-init-seeds': dict(initial_seeds=False),
        'spg-unshared-b': dict(share_b_layers=False),
    }
    init_default_scope('mmspg')
    for path in ALL[2:]:
        cfg = _cfg(path)
        key = osp.basename(path).split('_')[0]
        for k, v in expect[key].items():
            assert cfg.model.head[k] is v, (path, k)
        # the rest of the recipe is the base one
        base = _cfg(IN1K if 'in1k' in path else CUB)
        assert cfg.optim_wrapper == base.optim_wrapper
        assert cfg.train_dataloader == base.train_dataloader


@pytest.mark.parametrize('path', ALL)
def test_no_dropout_and_the_official_map_resize(path):
    """The official F.dropout(x, 0.5) (inception3_spg.py lines 205-209) ran
    under PyTorch 0.3, whose default training=False made it a no-op; the
    official test map is get_localization_maps + cv2 INTER_LINEAR."""
    head = _cfg(path).model.head
    assert head.dropout_ratio == 0.0
    assert head.loc_resize == 'bilinear'


def test_official_model_is_the_same_function_in_train_and_eval(in1k_model):
    """Train-mode logits equal eval-mode logits for the same input: nothing
    in the official recipe's model is stochastic (the head has no
    BatchNorm, so its train/eval modes differ only by dropout)."""
    model, _ = in1k_model
    assert not [
        name for name, m in model.named_modules()
        if isinstance(m, torch.nn.Dropout) and m.p > 0
    ]
    model.eval()
    torch.manual_seed(1)
    with torch.no_grad():
        feats = model.extract_feat(torch.randn(2, 3, 96, 96))
        eval_logits = model.head(feats)
        model.head.train()
        train_logits = model.head(feats)
        train_again = model.head(feats)
    model.eval()
    torch.testing.assert_close(train_logits, eval_logits, rtol=0, atol=0)
    torch.testing.assert_close(train_again, eval_logits, rtol=0, atol=0)


def test_dropout_is_still_an_option():
    """dropout_ratio=0.5 trains with dropout (so the test above can fail)."""
    init_default_scope('mmspg')
    cfg = _cfg(IN1K)
    cfg.model.backbone.init_cfg = None
    head_cfg = dict(cfg.model.head, dropout_ratio=0.5, num_classes=10)
    head = MODELS.build(head_cfg)
    feats = (torch.randn(2, 288, 5,
                         5), torch.randn(2, 768, 5,
                                         5), torch.randn(2, 768, 5, 5))
    with torch.no_grad():
        head.eval()
        eval_logits = head(feats)
        head.train()
        torch.manual_seed(0)
        train_logits = head(feats)
    assert not torch.allclose(train_logits, eval_logits)
