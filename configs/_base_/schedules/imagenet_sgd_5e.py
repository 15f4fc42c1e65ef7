# SGD recipe of the official SPG ImageNet script
# (scripts/train_imagenet_full_v5.sh: 5 epochs, lr 1e-3, batch 20 in total
# over 2 GPUs with DataParallel), 10x lr for the new layers. The official
# lr-decay rule ships only as a .pyc; we decay x0.1 once, after epoch 3.
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.001, momentum=0.9, weight_decay=0.0005),
    paramwise_cfg=dict(custom_keys={'head': dict(lr_mult=10.0)}),
)

param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[3], gamma=0.1)

# mmspg's EpochSeededTrainLoop: mmengine's EpochBasedTrainLoop that re-seeds
# the global RNGs from (seed, epoch), so that a run resumed at an epoch
# boundary is bit-identical to an uninterrupted one.
train_cfg = dict(type='EpochSeededTrainLoop', max_epochs=5, val_interval=1)
val_cfg = dict()
test_cfg = dict()

auto_scale_lr = dict(base_batch_size=20)
