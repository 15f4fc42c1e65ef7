# VGG16-GAP of the WSOL benchmark (clovaai/wsolevaluation wsol/vgg.py:25-31
# config '14x14', VggCam wsol/vgg.py:51-76), from mmpretrain's VGG by config
# arguments alone: the 13 convs of VGG-16 with pool1-pool4 and without pool5
# (with_last_pool=False), so a 224 px input gives 14x14 maps (stride 16);
# then, in the head, conv6 (3x3, 512 -> 1024) + ReLU, GAP and fc.
# Weights: torchvision's vgg16-397923af.pth, the file the benchmark loads
# (wsol/vgg.py:21-23, 251-263): classifier dropped, the k-th conv of the file
# into the k-th conv of the model (adjust_pretrained_model, vgg.py:216-238),
# strictly, through mmspg's WSOLPretrained init (converter
# 'torchvision_vgg16'; mmpretrain's own VGG-16 weights are other weights).
model = dict(
    type='WSOLClassifier',
    backbone=dict(
        type='VGG',
        depth=16,
        with_last_pool=False,
        out_indices=(4, ),
        init_cfg=dict(
            type='WSOLPretrained',
            checkpoint='https://download.pytorch.org/models/'
            'vgg16-397923af.pth',
            converter='torchvision_vgg16')),
    # the head pools after its own conv6
    neck=None,
    head=dict(
        type='CAMHead',
        num_classes=1000,
        in_channels=512,
        conv_channels=(1024, ),
        dropout_ratio=0.0,
        classifier='linear',
        loc_topk=5,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
        # wsol/vgg.py:60 initialize_weights(init_mode='he'): Kaiming normal,
        # fan_out, zero bias for convs; N(0, 0.01) for fc (wsol/util.py:44-61)
        init_cfg=[
            dict(
                type='Kaiming',
                layer='Conv2d',
                mode='fan_out',
                nonlinearity='relu',
                distribution='normal',
                bias=0.),
            dict(type='Normal', layer='Linear', std=0.01, bias=0.)
        ]),
)
