# wsolbench-openimages_sgd_10e.py (the benchmark's OpenImages example) with
# the ResNet parameter groups of wsolbench-resnet_sgd_40e.py (clovaai/
# wsolevaluation main.py:72-77, 141-153: 10x lr to layer4 and the classifier).
_base_ = ['./wsolbench-openimages_sgd_10e.py']

optim_wrapper = dict(
    paramwise_cfg=dict(custom_keys={
        'backbone.layer4': dict(lr_mult=10.0),
        'head': dict(lr_mult=10.0)
    }))
