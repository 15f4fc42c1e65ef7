# ADL, Inception-v3, OpenImages30k, under the WSOL
# benchmark protocol (Choe et al., CVPR 2020 / TPAMI; clovaai/wsolevaluation).
# Weights: inception_v3_google-1a9a5a14.pth (inception.py:22), -Mixed_7/Aux/fc
# Benchmark test PxAP 56.8 (CAM 63.2 -6.4): its README.md:370 table
# (main_table.png; docs/research/wsolbench_hparams.md).
# Not yet reproduced here (no data or pretrained weights on the CI machines).
# ADL model (and its sources): ../_base_/models/adl_inception_v3.py.
# DEFAULTS: no tuned value of this cell was found (docs/research/
# wsolbench_hparams.md, "What is missing");
# it keeps the README's OpenImages example (batch 32, 10 epochs, lr
# 0.00227913316, decay every 3, weight decay 5e-4; README.md:536-552) and
# the method values of config.py:210-233.
# Input: PIL decode, no EXIF rotation; PIL bilinear 256 (train) / 224 (test).
_base_ = [
    '../_base_/models/adl_inception_v3.py',
    '../_base_/datasets/openimages_wsolbench_bs32.py',
    '../_base_/schedules/wsolbench-openimages_sgd_10e.py',
    '../_base_/default_runtime.py',
]

model = dict(head=dict(num_classes=100))

# keep the best val (train-fullsup) PxAP beside the last checkpoint
default_hooks = dict(checkpoint=dict(save_best='wsol/pxap'))
