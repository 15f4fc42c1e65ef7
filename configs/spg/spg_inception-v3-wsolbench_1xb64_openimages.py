# SPG, Inception-v3, OpenImages30k -- WSOL-BENCHMARK PROTOCOL: the recipe of
# spg_inception-v3-wsolbench_1xb64_cub.py (every number and its source line
# there) on the OpenImages splits (train / val = train-fullsup / test),
# 100 classes (main.py line 70), scored by PxAP on masks.
# Data: OpenImagesWSOLDataset (instance + ignore masks) and WSOLEvaluator's
# PxAP path, from ../_base_/datasets/openimages_wsolbench_bs64.py; batch 64
# and the 40-epoch schedule are config.py's defaults (lines 189, 166), not
# the README's OpenImages example (batch 32, 10 epochs, README lines
# 536-552) that the CAM recipes follow.
# Benchmark number: PxAP in README's main_table.png (an image; not
# transcribed here). Not yet reproduced here.
_base_ = [
    '../_base_/models/spg_inception_v3_wsolbench.py',
    '../_base_/datasets/openimages_wsolbench_bs64.py',
    '../_base_/schedules/wsolbench_sgd_40e.py',
    '../_base_/default_runtime.py',
]

model = dict(head=dict(num_classes=100))

default_hooks = dict(
    checkpoint=dict(save_best='wsol/pxap', rule='greater'))
