# ACoL, VGG16-GAP, OpenImages30k, under the WSOL
# benchmark protocol (Choe et al., CVPR 2020 / TPAMI; clovaai/wsolevaluation).
# Benchmark test PxAP: CAM 58.3 -4.0 (its README.md:370 table).
# Not yet reproduced here (no data or pretrained weights on the CI machines).
# ACoL model (and its sources): ../_base_/models/acol_vgg16_gap.py;
# data, schedule and runtime as cam/cam_vgg16-gap_1xb32_openimages.py.
_base_ = [
    '../_base_/models/acol_vgg16_gap.py',
    '../_base_/datasets/openimages_wsolbench_bs32.py',
    '../_base_/schedules/wsolbench-openimages_sgd_10e.py',
    '../_base_/default_runtime.py',
]

model = dict(head=dict(num_classes=100))

# keep the best val (train-fullsup) PxAP beside the last checkpoint
default_hooks = dict(checkpoint=dict(save_best='wsol/pxap'))
