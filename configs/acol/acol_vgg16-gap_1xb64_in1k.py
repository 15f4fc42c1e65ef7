# ACoL, VGG16-GAP, ImageNet-1k, under the WSOL
# benchmark protocol (Choe et al., CVPR 2020 / TPAMI; clovaai/wsolevaluation).
# Benchmark test MaxBoxAccV2: CAM 60.0 -2.6 (its README.md:370 table).
# Not yet reproduced here (no data or pretrained weights on the CI machines).
# Two branches of two 3x3 convs to 1024 + 1x1 conv; erase threshold 0.7
# (config.py:212).
# Backbone deviation: the benchmark's ACoL-VGG uses 3x3/s2/p1 max-pools
# and a stride-1 pool after conv5_3 (wsol/vgg.py:32-36, 270-273);
# mmpretrain's VGG has 2x2 pools and no pool5 here (same 14x14 maps).
# The 3x3 average pool before the branches (vgg.py:108) is pre_pool=True.
_base_ = ['../cam/cam_vgg16-gap_1xb64_in1k.py']

model = dict(
    head=dict(
        _delete_=True,
        type='ACoLHead',
        num_classes=1000,
        in_channels=512,
        conv_channels=(1024, 1024),
        erase_threshold=0.7,
        pre_pool=True,
        loc_topk=5,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
        # wsol/vgg.py:102
        init_cfg=dict(
            type='Xavier',
            layer='Conv2d',
            distribution='uniform',
            bias=0.)))
