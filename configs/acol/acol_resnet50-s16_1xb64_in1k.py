# ACoL, ResNet-50 (stride 16), ImageNet-1k, under the WSOL
# benchmark protocol (Choe et al., CVPR 2020 / TPAMI; clovaai/wsolevaluation).
# Weights: resnet50-19c8e357.pth (wsol/resnet.py:21), fc dropped (:466).
# Benchmark test MaxBoxAccV2 62.3 (CAM 63.7 -1.4): its README.md:370 table
# (main_table.png; docs/research/wsolbench_hparams.md).
# Not yet reproduced here (no data or pretrained weights on the CI machines).
# ACoL model (and its sources): ../_base_/models/acol_resnet50_s16.py.
# DEFAULTS: no tuned value of this cell was found (docs/research/
# wsolbench_hparams.md, "What is missing");
# it keeps config.py's defaults (batch 64, 40 epochs, lr 0.01, decay at
# epoch 30, weight decay 1e-4, method values of config.py:210-233).
# Input: PIL decode, no EXIF rotation; PIL bilinear 256 (train) / 224 (test).
_base_ = [
    '../_base_/models/acol_resnet50_s16.py',
    '../_base_/datasets/imagenet_wsolbench_bs64.py',
    '../_base_/schedules/wsolbench-resnet_sgd_40e.py',
    '../_base_/default_runtime.py',
]

model = dict(head=dict(num_classes=1000))

# quirk kept: main.py:72-77 gives the 10x lr to ResNet's layer4 and fc only, so
# ACoL's classifier_A/B train at 1x (wsol/resnet.py:152-165).
optim_wrapper = dict(
    paramwise_cfg=dict(custom_keys={'head': dict(lr_mult=1.0)}))
