# SPG head on mmpretrain's own VGG-16 model config (docs/own_configs.md).
# Weights: mmpretrain's vgg16_batch256_imagenet_20210208-db26f1a5.pth (ours).
# mmpretrain's VGG-16 ends in its classifier (num_classes=1000): the head
# needs maps, so num_classes=-1 drops the classifier and out_indices picks
# conv stages 3, 4 and 5 (256, 512, 512 channels). The last max-pool is
# dropped (with_last_pool=False), as the WSOL benchmark's VGG-16 does, so
# SPG-A reads 14x14 maps at 224 px (B1 reads stage 3 at 28x28). Not in the
# SPG paper (Inception-v3 only); not yet measured.
# Input: PIL decode, no EXIF rotation; PIL bilinear 256 (train) / 224 (test).
_base_ = [
    'mmpretrain::_base_/models/vgg16.py',
    '../_base_/datasets/cub_wsol_bs32.py',
    '../_base_/schedules/cub_sgd_50e.py',
    '../_base_/default_runtime.py',
]

model = dict(
    _scope_='mmspg',  # see configs/spg/spg_resnet50-mmpretrain_1xb32_cub.py
    type='WSOLClassifier',
    backbone=dict(
        num_classes=-1,
        out_indices=(2, 3, 4),
        with_last_pool=False,
        init_cfg=dict(
            type='Pretrained',
            checkpoint='https://download.openmmlab.com/mmclassification/v0/'
            'vgg/vgg16_batch256_imagenet_20210208-db26f1a5.pth',
            prefix='backbone.')),
    neck=None,
    head=dict(
        _delete_=True,
        type='SPGHead',
        num_classes=200,
        in_channels=(256, 512, 512),
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
