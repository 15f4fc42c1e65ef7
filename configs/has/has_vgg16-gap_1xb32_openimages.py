# Hide-and-Seek (HaS), VGG16-GAP, OpenImages30k, under the WSOL
# benchmark protocol (Choe et al., CVPR 2020 / TPAMI; clovaai/wsolevaluation).
# Benchmark test PxAP: CAM 58.3 -0.2 (its README.md:370 table).
# Not yet reproduced here (no data or pretrained weights on the CI machines).
# HaS = CAM + HideAndSeek batch augment (training only), grid 4 px, drop
# rate 0.5 (config.py:210-211), hidden pixels = 0 in the
# normalised input (the mean).
_base_ = ['../cam/cam_vgg16-gap_1xb32_openimages.py']

model = dict(
    train_cfg=dict(augments=[
        dict(type='HideAndSeek', grid_size=4, drop_rate=0.5, fill=0.0)
    ]))
