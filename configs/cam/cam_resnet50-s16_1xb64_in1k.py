# CAM, ResNet-50 (stride 16), ImageNet-1k, under the WSOL
# benchmark protocol (Choe et al., CVPR 2020 / TPAMI; clovaai/wsolevaluation).
# Benchmark test MaxBoxAccV2: 63.7 (its README.md:370 table).
# Not yet reproduced here (no data or pretrained weights on the CI machines).
_base_ = [
    '../_base_/models/wsol_resnet50_s16.py',
    '../_base_/datasets/imagenet_wsolbench_bs64.py',
    '../_base_/schedules/wsolbench-resnet_sgd_40e.py',
    '../_base_/default_runtime.py',
]

model = dict(head=dict(num_classes=1000))
