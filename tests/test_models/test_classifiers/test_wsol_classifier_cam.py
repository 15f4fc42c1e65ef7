"""CAM localisation for a plain mmpretrain classifier: an mmpretrain
ResNet + GlobalAveragePooling + LinearClsHead model config gets CAMs and
every WSOLMetric metric by changing ``model.type`` only."""
import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.registry import init_default_scope

from mmspg.datasets import generate_synthetic_cub
from mmspg.models.utils import resize_loc_maps
from mmspg.registry import DATASETS, METRICS, MODELS

# An mmpretrain classification config (its own model file); only
# model.type changes (plus sizes that keep the test fast).
CONFIG = """
_base_ = ['mmpretrain::_base_/models/resnet18.py']
default_scope = 'mmpretrain'
model = dict(
    type='mmspg.WSOLClassifier',
    backbone=dict(base_channels=8, stem_channels=8),
    head=dict(num_classes=2, in_channels=64, topk=(1, )))
"""
PACK = dict(type='mmspg.LoadImageFromFileWSOL'), dict(
    type='Resize', scale=(64, 64), keep_ratio=False), dict(
        type='PackInputs',
        algorithm_keys=['gt_bboxes', 'ori_gt_bboxes', 'image_id'],
        meta_keys=['sample_idx', 'img_path', 'ori_shape', 'img_shape'])


@pytest.fixture(scope='module')
def cub_root(tmp_path_factory):
    root = tmp_path_factory.mktemp('cam_cub') / 'CUB_200_2011'
    generate_synthetic_cub(
        str(root), seed=5, num_classes=2, train_per_class=1, test_per_class=3)
    return str(root)


@pytest.fixture
def model(tmp_path):
    path = tmp_path / 'resnet18_cam.py'
    path.write_text(CONFIG)
    cfg = Config.fromfile(str(path))
    init_default_scope(cfg.default_scope)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    return model.eval()


def test_mmpretrain_config_builds_a_cam_localizer(model):
    assert type(model).__name__ == 'WSOLClassifier'
    assert type(model.head).__name__ == 'LinearClsHead'
    assert type(model.neck).__name__ == 'GlobalAveragePooling'
    assert not model.localizes


def test_cams_agree_with_the_logits(model):
    inputs = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        feat = model.backbone(inputs)[-1]
        cams = model.class_activation_maps(feat)
        logits = model.head(model.neck((feat, )))
        out = model.predict(inputs)
    # GAP + linear: the spatial mean of the CAM is the class logit
    torch.testing.assert_close(cams.mean(dim=(2, 3)), logits)
    torch.testing.assert_close(
        torch.stack([o.pred_score for o in out]), F.softmax(logits, dim=1))
    top = torch.stack([o.loc_labels for o in out])
    # the WSOL benchmark's map: raw CAM, OpenCV bicubic, min-max
    expected = resize_loc_maps(
        cams.gather(1, top[:, :, None, None].expand(-1, -1, 2, 2)), (64, 64),
        'bicubic')
    torch.testing.assert_close(
        torch.stack([o.loc_maps for o in out]), expected)


def test_wsol_metrics_for_a_plain_classifier(model, cub_root):
    init_default_scope('mmspg')
    dataset = DATASETS.build(
        dict(
            type='CUBWSOLDataset',
            data_root=cub_root,
            split='test',
            pipeline=list(PACK)))
    metric = METRICS.build(
        dict(type='WSOLMetric', cam_threshold=0.2, box_frame='benchmark'))
    metric.dataset_meta = dataset.metainfo
    batch = pseudo_collate([dataset[i] for i in range(len(dataset))])
    with torch.no_grad():
        out = model.val_step(batch)
    assert all(o.gt_loc_map.shape == (64, 64) for o in out)
    metric.process(batch, out)
    res = metric.evaluate(len(out))
    for key in ('top1_cls', 'top1_loc', 'top5_loc', 'gt_known_loc',
                'maxboxacc', 'maxboxacc_v2', 'best_threshold'):
        assert f'wsol/{key}' in res
    assert 0 <= res['wsol/gt_known_loc'] <= 100
    # top-1 loc counts only correctly classified images
    assert res['wsol/top1_loc'] <= res['wsol/top1_cls'] + 1e-9


@pytest.mark.parametrize('change, key', [
    (dict(neck=None), 'GlobalAveragePooling'),
    (dict(
        head=dict(
            type='StackedLinearClsHead',
            num_classes=2,
            in_channels=64,
            mid_channels=[16])), 'linear classifier'),
    (dict(head=dict(type='LinearClsHead', num_classes=2, in_channels=32)),
     'model.head.in_channels=64'),
])
def test_wrong_classifier_stops_at_build(change, key):
    cfg = dict(
        type='WSOLClassifier',
        backbone=dict(
            type='ResNet', depth=18, base_channels=8, stem_channels=8),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=2, in_channels=64))
    cfg.update(change)
    init_default_scope('mmspg')
    with pytest.raises(ValueError, match=key):
        MODELS.build(cfg)


def test_any_head_whose_predict_takes_input_size_localizes():
    """The contract of a localisation head (CAMHead, ACoLHead, SPGHead...):
    ``predict(feats, data_samples, input_size)``; such a head gets the maps
    and the input size, never the CAM-from-fc path."""
    from mmpretrain.models.heads import ClsHead

    from mmspg.registry import MODELS as MMSPG_MODELS

    class _MapHead(ClsHead):

        def predict(self, feats, data_samples=None, input_size=None):
            self.seen = (tuple(f.shape for f in feats), tuple(input_size))
            return data_samples

    MMSPG_MODELS.register_module('_TestMapHead', module=_MapHead, force=True)
    init_default_scope('mmspg')
    model = MODELS.build(
        dict(
            type='WSOLClassifier',
            backbone=dict(
                type='ResNet',
                depth=18,
                base_channels=8,
                stem_channels=8,
                out_indices=(2, 3)),
            neck=None,
            head=dict(type='_TestMapHead')))
    assert model.localizes
    model.eval()
    with torch.no_grad():
        model.predict(torch.randn(1, 3, 32, 32))
    assert model.head.seen == (((1, 32, 2, 2), (1, 64, 1, 1)), (32, 32))
    # a pooling neck would hand it vectors: refused at build time
    with pytest.raises(ValueError, match='set neck=None'):
        MODELS.build(
            dict(
                type='WSOLClassifier',
                backbone=dict(
                    type='ResNet', depth=18, base_channels=8, stem_channels=8),
                neck=dict(type='GlobalAveragePooling'),
                head=dict(type='_TestMapHead')))


def test_linear_cls_head_cams_equal_cam_head_linear(model):
    """One prediction path: a LinearClsHead model's CAMs (WSOLClassifier's
    own path) give the same fields as CAMHead(classifier='linear') with the
    same fc weights."""
    from mmpretrain.structures import DataSample
    cam_head = MODELS.build(
        dict(
            type='mmspg.CAMHead',
            num_classes=2,
            in_channels=64,
            classifier='linear',
            loc_topk=model.loc_topk)).eval()
    cam_head.fc.load_state_dict(model.head.fc.state_dict())
    inputs = torch.randn(3, 3, 64, 64)

    def samples():
        return [DataSample().set_gt_label(i % 2) for i in range(3)]

    with torch.no_grad():
        ours = model.predict(inputs, samples())
        feats = model.backbone(inputs)
        theirs = cam_head.predict(feats, samples(), input_size=(64, 64))
    for a, b in zip(ours, theirs):
        torch.testing.assert_close(a.pred_score, b.pred_score)
        assert torch.equal(a.loc_labels, b.loc_labels)
        torch.testing.assert_close(a.loc_maps, b.loc_maps)
        torch.testing.assert_close(a.gt_loc_map, b.gt_loc_map)


def test_linear_head_records_whether_cams_were_finite(model):
    inputs = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        assert [o.raw_maps_finite
                for o in model.predict(inputs)] == [True, True]
        model.head.fc.weight[0, 0] = float('nan')  # every CAM of class 0
        out = model.predict(inputs)
    assert [o.raw_maps_finite for o in out] == [False, False]
