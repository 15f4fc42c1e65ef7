# Hide-and-Seek (HaS), VGG16-GAP, OpenImages30k, under the WSOL
# benchmark protocol (Choe et al., CVPR 2020 / TPAMI; clovaai/wsolevaluation).
# Weights: vgg16-397923af.pth (wsol/vgg.py:22), classifier dropped (:259).
# Benchmark test PxAP 58.1 (CAM 58.3 -0.2): its README.md:370 table
# (main_table.png; docs/research/wsolbench_hparams.md).
# Not yet reproduced here (no data or pretrained weights on the CI machines).
# HaS = CAM + HideAndSeek batch augment (training only), hidden pixels = 0
# in the normalised input (the mean).
# DEFAULTS: no tuned value of this cell was found (docs/research/
# wsolbench_hparams.md, "What is missing");
# it keeps the README's OpenImages example (batch 32, 10 epochs, lr
# 0.00227913316, decay every 3, weight decay 5e-4; README.md:536-552) and
# the method values of config.py:210-233.
# Input: PIL decode, no EXIF rotation; PIL bilinear 256 (train) / 224 (test).
_base_ = [
    '../_base_/models/wsol_vgg16_gap.py',
    '../_base_/datasets/openimages_wsolbench_bs32.py',
    '../_base_/schedules/wsolbench-openimages_sgd_10e.py',
    '../_base_/default_runtime.py',
]

model = dict(
    head=dict(num_classes=100),
    train_cfg=dict(augments=[
        dict(type='HideAndSeek', grid_size=4, drop_rate=0.5, fill=0.0)
    ]),
)

# keep the best val (train-fullsup) PxAP beside the last checkpoint
default_hooks = dict(checkpoint=dict(save_best='wsol/pxap'))
