# SPG head on mmpretrain's own ResNet-50 model config: any OpenMMLab
# classifier config takes the head by inheriting it and swapping the head
# (docs/own_configs.md).
# Weights: mmpretrain's resnet50_8xb32_in1k_20210831-ea4938fc.pth (ours).
# `_scope_='mmspg'` on the model: the dicts inherited
# from an `mmpretrain::` config carry `_scope_='mmpretrain'`, in which the
# mmspg types are unknown; in the mmspg scope every mmpretrain type still
# resolves.
# The backbone keeps stride 16 at the last stage (dilation 2), so a 224 px
# input gives 14x14 maps; B1 reads stage 2 (512 ch, 28x28), B2 stage 3
# (1024 ch), SPG-A stage 4 (2048 ch). Not in the SPG paper; not yet measured.
# Input: PIL decode, no EXIF rotation; PIL bilinear 256 (train) / 224 (test).
_base_ = [
    'mmpretrain::_base_/models/resnet50.py',
    '../_base_/datasets/cub_wsol_bs32.py',
    '../_base_/schedules/cub_sgd_50e.py',
    '../_base_/default_runtime.py',
]

model = dict(
    _scope_='mmspg',
    type='WSOLClassifier',
    backbone=dict(
        out_indices=(1, 2, 3),
        strides=(1, 2, 2, 1),
        dilations=(1, 1, 1, 2),
        init_cfg=dict(
            type='Pretrained',
            checkpoint='https://download.openmmlab.com/mmclassification/v0/'
            'resnet/resnet50_8xb32_in1k_20210831-ea4938fc.pth',
            prefix='backbone.')),
    # SPG-A does its own pooling after the CAM layer.
    neck=None,
    head=dict(
        _delete_=True,
        type='SPGHead',
        num_classes=200,
        in_channels=(512, 1024, 2048),
        mid_channels=1024,
        guidance_channels=512,
        dropout_ratio=0.5,
        seed_b2=dict(high_thr=0.7, low_thr=0.05),
        seed_b1=dict(high_thr=0.5, low_thr=0.05),
        seed_c=dict(high_thr=0.7, low_thr=0.1),
        mask_size=224,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
        loss_guidance=dict(type='SPGLoss', loss_weight=1.0)),
)
