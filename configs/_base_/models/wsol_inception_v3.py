# Inception-v3 CAM of the WSOL benchmark (clovaai/wsolevaluation
# wsol/inception.py lines 134-200, InceptionCam, large_feature_map=False).
# Its trunk is that of the benchmark's InceptionSpg (same layers, same
# Google weights, wsol/inception.py lines 20-23), so this base inherits
# spg_inception_v3_wsolbench.py (SPGInceptionV3(variant='wsol-benchmark'):
# up to Mixed_6e, the extra max-pool after Mixed_5d (lines 183-184) and
# Mixed_6a at stride 1 (line 150): 14x14 maps at 224 px) and keeps only the
# last map. Its head is SPG-A alone (named SPG_A3_1b / SPG_A3_2b / SPG_A4
# there): dropout 0.5, two 3x3 convs to 1024 + ReLU, 1x1 conv to the
# classes, GAP (lines 156-165, 192-200) = CAMHead below (= SPG-plain).
_base_ = ['./spg_inception_v3_wsolbench.py']

model = dict(
    backbone=dict(out_indices=('Mixed_6e', )),
    neck=None,
    head=dict(
        _delete_=True,
        type='CAMHead',
        num_classes=1000,
        in_channels=768,
        conv_channels=(1024, 1024),
        dropout_ratio=0.5,
        classifier='conv',
        loc_topk=5,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0)),
)
