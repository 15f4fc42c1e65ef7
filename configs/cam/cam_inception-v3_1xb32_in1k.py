# CAM, Inception-v3, ImageNet-1k, under the WSOL
# benchmark protocol (Choe et al., CVPR 2020 / TPAMI; clovaai/wsolevaluation).
# Weights: inception_v3_google-1a9a5a14.pth (inception.py:22), -Mixed_7/Aux/fc
# Benchmark test MaxBoxAccV2 63.4: its README.md:370 table (main_table.png;
# docs/research/wsolbench_hparams.md).
# Not yet reproduced here (no data or pretrained weights on the CI machines).
# TUNED: this cell's values, rebuilt from public copies of the benchmark's
# spreadsheet (README.md:379-381; its sheet itself was not reachable).
# Values found for this cell (docs/research/wsolbench_hparams.csv;
# value, confidence, sources):
#   lr 0.0003606503 (medium) [1]
#   lr_decay_frequency 3 (medium) [1]
#   batch_size 32 (medium) [1]
#   epochs 10 (medium) [1]
#   weight_decay 5.00E-04 (medium) [1]
#   large_feature_map TRUE (medium) [1]
# Sources:
#   [1] finallyupper/dual-cam@4c5b97f scripts/run_train.sh
# Conflicts: none in this cell.
# Input: PIL decode, no EXIF rotation; PIL bilinear 256 (train) / 224 (test).
_base_ = [
    '../_base_/models/wsol_inception_v3.py',
    '../_base_/datasets/imagenet_wsolbench_bs32.py',
    '../_base_/schedules/wsolbench_sgd_10e_step3.py',
    '../_base_/default_runtime.py',
]

model = dict(
    # large_feature_map: no max-pool after Mixed_5d
    # (wsol/inception.py:183-184), 28x28 maps
    backbone=dict(large_feature_map=True),
    head=dict(num_classes=1000),
)

optim_wrapper = dict(optimizer=dict(lr=0.0003606503))
