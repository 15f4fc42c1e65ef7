# SGD recipe of SPG: momentum 0.9, weight decay 5e-4, lr 1e-3 for the
# pretrained backbone and 10x for the new SPG layers (official code,
# get_finetune_optimizer). 50 epochs, lr x0.1 every 15 epochs, batch 32: the
# WSOL benchmark's CUB schedule (Choe et al., CVPR 2020).
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.001, momentum=0.9, weight_decay=0.0005),
    paramwise_cfg=dict(custom_keys={'head': dict(lr_mult=10.0)}),
)

param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[15, 30, 45], gamma=0.1)

# mmspg's EpochSeededTrainLoop: mmengine's EpochBasedTrainLoop that re-seeds
# the global RNGs from (seed, epoch), so that a run resumed at an epoch
# boundary is bit-identical to an uninterrupted one.
train_cfg = dict(type='EpochSeededTrainLoop', max_epochs=50, val_interval=5)
val_cfg = dict()
test_cfg = dict()

# The learning rate above is for a total batch of 32 (e.g. 1 GPU x 32);
# `tools/train.py --auto-scale-lr` rescales it for other totals.
auto_scale_lr = dict(base_batch_size=32)
