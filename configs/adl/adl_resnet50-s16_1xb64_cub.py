# ADL, ResNet-50 (stride 16), CUB-200-2011, under the WSOL
# benchmark protocol (Choe et al., CVPR 2020 / TPAMI; clovaai/wsolevaluation).
# Benchmark test MaxBoxAccV2: CAM 63.0 -4.6 (its README.md:370 table).
# Not yet reproduced here (no data or pretrained weights on the CI machines).
# ADL model (and its sources): ../_base_/models/adl_resnet50_s16.py;
# data, schedule and runtime as cam/cam_resnet50-s16_1xb64_cub.py.
_base_ = [
    '../_base_/models/adl_resnet50_s16.py',
    '../_base_/datasets/cub_wsolbench_bs64.py',
    '../_base_/schedules/wsolbench-resnet_sgd_40e.py',
    '../_base_/default_runtime.py',
]

model = dict(head=dict(num_classes=200))
