# CAM, Inception-v3, CUB-200-2011, under the WSOL
# benchmark protocol (Choe et al., CVPR 2020 / TPAMI; clovaai/wsolevaluation).
# Weights: inception_v3_google-1a9a5a14.pth (inception.py:22), -Mixed_7/Aux/fc
# Benchmark test MaxBoxAccV2 56.7: its README.md:370 table (main_table.png;
# docs/research/wsolbench_hparams.md).
# Not yet reproduced here (no data or pretrained weights on the CI machines).
# TUNED: this cell's values, rebuilt from public copies of the benchmark's
# spreadsheet (README.md:379-381; its sheet itself was not reachable).
# Values found for this cell (docs/research/wsolbench_hparams.csv;
# value, confidence, sources):
#   lr 0.00224844746 (high) [1][2][3]
#   lr_decay_frequency 15 (high) [1][3]
#   batch_size 32 (medium) [1]
#   epochs 50 (high) [1][2]
#   weight_decay 5.00E-04 (high) [1][3]
#   large_feature_map TRUE (high) [1][2][3]
# Sources:
#   [1] finallyupper/dual-cam@4c5b97f scripts/run_train.sh
#   [2] jjRen-xd/WSOL_RS@303324c train_C45V2.sh + train_PN2.sh
#   [3] clovaai/wsolevaluation issue #38
# Conflicts: none in this cell.
# Input: PIL decode, no EXIF rotation; PIL bilinear 256 (train) / 224 (test).
_base_ = [
    '../_base_/models/wsol_inception_v3.py',
    '../_base_/datasets/cub_wsolbench_bs32.py',
    '../_base_/schedules/wsolbench_sgd_50e_step15.py',
    '../_base_/default_runtime.py',
]

model = dict(
    # large_feature_map: no max-pool after Mixed_5d
    # (wsol/inception.py:183-184), 28x28 maps
    backbone=dict(large_feature_map=True),
    head=dict(num_classes=200),
)

optim_wrapper = dict(optimizer=dict(lr=0.00224844746))
