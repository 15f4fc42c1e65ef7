# SGD, momentum 0.9, weight decay 5e-4 (the official SPG optimizer's,
# xiaomengyc/SPG exper/my_optim.py line 29, which also uses nesterov and 2x
# lr for biases, not done here), lr 1e-3 with the head at 10x: the WSOL
# benchmark's lr_classifier_ratio (clovaai/wsolevaluation config.py line
# 197; the official code trains every layer at lr). 50 epochs, x0.1 every
# 15 epochs, batch 32: ours. Used by spg_resnet50_cub.py; the SPG recipes
# use spg-official_sgd_*.py or wsolbench_sgd_40e.py.
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
