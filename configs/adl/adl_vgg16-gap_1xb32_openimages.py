# ADL, VGG16-GAP, OpenImages30k, under the WSOL
# benchmark protocol (Choe et al., CVPR 2020 / TPAMI; clovaai/wsolevaluation).
# Benchmark test PxAP: CAM 58.3 +0.4 (its README.md:370 table).
# Not yet reproduced here (no data or pretrained weights on the CI machines).
# ADL: drop rate 0.75, threshold 0.9 (config.py:225-228),
# after pool3, conv4_3, conv5_3 (wsol/vgg.py:43-44).
_base_ = ['../cam/cam_vgg16-gap_1xb32_openimages.py']

model = dict(
    backbone=dict(
        _delete_=True,
        type='ADLBackbone',
        positions='vgg16',
        drop_rate=0.75,
        threshold_ratio=0.9,
        backbone={{_base_.model.backbone}}))
