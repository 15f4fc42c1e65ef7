# What the CUB-200-2011 data bases share (cub_wsol_bs32.py,
# cub_wsolbench_bs64.py and, through it, openimages_wsolbench_bs64.py;
# cub_spg-official_bs20.py takes the preprocessor and packing only).
# Normalisation: ImageNet mean/std (clovaai/wsolevaluation data_loaders.py
# lines 30-31; the official SPG code, utils/LoadData.py lines 14-15).
# Pipelines: the WSOL benchmark's transforms (data_loaders.py lines 209-225):
# train resize to 256 x 256, random 224 crop, horizontal flip; test resize to
# 224 x 224 without crop.
# Decode and resize as the benchmark: PIL, Image.open(f).convert('RGB') in
# the stored frame, no EXIF rotation (data_loaders.py lines 196-197), and
# torchvision's Resize on that PIL image, i.e. PIL's bilinear filter, which
# antialiases when it shrinks (lines 210, 217, 222): mmcv's Resize with
# backend='pillow'. OpenCV's bilinear (mmcv's default) does not antialias.
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

load_image = dict(
    type='LoadImageFromFileWSOL', on_error='raise', imdecode_backend='pillow')
train_pipeline = [
    load_image,
    dict(
        type='Resize',
        scale=(256, 256),
        keep_ratio=False,
        backend='pillow',
        interpolation='bilinear'),
    dict(type='BoxAwareRandomCrop', crop_size=224),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    pack_inputs,
]
test_pipeline = [
    load_image,
    dict(
        type='Resize',
        scale=(224, 224),
        keep_ratio=False,
        backend='pillow',
        interpolation='bilinear'),
    pack_inputs,
]
