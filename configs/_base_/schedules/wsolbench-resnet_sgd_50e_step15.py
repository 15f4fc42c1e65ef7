# wsolbench_sgd_50e_step15.py (the tuned CUB schedule) for ResNet-50:
# weight decay 1e-4 (every tuned ResNet-50 run found: dual-cam, WSOL_RS,
# BagCAMs, wsolevaluation issue #35; docs/research/wsolbench_hparams.md) and
# the benchmark's ResNet parameter groups, 10x lr to layer4 and the
# classifier (clovaai/wsolevaluation main.py:72-77, 141-153).
_base_ = ['./wsolbench_sgd_50e_step15.py']

optim_wrapper = dict(
    optimizer=dict(weight_decay=1e-4),
    paramwise_cfg=dict(custom_keys={
        'backbone.layer4': dict(lr_mult=10.0),
        'head': dict(lr_mult=10.0)
    }))
