# CutMix, ResNet-50 (stride 8), CUB-200-2011, under the WSOL
# benchmark protocol (Choe et al., CVPR 2020 / TPAMI; clovaai/wsolevaluation).
# Weights: resnet50-19c8e357.pth (wsol/resnet.py:21), fc dropped (:466).
# Benchmark test MaxBoxAccV2 62.8 (CAM 63.0 -0.2): its README.md:370 table
# (main_table.png; docs/research/wsolbench_hparams.md).
# Not yet reproduced here (no data or pretrained weights on the CI machines).
# CutMix = CAM + mmpretrain's CutMix batch augment (alpha = cutmix_beta),
# applied with probability cutmix_prob (main.py:165-174); the head loss reads
# the mixed labels (gt_score) through ClsHead._get_loss.
# TUNED: this cell's values, rebuilt from public copies of the benchmark's
# spreadsheet (README.md:379-381; its sheet itself was not reachable).
# Values found for this cell (docs/research/wsolbench_hparams.csv;
# value, confidence, sources):
#   lr 0.0003333722 (medium) [1][2]
#   lr 0.002251717 (low) [3]
#   cutmix_beta 1.35 (high) [1][2][3]
#   cutmix_prob 0.24 (medium) [1][2]
#   cutmix_prob 0.34 (medium) [3][4]
#   lr_decay_frequency 15 (medium) [1][2][3]
#   batch_size 32 (medium) [1][2][3]
#   epochs 50 (medium) [1][2][3]
#   weight_decay 1.00E-04 (medium) [1][2][3]
#   large_feature_map TRUE (medium) [1][3]
# Sources:
#   [1] jjRen-xd/WSOL_RS@303324c train_C45V2_other.sh
#   [2] jjRen-xd/WSOL_RS@303324c train_PN2_other.sh
#   [3] zh460045050/BagCAMs@0fab958 run_train.sh
#   [4] zh460045050/DA-WSOL_CVPR2022@d60e8ea libs/config.py
# Conflict: lr 0.0003333722 (medium; WSOL_RS) vs 0.002251717 (low; BagCAMs);
#   chosen 0.0003333722: BagCAMs' value is the Inception-v3 CutMix lr
#   truncated (a wrong row).
# Conflict: cutmix_prob 0.24 (medium; WSOL_RS) vs 0.34 (medium; BagCAMs,
#   DA-WSOL config.py default); chosen 0.24: it comes with this cell's lr in
#   both WSOL_RS copies, while BagCAMs took the wrong row's lr and 0.34 is the
#   DA-WSOL argparse default.
# Conflict: large_feature_map True (medium; train_C45V2_other.sh, BagCAMs) vs
#   False (train_PN2_other.sh, every backbone, not in the CSV); chosen True:
#   the PN2 copies look edited (docs/research/wsolbench_hparams.md,
#   "Conflicts").
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
    train_cfg=dict(augments=[dict(type='CutMix', alpha=1.35)], probs=[0.24]),
)

optim_wrapper = dict(optimizer=dict(lr=0.0003333722))
