# ACoL, Inception-v3, CUB-200-2011, under the WSOL
# benchmark protocol (Choe et al., CVPR 2020 / TPAMI; clovaai/wsolevaluation).
# Weights: inception_v3_google-1a9a5a14.pth (inception.py:22), -Mixed_7/Aux/fc
# Benchmark test MaxBoxAccV2 56.2 (CAM 56.7 -0.5): its README.md:370 table
# (main_table.png; docs/research/wsolbench_hparams.md).
# Not yet reproduced here (no data or pretrained weights on the CI machines).
# ACoL model (and its sources): ../_base_/models/acol_inception_v3.py.
# TUNED: this cell's values, rebuilt from public copies of the benchmark's
# spreadsheet (README.md:379-381; its sheet itself was not reachable).
# Values found for this cell (docs/research/wsolbench_hparams.csv;
# value, confidence, sources):
#   lr 0.00658832165 (medium) [1][2]
#   lr_decay_frequency 15 (medium) [1][2]
#   batch_size 32 (medium) [1][2]
#   epochs 50 (medium) [1][2]
#   weight_decay 5.00E-04 (medium) [1][2]
#   large_feature_map FALSE (low) [1][2]
#   acol_threshold 0.79 (medium) [1][2]
# Sources:
#   [1] jjRen-xd/WSOL_RS@303324c train_C45V2_other.sh
#   [2] jjRen-xd/WSOL_RS@303324c train_PN2_other.sh
# Conflicts: none in this cell.
# large_feature_map False, as both WSOL_RS copies (low): only CAM is seen with
# the large map on Inception-v3.
# Input: PIL decode, no EXIF rotation; PIL bilinear 256 (train) / 224 (test).
_base_ = [
    '../_base_/models/acol_inception_v3.py',
    '../_base_/datasets/cub_wsolbench_bs32.py',
    '../_base_/schedules/wsolbench_sgd_50e_step15.py',
    '../_base_/default_runtime.py',
]

model = dict(head=dict(num_classes=200, erase_threshold=0.79))

optim_wrapper = dict(optimizer=dict(lr=0.00658832165))
