# ACoL on the WSOL benchmark's VGG16-GAP (clovaai/wsolevaluation).
# One place for configs/acol/acol_vgg16-gap_*.py; recipes set num_classes.
# Two branches of two 3x3 convs to 1024 + 1x1 conv; erase threshold 0.7
# (config.py:212).
# Backbone: the benchmark's ACoL-VGG has 3x3/s2/p1 max-pools ('M1') after
# conv1-conv4 and a 3x3/s1/p1 pool ('M2') after conv5_3 (wsol/vgg.py:32-36
# config 'acol' '14x14', pools built at lines 270-273): WSOLVGG, mmpretrain's
# VGG with those pools (same parameters, so the same pretrained weights);
# 14x14 maps at 224 px.
# The 3x3 average pool before the branches (vgg.py:108) is pre_pool=True.
_base_ = ['./wsol_vgg16_gap.py']

model = dict(
    backbone=dict(
        type='WSOLVGG',
        with_last_pool=True,
        pools=[dict(kernel_size=3, stride=2, padding=1)] * 4 +
        [dict(kernel_size=3, stride=1, padding=1)]),
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
            type='Xavier', layer='Conv2d', distribution='uniform', bias=0.)))
