# SGD schedule of the WSOL benchmark's defaults (clovaai/wsolevaluation
# config.py): lr 0.01 (:193), 10x on the classifier layers
# (lr_classifier_ratio, :197), momentum 0.9 (:199), weight decay 1e-4
# (:201), Nesterov (main.py:155-161), 40 epochs (:166), lr x0.1 every 30
# epochs (lr_decay_frequency :195, main.py:337-340, see below), batch 64
# (:189).
# The benchmark tuned lr / weight decay / method hyper-parameters per
# (method, backbone, data set) on train-fullsup; those values are in its
# results spreadsheet (README section 5), not in the code, and are not
# copied here: set them with --cfg-options.
optim_wrapper = dict(
    optimizer=dict(
        type='SGD', lr=0.01, momentum=0.9, weight_decay=0.0001,
        nesterov=True),
    # main.py:72-77, 141-153: for VGG / Inception everything outside the
    # backbone ("features" / Mixed*, Conv2d_*) is at 10x; for ResNet the
    # layer4 and fc parameters are (the ResNet configs add layer4).
    paramwise_cfg=dict(custom_keys={'head': dict(lr_mult=10.0)}),
)
# quirk: main.py:371 calls adjust_learning_rate(epoch + 1) before training
# 0-based epoch `epoch`, so the decay hits 0-based epoch 29 (not 30).
param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[29], gamma=0.1)
# val (train-fullsup) every epoch, as main.py:369-375
train_cfg = dict(type='EpochSeededTrainLoop', max_epochs=40, val_interval=1)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=64)
