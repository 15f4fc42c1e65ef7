# ACoL, VGG16-GAP, CUB-200-2011, under the WSOL
# benchmark protocol (Choe et al., CVPR 2020 / TPAMI; clovaai/wsolevaluation).
# Weights: vgg16-397923af.pth (wsol/vgg.py:22), classifier dropped (:259).
# Benchmark test MaxBoxAccV2 57.4 (CAM 63.7 -6.3): its README.md:370 table
# (main_table.png; docs/research/wsolbench_hparams.md).
# Not yet reproduced here (no data or pretrained weights on the CI machines).
# ACoL model (and its sources): ../_base_/models/acol_vgg16_gap.py.
# TUNED: this cell's values, rebuilt from public copies of the benchmark's
# spreadsheet (README.md:379-381; its sheet itself was not reachable).
# Values found for this cell (docs/research/wsolbench_hparams.csv;
# value, confidence, sources):
#   lr 0.00010569582 (medium) [1][2]
#   lr_decay_frequency 15 (medium) [1][2]
#   batch_size 32 (medium) [1][2]
#   epochs 50 (medium) [1][2]
#   weight_decay 5.00E-04 (medium) [1][2]
#   large_feature_map FALSE (medium) [1][2]
#   acol_threshold 0.89 (medium) [1][2]
# Sources:
#   [1] jjRen-xd/WSOL_RS@303324c train_C45V2_other.sh
#   [2] jjRen-xd/WSOL_RS@303324c train_PN2_other.sh
# Conflicts: none in this cell.
# Input: PIL decode, no EXIF rotation; PIL bilinear 256 (train) / 224 (test).
_base_ = [
    '../_base_/models/acol_vgg16_gap.py',
    '../_base_/datasets/cub_wsolbench_bs32.py',
    '../_base_/schedules/wsolbench_sgd_50e_step15.py',
    '../_base_/default_runtime.py',
]

model = dict(head=dict(num_classes=200, erase_threshold=0.89))

optim_wrapper = dict(optimizer=dict(lr=0.00010569582))
