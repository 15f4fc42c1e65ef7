# CAM, Inception-v3, OpenImages30k, under the WSOL
# benchmark protocol (Choe et al., CVPR 2020 / TPAMI; clovaai/wsolevaluation).
# Benchmark test PxAP: 63.2 (its README.md:370 table).
# Not yet reproduced here (no data or pretrained weights on the CI machines).
_base_ = [
    '../_base_/models/wsol_inception_v3.py',
    '../_base_/datasets/openimages_wsolbench_bs32.py',
    '../_base_/schedules/wsolbench-openimages_sgd_10e.py',
    '../_base_/default_runtime.py',
]

model = dict(head=dict(num_classes=100))

# keep the best val (train-fullsup) PxAP beside the last checkpoint
default_hooks = dict(checkpoint=dict(save_best='wsol/pxap'))
