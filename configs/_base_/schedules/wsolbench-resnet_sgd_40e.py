# wsolbench_sgd_40e.py with the benchmark's ResNet parameter groups
# (clovaai/wsolevaluation main.py:72-77, 141-153): for ResNet the 10x lr goes
# to layer4 as well as to the classifier.
_base_ = ['./wsolbench_sgd_40e.py']

optim_wrapper = dict(
    paramwise_cfg=dict(custom_keys={
        'backbone.layer4': dict(lr_mult=10.0),
        'head': dict(lr_mult=10.0)
    }))
