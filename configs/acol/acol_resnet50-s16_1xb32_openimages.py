# ACoL, ResNet-50 (stride 16), OpenImages30k, under the WSOL
# benchmark protocol (Choe et al., CVPR 2020 / TPAMI; clovaai/wsolevaluation).
# Benchmark test PxAP: CAM 58.5 -1.2 (its README.md:370 table).
# Not yet reproduced here (no data or pretrained weights on the CI machines).
# Two branches of two 3x3 convs to 1024 + 1x1 conv; erase threshold 0.7
# (config.py:212).
# quirk kept: main.py:72-77 gives the 10x lr to ResNet's layer4 and fc only, so
# ACoL's classifier_A/B train at 1x (wsol/resnet.py:152-165).
_base_ = ['../cam/cam_resnet50-s16_1xb32_openimages.py']

model = dict(
    head=dict(
        _delete_=True,
        type='ACoLHead',
        num_classes=100,
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
optim_wrapper = dict(
    paramwise_cfg=dict(custom_keys={
        'backbone.layer4': dict(lr_mult=10.0),
        'head': dict(lr_mult=1.0)
    }))
