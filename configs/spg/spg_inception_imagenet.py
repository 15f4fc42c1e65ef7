# SPG, Inception-v3, ILSVRC2012.
# Recipe: official script scripts/train_imagenet_full_v5.sh of xiaomengyc/SPG.
# Paper (ILSVRC val): Top-1 Loc error 51.40, Top-5 Loc error 40.00,
# GT-known Loc error 35.31. Not yet reproduced here.
_base_ = [
    '../_base_/models/spg_inception_v3.py',
    '../_base_/datasets/imagenet_wsol_bs20.py',
    '../_base_/schedules/imagenet_sgd_5e.py',
    '../_base_/default_runtime.py',
]

model = dict(head=dict(num_classes=1000))
