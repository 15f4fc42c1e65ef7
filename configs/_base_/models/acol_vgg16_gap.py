# ACoL on the WSOL benchmark's VGG16-GAP (clovaai/wsolevaluation).
# One place for configs/acol/acol_vgg16-gap_*.py; recipes set num_classes.
# Two branches of two 3x3 convs to 1024 + 1x1 conv; erase threshold 0.7
# (config.py:212).
# Backbone deviation: the benchmark's ACoL-VGG uses 3x3/s2/p1 max-pools
# and a stride-1 pool after conv5_3 (wsol/vgg.py:32-36, 270-273);
# mmpretrain's VGG has 2x2 pools and no pool5 here (same 14x14 maps).
# The 3x3 average pool before the branches (vgg.py:108) is pre_pool=True.
_base_ = ['./wsol_vgg16_gap.py']

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
