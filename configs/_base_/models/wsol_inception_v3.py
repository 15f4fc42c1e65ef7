# Inception-v3 of the WSOL benchmark (clovaai/wsolevaluation
# wsol/inception.py:134-200, InceptionCam, large_feature_map=False): up to
# Mixed_6e with an extra max-pool after Mixed_5d and Mixed_6a at stride 1, so
# a 224 px input gives 14x14 maps. The backbone is mmspg's SPGInceptionV3 in
# its benchmark variant (added with issue #9: variant='wsol-benchmark').
# The head is SPG-A: dropout 0.5, two 3x3 convs to 1024 + ReLU, 1x1 conv,
# GAP (inception.py:156-164, 192-198) = CAMHead below (= SPG-plain).
model = dict(
    type='WSOLClassifier',
    backbone=dict(
        type='SPGInceptionV3',
        variant='wsol-benchmark',
        large_feature_map=False,
        out_indices=('Mixed_6e', ),
        init_cfg=dict(
            type='Pretrained',
            checkpoint='https://download.pytorch.org/models/'
            'inception_v3_google-0cc3c7bd.pth')),
    neck=None,
    head=dict(
        type='CAMHead',
        num_classes=1000,
        in_channels=768,
        conv_channels=(1024, 1024),
        dropout_ratio=0.5,
        classifier='conv',
        loc_topk=5,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0)),
)
