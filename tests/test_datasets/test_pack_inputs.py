"""The configs' pipelines carry boxes and ids into the DataSample."""
import numpy as np
import pytest
import torch
from datasets_testutils import make_cub
from mmengine.dataset import default_collate

from mmspg.registry import DATASETS

PACK = dict(
    type='PackInputs',
    algorithm_keys=['gt_bboxes', 'ori_gt_bboxes', 'image_id'],
    meta_keys=[
        'sample_idx', 'img_path', 'ori_shape', 'img_shape', 'scale_factor',
        'flip', 'flip_direction'
    ])
TRAIN = [
    dict(type='LoadImageFromFileWSOL', on_error='skip'),
    dict(type='Resize', scale=(256, 256), keep_ratio=False),
    dict(type='BoxAwareRandomCrop', crop_size=224),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'), PACK
]
TEST_BENCHMARK = [
    dict(type='LoadImageFromFileWSOL'),
    dict(type='Resize', scale=(224, 224), keep_ratio=False), PACK
]
TEST_SPG = [
    dict(type='LoadImageFromFileWSOL'),
    dict(type='Resize', scale=(256, 256), keep_ratio=False),
    dict(type='CenterCrop', crop_size=224), PACK
]


@pytest.mark.parametrize('pipeline, split', [(TRAIN, 'train'),
                                             (TEST_BENCHMARK, 'test'),
                                             (TEST_SPG, 'test')])
def test_pack_carries_boxes(tmp_path, pipeline, split):
    root = make_cub(tmp_path / 'cub')
    ds = DATASETS.build(
        dict(
            type='CUBWSOLDataset',
            data_root=root,
            split=split,
            test_mode=split == 'test',
            pipeline=pipeline))
    sample = ds[0]
    inputs, ds0 = sample['inputs'], sample['data_samples']
    assert inputs.shape == (3, 224, 224) and inputs.dtype == torch.uint8
    info = ds.get_data_info(0)
    # PackInputs keeps algorithm keys as they are: numpy arrays, not
    # tensors (mmcv's Resize turns float32 boxes into float64).
    assert isinstance(ds0.gt_bboxes, np.ndarray)
    assert isinstance(ds0.ori_gt_bboxes, np.ndarray)
    assert ds0.gt_bboxes.shape == (1, 4)
    np.testing.assert_array_equal(ds0.ori_gt_bboxes, info['gt_bboxes'])
    assert ds0.image_id == info['image_id']
    assert ds0.gt_label.tolist() == [info['gt_label']]
    w, h = info.get('img_size') or (None, None)
    if w is not None:
        assert ds0.ori_shape == (h, w)
    assert tuple(ds0.img_shape) == (224, 224)
    assert (ds0.gt_bboxes >= 0).all() and (ds0.gt_bboxes <= 224).all()

    batch = default_collate([ds[0], ds[1]])
    assert batch['inputs'].shape == (2, 3, 224, 224)
    assert isinstance(batch['data_samples'], list)
    assert isinstance(batch['data_samples'][1].gt_bboxes, np.ndarray)


def test_benchmark_protocol_box_numbers(tmp_path):
    root = make_cub(tmp_path / 'cub')
    ds = DATASETS.build(
        dict(
            type='CUBWSOLDataset',
            data_root=root,
            split='test',
            test_mode=True,
            pipeline=TEST_BENCHMARK))
    s = ds[0]['data_samples']
    # 36x24 image -> 224x224: box (5.5, 4, 25.5, 16) scales by (224/36,
    # 224/24).
    np.testing.assert_allclose(
        s.gt_bboxes,
        [[5.5 * 224 / 36, 4 * 224 / 24, 25.5 * 224 / 36, 16 * 224 / 24]],
        rtol=1e-5)
