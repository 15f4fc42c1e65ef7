# ACoL, Inception-v3, CUB-200-2011, under the WSOL
# benchmark protocol (Choe et al., CVPR 2020 / TPAMI; clovaai/wsolevaluation).
# Benchmark test MaxBoxAccV2: CAM 56.7 -0.5 (its README.md:370 table).
# Not yet reproduced here (no data or pretrained weights on the CI machines).
# Two branches of two 3x3 convs to 1024 + 1x1 conv; erase threshold 0.7
# (config.py:212).
_base_ = ['../cam/cam_inception-v3_1xb64_cub.py']

model = dict(
    head=dict(
        _delete_=True,
        type='ACoLHead',
        num_classes=200,
        in_channels=768,
        conv_channels=(1024, 1024),
        erase_threshold=0.7,
        pre_pool=False,
        loc_topk=5,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
        # wsol/inception.py:255
        init_cfg=dict(
            type='Xavier',
            layer='Conv2d',
            distribution='uniform',
            bias=0.)))
