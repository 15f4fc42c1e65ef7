"""A tiny random-weights SPG localizer (config file + checkpoint) for the
API and CLI tests, built once per test session."""
import pytest
import torch

CLASSES = ['cat', 'dog', 'bird']
INPUT_SIZE = 64
MASK_SIZE = 32

TINY_CONFIG = f"""
default_scope = 'mmspg'
custom_imports = dict(imports=['mmspg'], allow_failed_imports=False)
model = dict(
    type='WSOLClassifier',
    data_preprocessor=dict(
        num_classes=3, mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375], to_rgb=True),
    backbone=dict(
        type='ResNet', depth=18, stem_channels=8, base_channels=8,
        num_stages=4, strides=(1, 2, 1, 1), dilations=(1, 1, 2, 4),
        out_indices=(1, 2, 3)),
    head=dict(
        type='SPGHead', num_classes=3, in_channels=(16, 32, 64),
        mid_channels=16, guidance_channels=8, mask_size={MASK_SIZE},
        loc_topk=3))
pack_inputs = dict(
    type='PackInputs',
    algorithm_keys=['gt_bboxes', 'ori_gt_bboxes', 'image_id'],
    meta_keys=['sample_idx', 'img_path', 'ori_shape', 'img_shape',
               'scale_factor'])
test_pipeline = [
    dict(type='LoadImageFromFileWSOL'),
    dict(type='Resize', scale=({INPUT_SIZE}, {INPUT_SIZE}), keep_ratio=False),
    pack_inputs,
]
test_dataloader = dict(
    batch_size=2,
    dataset=dict(type='CustomDataset', data_root='', pipeline=test_pipeline))
test_evaluator = dict(type='WSOLMetric', cam_threshold=0.3)
"""


@pytest.fixture(scope='session')
def tiny_config(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp('cfg') / 'tiny_spg.py'
    path.write_text(TINY_CONFIG)
    return str(path)


@pytest.fixture(scope='session')
def tiny_checkpoint(tiny_config, tmp_path_factory) -> str:
    """Random weights saved the way mmengine's CheckpointHook does, with
    the class names in ``meta['dataset_meta']``."""
    from mmspg.apis import init_localizer
    torch.manual_seed(0)
    model = init_localizer(tiny_config, device='cpu')
    path = tmp_path_factory.mktemp('ckpt') / 'tiny_spg.pth'
    torch.save(
        dict(
            state_dict=model.state_dict(),
            meta=dict(dataset_meta=dict(classes=CLASSES))), str(path))
    return str(path)


@pytest.fixture(scope='session')
def tiny_model(tiny_config, tiny_checkpoint):
    from mmspg.apis import init_localizer
    return init_localizer(tiny_config, tiny_checkpoint, device='cpu')
