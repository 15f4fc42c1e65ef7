# Hide-and-Seek (HaS), VGG16-GAP, CUB-200-2011, under the WSOL
# benchmark protocol (Choe et al., CVPR 2020 / TPAMI; clovaai/wsolevaluation).
# Weights: vgg16-397923af.pth (wsol/vgg.py:22), classifier dropped (:259).
# Benchmark test MaxBoxAccV2 63.7 (CAM 63.7 +0.0): its README.md:370 table
# (main_table.png; docs/research/wsolbench_hparams.md).
# Not yet reproduced here (no data or pretrained weights on the CI machines).
# HaS = CAM + HideAndSeek batch augment (training only), hidden pixels = 0
# in the normalised input (the mean).
# TUNED: this cell's values, rebuilt from public copies of the benchmark's
# spreadsheet (README.md:379-381; its sheet itself was not reachable).
# Values found for this cell (docs/research/wsolbench_hparams.csv;
# value, confidence, sources):
#   lr 0.00342891848 (low) [1]
#   lr 0.00142891848 (low) [2]
#   has_grid_size 65 (low) [1]
#   has_grid_size 4 (low) [2]
#   has_drop_rate 0.47 (medium) [1][2]
#   lr_decay_frequency 15 (medium) [1][2]
#   batch_size 32 (medium) [1][2]
#   epochs 50 (medium) [1][2]
#   weight_decay 5.00E-04 (medium) [1][2]
#   large_feature_map FALSE (medium) [1][2]
# Sources:
#   [1] jjRen-xd/WSOL_RS@303324c train_C45V2_other.sh
#   [2] jjRen-xd/WSOL_RS@303324c train_PN2_other.sh
# Conflict: lr 0.00342891848 (low; train_C45V2_other.sh) vs 0.00142891848
#   (low; train_PN2_other.sh); chosen 0.00342891848.
# Conflict: has_grid_size 65 (low; train_C45V2_other.sh) vs 4 (low;
#   train_PN2_other.sh); chosen 65: the PN2 line is a re-run (its grid is
#   config.py:210's default 4), the C45V2 line the likelier spreadsheet copy
#   (docs/research/wsolbench_hparams.md, "Conflicts").
# Input: PIL decode, no EXIF rotation; PIL bilinear 256 (train) / 224 (test).
_base_ = [
    '../_base_/models/wsol_vgg16_gap.py',
    '../_base_/datasets/cub_wsolbench_bs32.py',
    '../_base_/schedules/wsolbench_sgd_50e_step15.py',
    '../_base_/default_runtime.py',
]

model = dict(
    head=dict(num_classes=200),
    train_cfg=dict(augments=[
        dict(type='HideAndSeek', grid_size=65, drop_rate=0.47, fill=0.0)
    ]),
)

optim_wrapper = dict(optimizer=dict(lr=0.00342891848))
