# SPG on the WSOL Inception-v3 (Zhang et al., ECCV 2018; official code
# xiaomengyc/SPG models/google/inception3_spg.py): Mixed_6a at stride 1 so a
# 224 px input gives 28x28 maps; SPG-A/B/C as in the paper.
model = dict(
    type='WSOLClassifier',
    backbone=dict(
        type='SPGInceptionV3',
        # Mixed_5d (B1), Mixed_6d (B2), Mixed_6e (SPG-A).
        out_indices=('Mixed_5d', 'Mixed_6d', 'Mixed_6e'),
        # The Google weights expect inputs in [-1, 1]: undo the ImageNet
        # mean/std of the data preprocessor, as torchvision and the
        # official code do for these weights.
        transform_input=True,
        init_cfg=dict(
            type='Pretrained',
            checkpoint='https://download.pytorch.org/models/'
            'inception_v3_google-0cc3c7bd.pth')),
    head=dict(
        type='SPGHead',
        num_classes=1000,
        in_channels=(288, 768, 768),
        mid_channels=1024,
        guidance_channels=512,
        dropout_ratio=0.5,
        with_spg_b=True,
        with_spg_c=True,
        # Seed thresholds of the official code: (high, low) for B2 from the
        # SPG-A attention, B1 from B2's output, C from the fused B1/B2 map.
        seed_b2=dict(high_thr=0.7, low_thr=0.05),
        seed_b1=dict(high_thr=0.5, low_thr=0.05),
        seed_c=dict(high_thr=0.7, low_thr=0.1),
        mask_size=224,
        loc_topk=5,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
        loss_guidance=dict(type='SPGLoss', loss_weight=1.0)),
)
