# CAM, ResNet-50 (stride 8), CUB-200-2011, under the WSOL
# benchmark protocol (Choe et al., CVPR 2020 / TPAMI; clovaai/wsolevaluation).
# Weights: resnet50-19c8e357.pth (wsol/resnet.py:21), fc dropped (:466).
# Benchmark test MaxBoxAccV2 63.0: its README.md:370 table (main_table.png;
# docs/research/wsolbench_hparams.md).
# Not yet reproduced here (no data or pretrained weights on the CI machines).
# TUNED: this cell's values, rebuilt from public copies of the benchmark's
# spreadsheet (README.md:379-381; its sheet itself was not reachable).
# Values found for this cell (docs/research/wsolbench_hparams.csv;
# value, confidence, sources):
#   lr 0.00023222617 (high) [1][2][3]
#   lr_decay_frequency 15 (high) [1][2]
#   batch_size 32 (medium) [1]
#   epochs 50 (high) [1][2]
#   weight_decay 1.00E-04 (high) [1][2][3]
#   large_feature_map TRUE (high) [1][2]
#   lr 0.002248447 (low) [4]
# Sources:
#   [1] finallyupper/dual-cam@4c5b97f scripts/run_train.sh
#   [2] jjRen-xd/WSOL_RS@303324c train_C45V2.sh + train_PN2.sh
#   [3] clovaai/wsolevaluation issue #35
#   [4] zh460045050/BagCAMs@0fab958 run_train.sh
# Conflict: lr 0.00023222617 (high; dual-cam, WSOL_RS, issue #35's 0.0002) vs
#   0.002248447 (low; BagCAMs); chosen 0.00023222617: BagCAMs' value is the
#   Inception-v3 CAM lr truncated (a wrong row).
# Input: PIL decode, no EXIF rotation; PIL bilinear 256 (train) / 224 (test).
_base_ = [
    '../_base_/models/wsol_resnet50_s16.py',
    '../_base_/datasets/cub_wsolbench_bs32.py',
    '../_base_/schedules/wsolbench-resnet_sgd_50e_step15.py',
    '../_base_/default_runtime.py',
]

model = dict(
    # large_feature_map: layer3 at stride 1 (wsol/resnet.py:73, 84), 28x28 maps
    backbone=dict(strides=(1, 2, 1, 1)),
    head=dict(num_classes=200),
)

optim_wrapper = dict(optimizer=dict(lr=0.00023222617))
