# ResNet-50 of the WSOL benchmark (clovaai/wsolevaluation wsol/resnet.py:68-
# 112, large_feature_map=False): layer3 at stride 2 and layer4 at stride 1, no
# dilation (resnet.py:73, 84-85), so a 224 px input gives 14x14 maps (stride
# 16); GAP and fc on layer4 (2048 ch). mmpretrain's ResNet matches it by
# config arguments (strides=(1, 2, 2, 1), its 'pytorch' style puts the stride
# in the 3x3 conv as torchvision does), and its ImageNet weights load.
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
        init_cfg=dict(
            type='Pretrained',
            checkpoint='https://download.openmmlab.com/mmclassification/v0/'
            'resnet/resnet50_8xb32_in1k_20210831-ea4938fc.pth',
            prefix='backbone.')),
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
