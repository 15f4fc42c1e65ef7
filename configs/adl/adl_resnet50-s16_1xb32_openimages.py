# ADL, ResNet-50 (stride 16), OpenImages30k, under the WSOL
# benchmark protocol (Choe et al., CVPR 2020 / TPAMI; clovaai/wsolevaluation).
# Benchmark test PxAP: CAM 58.5 -3.3 (its README.md:370 table).
# Not yet reproduced here (no data or pretrained weights on the CI machines).
# ADL: drop rate 0.75, threshold 0.9 (config.py:225-228),
# after layer3.0, layer4.0, layer4.2 (wsol/resnet.py:24).
_base_ = ['../cam/cam_resnet50-s16_1xb32_openimages.py']

model = dict(
    backbone=dict(
        _delete_=True,
        type='ADLBackbone',
        positions='resnet50',
        drop_rate=0.75,
        threshold_ratio=0.9,
        backbone={{_base_.model.backbone}}))
