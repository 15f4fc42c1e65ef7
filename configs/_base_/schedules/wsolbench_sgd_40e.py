# Optimizer and schedule of the WSOL benchmark (clovaai/wsolevaluation), from
# config.py's defaults. The benchmark tuned lr / weight decay / method
# hyper-parameters per (method, backbone, data set) on train-fullsup; those
# values are in a spreadsheet linked from README line 381, not in its code,
# and are not copied here: set them with --cfg-options. Its one example
# command (README lines 536-552, VGG16 CAM on OpenImages) is
# wsolbench-openimages_sgd_10e.py.
#
# main.py _set_optimizer (lines 130-162): SGD, nesterov (line 161),
# momentum 0.9 (config.py line 199), weight decay 1e-4 (line 201) on every
# parameter; lr 0.01 (line 193) for the feature layers and
# lr x lr_classifier_ratio = 10 (line 197) for the others (main.py lines
# 72-77, 141-153): for VGG ('features.') and Inception ('Mixed',
# 'Conv2d_1..4') every layer outside the backbone, i.e. the whole head; for
# ResNet the reverse, layer4 and fc (the ResNet recipes add
# 'backbone.layer4').
#
# Schedule: 40 epochs (config.py line 166). main.py line 370 calls
# adjust_learning_rate(epoch + 1) before each epoch, which multiplies by 0.1
# when that 1-based epoch is a multiple of lr_decay_frequency = 30 (config.py
# line 195; main.py lines 337-340): 1-based epochs 1-29 at lr, 30-40 at
# lr / 10, i.e. the 0-based milestone 29 here (not 30).
optim_wrapper = dict(
    optimizer=dict(
        type='SGD', lr=0.01, momentum=0.9, weight_decay=1e-4, nesterov=True),
    paramwise_cfg=dict(custom_keys={'head': dict(lr_mult=10.0)}),
)

param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[29], gamma=0.1)

# Validation on val (train-fullsup) after every epoch (main.py lines
# 373-376).
train_cfg = dict(type='EpochSeededTrainLoop', max_epochs=40, val_interval=1)
val_cfg = dict()
test_cfg = dict()

# batch 64 (config.py line 189)
auto_scale_lr = dict(base_batch_size=64)
