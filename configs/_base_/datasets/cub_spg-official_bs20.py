# CUB-200-2011 under the official SPG code's data protocol
# (xiaomengyc/SPG @0006659), official layout in data/CUB_200_2011.
#
# Train (utils/LoadData.py lines 21-26; sizes exper/train_frame.py lines
# 49-50): short side resized to 356 (PIL bilinear, int-truncated long side:
# utils/transforms/functional.py lines 186-197), random 321 crop,
# horizontal flip.
# Test (LoadData.py lines 41-42): short side 356, centre crop 321; boxes are
# scored in that cropped input frame (box_frame='input').
# Normalisation: ImageNet mean/std (LoadData.py lines 14-15).
# Decode as the official code: PIL Image.open(f).convert('RGB'), stored
# frame, no EXIF rotation (utils/mydataset.py line 37; load_image of
# cub_common.py); resize with PIL's bilinear (functional.py lines 165,
# 193, 197), centre crop offsets int(round((h - 321) / 2.)) as mmcv's
# CenterCrop (functional.py lines 258-265).
# Batch: 20 in total (train_frame.py line 48), split over 2 GPUs by
# DataParallel (line 58, 83): 2 x 10 here.
# No validation split: the official training never validates and saves
# every epoch (train_frame.py lines 171-181); the recipe reports the last
# epoch on the test split.
# The preprocessor and the packing come from cub_common.py.
_base_ = ['./cub_common.py']

dataset_type = 'CUBWSOLDataset'
data_root = 'data/CUB_200_2011'

train_pipeline = [
    _base_.load_image,
    dict(
        type='BoxAwareResizeEdge',
        scale=356,
        edge='short',
        backend='pillow',
        interpolation='bilinear'),
    dict(type='BoxAwareRandomCrop', crop_size=321),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    _base_.pack_inputs,
]

test_pipeline = [
    _base_.load_image,
    dict(
        type='BoxAwareResizeEdge',
        scale=356,
        edge='short',
        backend='pillow',
        interpolation='bilinear'),
    dict(type='CenterCrop', crop_size=321),
    _base_.pack_inputs,
]

train_dataloader = dict(
    batch_size=10,
    num_workers=4,
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split='train',
        pipeline=train_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=True),
)

val_dataloader = None
val_evaluator = None
val_cfg = None

test_dataloader = dict(
    batch_size=10,
    num_workers=4,
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split='test',
        pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
# The official repository has no box-extraction code (val_frame.py saves the
# top-5 maps, utils/save_atten.py save_top_5_atten_maps): cam_threshold=0.2
# (CAM's 20%-of-max rule) is ours; MaxBoxAcc/MaxBoxAccV2 need no threshold.
test_evaluator = dict(
    type='WSOLMetric',
    cam_threshold=0.2,
    box_frame='input',
    top5_loc_star=True)
