# ACoL on the WSOL benchmark's ResNet-50 (stride 16) (clovaai/wsolevaluation).
# One place for configs/acol/acol_resnet50-s16_*.py; recipes set num_classes.
# Two branches of two 3x3 convs to 1024 + 1x1 conv; erase threshold 0.7
# (config.py:212).
_base_ = ['./wsol_resnet50_s16.py']

model = dict(
    head=dict(
        _delete_=True,
        type='ACoLHead',
        num_classes=1000,
        in_channels=2048,
        conv_channels=(1024, 1024),
        erase_threshold=0.7,
        pre_pool=False,
        loc_topk=5,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
        # wsol/resnet.py:168
        init_cfg=dict(
            type='Kaiming',
            layer='Conv2d',
            mode='fan_out',
            nonlinearity='relu',
            distribution='normal',
            bias=0.)))
