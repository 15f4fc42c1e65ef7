# ADL demo: cam_demo.py with ADL layers (drop rate 0.75, threshold 0.9,
# clovaai/wsolevaluation config.py:225-228) in the backbone where the
# benchmark puts them in ResNet-50 (after the first block of the third stage
# and the first and last blocks of the fourth, wsol/resnet.py:24); ResNet-18's
# fourth stage has two blocks.
# Run: python tools/train.py configs/demo/adl_demo.py
# Input: OpenCV decode, no EXIF rotation; OpenCV bilinear (the tables' input).
_base_ = ['./cam_demo.py']

model = dict(
    backbone=dict(
        _delete_=True,
        type='ADLBackbone',
        positions=('layer3.0', 'layer4.0', 'layer4.1'),
        drop_rate=0.75,
        threshold_ratio=0.9,
        backbone={{_base_.model.backbone}}))
