# CAM, ResNet-50 (stride 8), ImageNet-1k, under the WSOL
# benchmark protocol (Choe et al., CVPR 2020 / TPAMI; clovaai/wsolevaluation).
# Weights: resnet50-19c8e357.pth (wsol/resnet.py:21), fc kept in head (:469).
# Benchmark test MaxBoxAccV2 63.7: its README.md:370 table (main_table.png;
# docs/research/wsolbench_hparams.md).
# Not yet reproduced here (no data or pretrained weights on the CI machines).
# TUNED: this cell's values, rebuilt from public copies of the benchmark's
# spreadsheet (README.md:379-381; its sheet itself was not reachable).
# Values found for this cell (docs/research/wsolbench_hparams.csv;
# value, confidence, sources):
#   lr 0.00003108411 (medium) [1][2]
#   lr_decay_frequency 3 (medium) [1][2]
#   batch_size 32 (medium) [1][2]
#   epochs 10 (medium) [1][2]
#   weight_decay 1.00E-04 (medium) [1][2]
#   large_feature_map TRUE (medium) [1][2]
# Sources:
#   [1] finallyupper/dual-cam@4c5b97f scripts/run_train.sh
#   [2] dongjunhwang/small_object_wsol@334a886 scripts/resnet_imagenet_ours.sh
# Conflicts: none in this cell.
# Input: PIL decode, no EXIF rotation; PIL bilinear 256 (train) / 224 (test).
_base_ = [
    '../_base_/models/wsol_resnet50_s16.py',
    '../_base_/datasets/imagenet_wsolbench_bs32.py',
    '../_base_/schedules/wsolbench-resnet_sgd_10e_step3.py',
    '../_base_/default_runtime.py',
]

model = dict(
    # large_feature_map: layer3 at stride 1 (wsol/resnet.py:73, 84), 28x28 maps
    backbone=dict(strides=(1, 2, 1, 1)),
    # ILSVRC: the benchmark keeps torchvision's ImageNet fc and loads it
    # strictly (wsol/resnet.py:465-469), so the classifier starts from it.
    head=dict(
        num_classes=1000,
        init_cfg=dict(
            type='WSOLPretrained',
            checkpoint='https://download.pytorch.org/models/'
            'resnet50-19c8e357.pth',
            converter='torchvision_resnet50_fc')),
)

optim_wrapper = dict(optimizer=dict(lr=0.00003108411))
