# CAM, ResNet-50 (stride 16), OpenImages30k, under the WSOL
# benchmark protocol (Choe et al., CVPR 2020 / TPAMI; clovaai/wsolevaluation).
# Weights: resnet50-19c8e357.pth (wsol/resnet.py:21), fc dropped (:466).
# Benchmark test PxAP 58.5: its README.md:370 table (main_table.png;
# docs/research/wsolbench_hparams.md).
# Not yet reproduced here (no data or pretrained weights on the CI machines).
# TUNED: this cell's values, rebuilt from public copies of the benchmark's
# spreadsheet (README.md:379-381; its sheet itself was not reachable).
# Values found for this cell (docs/research/wsolbench_hparams.csv;
# value, confidence, sources):
#   lr 0.00107117324 (medium) [1]
#   lr_decay_frequency 3 (medium) [1]
#   batch_size 32 (medium) [1]
#   epochs 10 (medium) [1]
#   weight_decay 1.00E-04 (medium) [1][2]
#   large_feature_map FALSE (medium) [1][2][3]
# Sources:
#   [1] finallyupper/dual-cam@4c5b97f scripts/run_train.sh
#   [2] dongjunhwang/small_object_wsol@334a886
#       scripts/resnet_openimages_ours.sh
#   [3] zh460045050/DA-WSOL_CVPR2022@d60e8ea
#       runs/OpenImages/runTrain_OPEN_RES.sh
# Conflicts: none in this cell.
# Input: PIL decode, no EXIF rotation; PIL bilinear 256 (train) / 224 (test).
_base_ = [
    '../_base_/models/wsol_resnet50_s16.py',
    '../_base_/datasets/openimages_wsolbench_bs32.py',
    '../_base_/schedules/wsolbench-resnet_sgd_10e_step3.py',
    '../_base_/default_runtime.py',
]

model = dict(head=dict(num_classes=100))

optim_wrapper = dict(optimizer=dict(lr=0.00107117324))

# keep the best val (train-fullsup) PxAP beside the last checkpoint
default_hooks = dict(checkpoint=dict(save_best='wsol/pxap'))
