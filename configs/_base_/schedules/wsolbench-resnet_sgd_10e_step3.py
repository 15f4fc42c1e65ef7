# wsolbench_sgd_10e_step3.py (the tuned ImageNet / OpenImages schedule) for
# ResNet-50: weight decay 1e-4 (finallyupper/dual-cam run_train.sh,
# dongjunhwang/small_object_wsol; docs/research/wsolbench_hparams.md) and
# the benchmark's ResNet parameter groups, 10x lr to layer4 and the
# classifier (clovaai/wsolevaluation main.py:72-77, 141-153).
_base_ = ['./wsolbench_sgd_10e_step3.py']

optim_wrapper = dict(
    optimizer=dict(weight_decay=1e-4),
    paramwise_cfg=dict(custom_keys={
        'backbone.layer4': dict(lr_mult=10.0),
        'head': dict(lr_mult=10.0)
    }))
