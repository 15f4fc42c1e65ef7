# CUB under the WSOL benchmark protocol (Choe et al., CVPR 2020;
# clovaai/wsolevaluation), with the benchmark's metadata splits:
#   train = train-weaksup (CUB-200-2011 train), val = train-fullsup (CUBV2,
#   5 images per class), test = CUB-200-2011 test (README lines 87-91).
# Layout (the benchmark's dataset/ and metadata/ folders, README
# section 6), under data/wsolevaluation:
#   dataset/CUB/<class>/<image>.jpg   (train, CUBV2 and test images share
#                                      one root, config.py line 71)
#   metadata/CUB/{train,val,test}/{image_ids,class_labels,image_sizes,
#                                  localization}.txt
# Train (data_loaders.py lines 210-214): resize to 256 x 256 (config.py line
# 173), random 224 crop (line 175), horizontal flip, ImageNet mean/std
# (data_loaders.py lines 30-31). Val / test (lines 216-225): resize to
# 224 x 224, no crop; boxes scored in the benchmark's 224 frame.
# Batch 64 on one GPU (config.py line 189; main.py has no DataParallel).
# Selection: the val split (train-fullsup) every epoch (main.py lines
# 373-376); the benchmark reports the LAST checkpoint on test
# (config.py line 183, README lines 378-379).
dataset_type = 'WSOLMetadataDataset'
data_root = 'data/wsolevaluation'
image_prefix = 'dataset/CUB'
metadata_prefix = 'metadata/CUB'

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
    batch_size=64,
    num_workers=4,
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        metadata_root=metadata_prefix + '/train',
        data_prefix=image_prefix,
        pipeline=train_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=True),
)
val_dataloader = dict(
    batch_size=64,
    num_workers=4,
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        metadata_root=metadata_prefix + '/val',
        data_prefix=image_prefix,
        test_mode=True,
        pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
test_dataloader = dict(
    batch_size=64,
    num_workers=4,
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        metadata_root=metadata_prefix + '/test',
        data_prefix=image_prefix,
        test_mode=True,
        pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
# MaxBoxAccV2 at IoU 30/50/70 on the threshold grid of step 0.001
# (config.py lines 171, 181-185); cam_threshold (Top-1/Top-5 Loc, which
# the benchmark does not report) is ours.
val_evaluator = dict(
    type='WSOLEvaluator',
    cam_threshold=0.2,
    cam_curve_interval=0.001,
    iou_thresholds=(30, 50, 70),
    box_frame='benchmark')
test_evaluator = val_evaluator
