# SPG head on mmpretrain's own Swin-T model config (docs/own_configs.md).
# Weights: mmpretrain's swin_tiny_224_b16x64_300e_imagenet_*.pth (init_cfg).
# Swin-T returns (N, C, H, W) maps of its stages; out_indices=(1, 2, 3)
# gives 192, 384 and 768 channels at strides 8, 16 and 32 (28, 14 and 7 px
# at 224 px). mmpretrain's Swin-T config trains with Mixup and CutMix
# (train_cfg.augments, kept here): SPGHead's classification loss then uses
# the mixed `gt_score` (ClsHead._get_loss) and its seeds the same mixture of
# CAMs (see SPGHead's docstring). Not in the SPG paper; not yet measured.
# Input: PIL decode, no EXIF rotation; PIL bilinear 256 (train) / 224 (test).
_base_ = [
    'mmpretrain::_base_/models/swin_transformer/tiny_224.py',
    '../_base_/datasets/cub_wsol_bs32.py',
    '../_base_/schedules/cub_sgd_50e.py',
    '../_base_/default_runtime.py',
]

model = dict(
    _scope_='mmspg',  # see configs/spg/spg_resnet50-mmpretrain_1xb32_cub.py
    type='WSOLClassifier',
    backbone=dict(
        out_indices=(1, 2, 3),
        init_cfg=dict(
            type='Pretrained',
            checkpoint='https://download.openmmlab.com/mmclassification/v0/'
            'swin-transformer/swin_tiny_224_b16x64_300e_imagenet_20210616_'
            '090925-66df6be6.pth',
            prefix='backbone.')),
    neck=None,
    head=dict(
        _delete_=True,
        type='SPGHead',
        num_classes=200,
        in_channels=(192, 384, 768),
        mid_channels=1024,
        guidance_channels=512,
        dropout_ratio=0.5,
        seed_b2=dict(high_thr=0.7, low_thr=0.05),
        seed_b1=dict(high_thr=0.5, low_thr=0.05),
        seed_c=dict(high_thr=0.7, low_thr=0.1),
        mask_size=224,
        # soft targets: Mixup/CutMix (train_cfg.augments) mix the labels
        loss=dict(type='CrossEntropyLoss', use_soft=True, loss_weight=1.0),
        loss_guidance=dict(type='SPGLoss', loss_weight=1.0)),
)
