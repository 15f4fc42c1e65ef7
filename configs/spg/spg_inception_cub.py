# SPG, Inception-v3, CUB-200-2011.
# Recipe: Zhang et al., "Self-produced Guidance for Weakly-supervised Object
# Localization", ECCV 2018, and the official code (xiaomengyc/SPG).
# Paper: Top-1 Loc error 53.36 on CUB (GT-known not reported for CUB).
# Not yet reproduced here: no CUB / pretrained weights on the CI machines.
_base_ = [
    '../_base_/models/spg_inception_v3.py',
    '../_base_/datasets/cub_wsol_bs32.py',
    '../_base_/schedules/cub_sgd_50e.py',
    '../_base_/default_runtime.py',
]

model = dict(head=dict(num_classes=200))
