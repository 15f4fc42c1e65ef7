# Optimizer and schedule of the WSOL benchmark (clovaai/wsolevaluation) for
# Inception-v3, from config.py's defaults (the benchmark's tuned per-method
# values are in a spreadsheet linked from README line 381, not reachable
# where this recipe was written; its one example command, README lines
# 536-552, is a VGG16 CAM run on OpenImages: batch 32, 10 epochs,
# lr 0.00227913316, decay every 3 epochs, weight decay 5e-4).
#
# main.py _set_optimizer (lines 130-162): SGD, nesterov (line 161),
# momentum 0.9 (config.py line 199), weight decay 1e-4 (line 201) on every
# parameter; lr 0.01 (line 193) for the Inception trunk (names with 'Mixed'
# or 'Conv2d_1..4', main.py lines 75-76) and lr x lr_classifier_ratio = 10
# (config.py line 197) for every other layer: all of the SPG head.
#
# Schedule: 40 epochs (config.py line 166); adjust_learning_rate(epoch + 1)
# runs before each 1-based epoch and multiplies by 0.1 when it is a multiple
# of lr_decay_frequency = 30 (config.py line 195; main.py lines 337-340,
# 370): 1-based epochs 1-29 at lr, 30-40 at lr / 10, i.e. the 0-based
# milestone 29 here.
optim_wrapper = dict(
    optimizer=dict(
        type='SGD', lr=0.01, momentum=0.9, weight_decay=1e-4,
        nesterov=True),
    paramwise_cfg=dict(custom_keys={'head': dict(lr_mult=10.0)}),
)

param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[29], gamma=0.1)

# Validation on train-fullsup after every epoch (main.py line 373).
train_cfg = dict(type='EpochSeededTrainLoop', max_epochs=40, val_interval=1)
val_cfg = dict()
test_cfg = dict()

auto_scale_lr = dict(base_batch_size=64)
