# ResNet-50 of the WSOL benchmark (clovaai/wsolevaluation wsol/resnet.py:68-
# 112, large_feature_map=False): layer3 at stride 2 and layer4 at stride 1, no
# dilation (resnet.py:73, 84-85), so a 224 px input gives 14x14 maps (stride
# 16); GAP and fc on layer4 (2048 ch). mmpretrain's ResNet matches it by
# config arguments (strides=(1, 2, 2, 1), its 'pytorch' style puts the stride
# in the 3x3 conv as torchvision does), with torchvision's parameter names.
# Weights: torchvision's resnet50-19c8e357.pth, the file the benchmark loads
# (wsol/resnet.py:20-21, 452-470), strictly, through mmspg's WSOLPretrained
# init (converter 'torchvision_resnet50': fc dropped from the backbone; the
# ILSVRC CAM/HaS/ADL/CutMix recipes load it into the head, resnet.py:465-469).
# zero_init_residual=False: mmpretrain's ResNet would zero the loaded norm3
# after any init type but 'Pretrained' (the benchmark never zero-inits).
model = dict(
    type='WSOLClassifier',
    backbone=dict(
        type='ResNet',
        depth=50,
        num_stages=4,
        strides=(1, 2, 2, 1),
        dilations=(1, 1, 1, 1),
        out_indices=(3, ),
        style='pytorch',
        zero_init_residual=False,
        init_cfg=dict(
            type='WSOLPretrained',
            checkpoint='https://download.pytorch.org/models/'
            'resnet50-19c8e357.pth',
            converter='torchvision_resnet50')),
    neck=None,
    head=dict(
        type='CAMHead',
        num_classes=1000,
        in_channels=2048,
        conv_channels=(),
        classifier='linear',
        loc_topk=5,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0)),
)
