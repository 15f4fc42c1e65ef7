# ADL, VGG16-GAP, ImageNet-1k, under the WSOL
# benchmark protocol (Choe et al., CVPR 2020 / TPAMI; clovaai/wsolevaluation).
# Weights: vgg16-397923af.pth (wsol/vgg.py:22), classifier dropped (:259).
# Benchmark test MaxBoxAccV2 59.8 (CAM 60.0 -0.2): its README.md:370 table
# (main_table.png; docs/research/wsolbench_hparams.md).
# Not yet reproduced here (no data or pretrained weights on the CI machines).
# ADL model (and its sources): ../_base_/models/adl_vgg16_gap.py.
# DEFAULTS: no tuned value of this cell was found (docs/research/
# wsolbench_hparams.md, "What is missing");
# it keeps config.py's defaults (batch 64, 40 epochs, lr 0.01, decay at
# epoch 30, weight decay 1e-4, method values of config.py:210-233).
# Input: PIL decode, no EXIF rotation; PIL bilinear 256 (train) / 224 (test).
_base_ = [
    '../_base_/models/adl_vgg16_gap.py',
    '../_base_/datasets/imagenet_wsolbench_bs64.py',
    '../_base_/schedules/wsolbench_sgd_40e.py',
    '../_base_/default_runtime.py',
]

model = dict(head=dict(num_classes=1000))
