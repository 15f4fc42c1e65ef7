# CUB-200-2011 under the WSOL benchmark protocol (Choe et al., CVPR 2020 /
# TPAMI; clovaai/wsolevaluation): its metadata splits (copy its `metadata/`
# folder into data/wsolevaluation/metadata):
#   train      metadata/CUB/train  (5994 images, labels only)
#   val        metadata/CUB/val    ("train-fullsup", 1000 images with boxes:
#                                    hyper-parameter / checkpoint selection)
#   test       metadata/CUB/test   (5794 images with boxes: the reported split)
# Images under data/wsolevaluation/dataset/CUB (dataset/prepare_cub.sh).
# Train: resize 256 x 256, random 224 crop, flip; test: resize 224 x 224
# (data_loaders.py:208-224); ImageNet mean/std (data_loaders.py:30-31).
# Report the last checkpoint on `test` (README "We suggest to use the last
# checkpoint", main.py --eval_checkpoint_type last, config.py:183).
data_root = 'data/wsolevaluation'

data_preprocessor = dict(
    num_classes=200,
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    to_rgb=True,
)

pack_inputs = dict(
    type='PackInputs',
    algorithm_keys=['gt_bboxes', 'ori_gt_bboxes', 'image_id'],
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


train_dataloader = dict(
    batch_size=64,  # config.py:189
    num_workers=4,
    dataset=dict(
        type='WSOLMetadataDataset',
        data_root=data_root,
        metadata_root='metadata/CUB/train',
        data_prefix='dataset/CUB',
        pipeline=train_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=True),
)
val_dataloader = dict(
    batch_size=64,
    num_workers=4,
    dataset=dict(
        type='WSOLMetadataDataset',
        data_root=data_root,
        metadata_root='metadata/CUB/val',
        data_prefix='dataset/CUB',
        pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
test_dataloader = dict(
    batch_size=64,
    num_workers=4,
    dataset=dict(
        type='WSOLMetadataDataset',
        data_root=data_root,
        metadata_root='metadata/CUB/test',
        data_prefix='dataset/CUB',
        pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False),
)

# MaxBoxAccV2 (IoU 30/50/70, all contours) at threshold step 0.001 in the
# benchmark's 224 frame (config.py:171, 177-181).
val_evaluator = dict(
    type='WSOLEvaluator',
    cam_curve_interval=0.001,
    iou_thresholds=(30, 50, 70),
    box_frame='benchmark')
test_evaluator = val_evaluator
