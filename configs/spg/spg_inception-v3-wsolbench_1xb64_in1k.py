# SPG, Inception-v3, ImageNet -- WSOL-BENCHMARK PROTOCOL: the recipe of
# spg_inception-v3-wsolbench_1xb64_cub.py (every number and its source line
# there) on the ImageNet splits: train = ILSVRC train, val = ImageNetV2
# (train-fullsup), test = ILSVRC val; 1000 classes (main.py line 69).
# Benchmark number: MaxBoxAccV2 in README's main_table.png (an image; not
# transcribed here). Not yet reproduced here.
_base_ = [
    '../_base_/models/spg_inception_v3_wsolbench.py',
    '../_base_/datasets/imagenet_wsolbench_bs64.py',
    '../_base_/schedules/wsolbench_sgd_40e.py',
    '../_base_/default_runtime.py',
]

model = dict(head=dict(num_classes=1000))

default_hooks = dict(
    checkpoint=dict(save_best='wsol/maxboxacc_v2', rule='greater'))
