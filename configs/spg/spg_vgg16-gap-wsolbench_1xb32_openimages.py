# SPG, VGG16-GAP, OpenImages30k, under the WSOL
# benchmark protocol (Choe et al., CVPR 2020 / TPAMI; clovaai/wsolevaluation).
# Weights: vgg16-397923af.pth (wsol/vgg.py:22), SPG re-keying (:241-248).
# Benchmark test PxAP 58.3 (CAM 58.3 +0.0): its README.md:370 table
# (main_table.png; docs/research/wsolbench_hparams.md).
# Not yet reproduced here (no data or pretrained weights on the CI machines).
# SPG model (and its sources): ../_base_/models/spg_vgg16_wsolbench.py.
# DEFAULTS: no tuned value of this cell was found (docs/research/
# wsolbench_hparams.md, "What is missing"; the labelled guesses of
# wsolbench_hparams_more.csv, INFERRED-FALLBACK, are not used);
# it keeps the README's OpenImages example (batch 32, 10 epochs, lr
# 0.00227913316, decay every 3, weight decay 5e-4; README.md:536-552) and
# the method values of config.py:210-233.
# Input: PIL decode, no EXIF rotation; PIL bilinear 256 (train) / 224 (test).
_base_ = [
    '../_base_/models/spg_vgg16_wsolbench.py',
    '../_base_/datasets/openimages_wsolbench_bs32.py',
    '../_base_/schedules/wsolbench-openimages_sgd_10e.py',
    '../_base_/default_runtime.py',
]

model = dict(head=dict(num_classes=100))

# keep the best val (train-fullsup) PxAP beside the last checkpoint
default_hooks = dict(checkpoint=dict(save_best='wsol/pxap'))

# main.py:72-77, 141-153: only names holding 'features.' train at the lr, so
# the pretrained conv4/conv5 (SPG_A_1, SPG_A_2) train at 10x like the head.
optim_wrapper = dict(
    paramwise_cfg=dict(custom_keys={
        'backbone.SPG_A_': dict(lr_mult=10.0),
        'head': dict(lr_mult=10.0)
    }))
