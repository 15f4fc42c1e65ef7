# CUB-200-2011 under the WSOL benchmark protocol (Choe et al., CVPR 2020 /
# TPAMI; clovaai/wsolevaluation), with the benchmark's metadata splits
# (README lines 87-91; copy its metadata/ folder into
# data/wsolevaluation/metadata):
#   train  metadata/CUB/train  train-weaksup = CUB-200-2011 train, 5994
#                              images, labels only
#   val    metadata/CUB/val    train-fullsup = CUBV2, 1000 images with boxes
#                              (5 per class, README line 377): selection
#   test   metadata/CUB/test   CUB-200-2011 test, 5794 images with boxes: the
#                              reported split
# Images under data/wsolevaluation/dataset/CUB (dataset/prepare_cub.sh); the
# three splits share one image root (config.py line 71).
# Train (data_loaders.py lines 209-215): resize to 256 x 256 (config.py line
# 173), random 224 crop (line 175), horizontal flip; val / test (lines
# 216-225): resize to 224 x 224, no crop, boxes scored in that 224 frame.
# ImageNet mean/std (data_loaders.py lines 30-31).
# Batch 64 on one GPU (config.py line 189; main.py has no DataParallel) for
# every split (data_loaders.py line 237).
# Selection: val (train-fullsup) after every epoch (main.py lines 373-376);
# the benchmark reports the LAST checkpoint on test (config.py line 183,
# README lines 378-379).
# The preprocessor, the packing and both pipelines come from cub_common.py.
_base_ = ['./cub_common.py']

dataset_type = 'WSOLMetadataDataset'
data_root = 'data/wsolevaluation'
image_prefix = 'dataset/CUB'
metadata_prefix = 'metadata/CUB'

train_dataloader = dict(
    batch_size=64,
    num_workers=4,  # config.py line 139
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        metadata_root=metadata_prefix + '/train',
        data_prefix=image_prefix,
        pipeline=_base_.train_pipeline),
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
        pipeline=_base_.test_pipeline),
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
        pipeline=_base_.test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False),
)

# MaxBoxAccV2 (box_v2_metric, config.py line 185): all contours (line 177),
# IoU 30/50/70 (lines 179-182) over the threshold grid of step 0.001 (line
# 171), in the benchmark's 224 frame. cam_threshold (our Top-1/Top-5 Loc,
# which the benchmark does not report) is ours.
val_evaluator = dict(
    type='WSOLMetric',
    cam_threshold=0.2,
    cam_curve_interval=0.001,
    iou_thresholds=(30, 50, 70),
    box_frame='benchmark')
test_evaluator = val_evaluator
