# CAM demo: the data, tiny ResNet-18 backbone and schedule of spg_demo.py with
# a CAMHead = SPG-A alone (two 3x3 convs, dropout 0.5, 1x1 conv, GAP), i.e.
# the same network as spg-plain_demo.py, written as the benchmark's CAM. The
# other method demos (has/acol/adl/cutmix_demo.py) change one thing each.
# Run: python tools/train.py configs/demo/cam_demo.py
# Input: OpenCV decode, no EXIF rotation; OpenCV bilinear (the tables' input).
_base_ = ['./spg_demo.py']

model = dict(
    head=dict(
        _delete_=True,
        type='CAMHead',
        num_classes=8,
        in_channels=128,
        conv_channels=(128, 128),
        dropout_ratio=0.5,
        classifier='conv',
        loc_topk=5,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0)))
