# ACoL, Inception-v3, OpenImages30k, under the WSOL
# benchmark protocol (Choe et al., CVPR 2020 / TPAMI; clovaai/wsolevaluation).
# Benchmark test PxAP: CAM 63.2 -6.0 (its README.md:370 table).
# Not yet reproduced here (no data or pretrained weights on the CI machines).
# ACoL model (and its sources): ../_base_/models/acol_inception_v3.py;
# data, schedule and runtime as cam/cam_inception-v3_1xb32_openimages.py.
_base_ = [
    '../_base_/models/acol_inception_v3.py',
    '../_base_/datasets/openimages_wsolbench_bs32.py',
    '../_base_/schedules/wsolbench-openimages_sgd_10e.py',
    '../_base_/default_runtime.py',
]

model = dict(head=dict(num_classes=100))

# keep the best val (train-fullsup) PxAP beside the last checkpoint
default_hooks = dict(checkpoint=dict(save_best='wsol/pxap'))
