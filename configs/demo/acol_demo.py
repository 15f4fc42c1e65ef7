# ACoL demo: cam_demo.py with the ACoLHead (two branches of two 3x3 convs +
# 1x1 conv; branch B on the features erased where branch A's normalised map
# of the label is >= 0.7, clovaai/wsolevaluation config.py:212). As in the
# benchmark, the ACoL branches have no dropout.
# Run: python tools/train.py configs/demo/acol_demo.py
# Input: OpenCV decode, no EXIF rotation; OpenCV bilinear (the tables' input).
_base_ = ['./cam_demo.py']

model = dict(
    head=dict(
        _delete_=True,
        type='ACoLHead',
        num_classes=8,
        in_channels=128,
        conv_channels=(128, 128),
        erase_threshold=0.7,
        loc_topk=5,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0)))
