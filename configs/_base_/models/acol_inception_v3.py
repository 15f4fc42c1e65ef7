# ACoL on the WSOL benchmark's Inception-v3 (clovaai/wsolevaluation).
# One place for configs/acol/acol_inception-v3_*.py; recipes set num_classes.
# Two branches of two 3x3 convs to 1024 + 1x1 conv; erase threshold 0.7
# (config.py:212).
_base_ = ['./wsol_inception_v3.py']

model = dict(
    head=dict(
        _delete_=True,
        type='ACoLHead',
        num_classes=1000,
        in_channels=768,
        conv_channels=(1024, 1024),
        erase_threshold=0.7,
        pre_pool=False,
        loc_topk=5,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
        # wsol/inception.py:255
        init_cfg=dict(
            type='Xavier', layer='Conv2d', distribution='uniform', bias=0.)))
