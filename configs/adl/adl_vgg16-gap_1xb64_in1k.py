# ADL, VGG16-GAP, ImageNet-1k, under the WSOL
# benchmark protocol (Choe et al., CVPR 2020 / TPAMI; clovaai/wsolevaluation).
# Benchmark test MaxBoxAccV2: CAM 60.0 -0.2 (its README.md:370 table).
# Not yet reproduced here (no data or pretrained weights on the CI machines).
# ADL model (and its sources): ../_base_/models/adl_vgg16_gap.py;
# data, schedule and runtime as cam/cam_vgg16-gap_1xb64_in1k.py.
_base_ = [
    '../_base_/models/adl_vgg16_gap.py',
    '../_base_/datasets/imagenet_wsolbench_bs64.py',
    '../_base_/schedules/wsolbench_sgd_40e.py',
    '../_base_/default_runtime.py',
]

model = dict(head=dict(num_classes=1000))
