# OpenImages30k under the WSOL benchmark protocol (clovaai/wsolevaluation
# metadata/OpenImages, dataset/prepare_openimages.sh): 100 classes;
# train = 29819 images with labels only, val ("train-fullsup") = 2500 and
# test = 5000 images with instance masks and ignore masks. Images and masks
# (beside the images, README.md:485-513) under
# data/wsolevaluation/dataset/OpenImages (the benchmark's default
# --mask_root = --data_root, config.py:145-151, 76-78). The metric is PxAP
# (and PIoU at the best threshold) from the masks; pipelines and checkpoint
# protocol as configs/_base_/datasets/wsol_benchmark_cub.py.
_base_ = ['./wsol_benchmark_cub.py']

data_preprocessor = dict(num_classes=100)

pack_inputs = dict(
    type='PackInputs',
    algorithm_keys=[
        'gt_bboxes', 'ori_gt_bboxes', 'image_id', 'gt_mask_paths',
        'ignore_mask_path'
    ],
    meta_keys=[
        'sample_idx', 'img_path', 'ori_shape', 'img_shape', 'scale_factor',
        'flip', 'flip_direction'
    ])
train_pipeline = [
    dict(type='LoadImageFromFileWSOL', on_error='raise'),
    dict(type='Resize', scale=(256, 256), keep_ratio=False),
    dict(type='BoxAwareRandomCrop', crop_size=224),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    pack_inputs,
]
test_pipeline = [
    dict(type='LoadImageFromFileWSOL', on_error='raise'),
    dict(type='Resize', scale=(224, 224), keep_ratio=False),
    pack_inputs,
]

# batch 32: the benchmark's OpenImages example (README.md:543)
train_dataloader = dict(
    batch_size=32,
    dataset=dict(
        _delete_=True,
        type='OpenImagesWSOLDataset',
        data_root={{_base_.data_root}},
        metadata_root='metadata/OpenImages/train',
        data_prefix='dataset/OpenImages',
        require_masks=False,
        pipeline=train_pipeline))
val_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='OpenImagesWSOLDataset',
        data_root={{_base_.data_root}},
        metadata_root='metadata/OpenImages/val',
        data_prefix='dataset/OpenImages',
        require_masks=True,
        pipeline=test_pipeline))
test_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='OpenImagesWSOLDataset',
        data_root={{_base_.data_root}},
        metadata_root='metadata/OpenImages/test',
        data_prefix='dataset/OpenImages',
        require_masks=True,
        pipeline=test_pipeline))
# PxAP over the 0.001 threshold grid (config.py:171); keys wsol/pxap,
# wsol/piou, wsol/top1_cls
val_evaluator = dict(type='WSOLEvaluator', cam_curve_interval=0.001)
test_evaluator = val_evaluator
