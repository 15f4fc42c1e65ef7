# Hide-and-Seek (HaS), ResNet-50 (stride 16), CUB-200-2011, under the WSOL
# benchmark protocol (Choe et al., CVPR 2020 / TPAMI; clovaai/wsolevaluation).
# Benchmark test MaxBoxAccV2: CAM 63.0 +1.7 (its README.md:370 table).
# Not yet reproduced here (no data or pretrained weights on the CI machines).
# HaS = CAM + HideAndSeek batch augment (training only), grid 4 px, drop
# rate 0.5 (config.py:210-211), hidden pixels = 0 in the
# normalised input (the mean).
_base_ = ['../cam/cam_resnet50-s16_1xb64_cub.py']

model = dict(
    train_cfg=dict(augments=[
        dict(type='HideAndSeek', grid_size=4, drop_rate=0.5, fill=0.0)
    ]))
