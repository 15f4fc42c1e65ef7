# ADL, Inception-v3, ImageNet-1k, under the WSOL
# benchmark protocol (Choe et al., CVPR 2020 / TPAMI; clovaai/wsolevaluation).
# Benchmark test MaxBoxAccV2: CAM 63.4 -2.0 (its README.md:370 table).
# Not yet reproduced here (no data or pretrained weights on the CI machines).
# ADL: drop rate 0.75, threshold 0.9 (config.py:225-228),
# after Mixed_5d, Mixed_6e and the head's second conv
# (wsol/inception.py:414-416, 463-476); that variant has no dropout.
_base_ = ['../cam/cam_inception-v3_1xb64_in1k.py']

model = dict(
    backbone=dict(
        _delete_=True,
        type='ADLBackbone',
        positions='inception_v3',
        drop_rate=0.75,
        threshold_ratio=0.9,
        backbone={{_base_.model.backbone}}),
    head=dict(
        dropout_ratio=0.0,
        plugin=dict(type='ADL', drop_rate=0.75, threshold_ratio=0.9)))
