# Optimizer and schedule of the official SPG code (xiaomengyc/SPG @0006659),
# ImageNet script scripts/train_imagenet_full_v5.sh (line 10: --epoch=5
# --lr=0.001 --batch_size=20; line 11: --num_gpu=2).
#
# exper/my_optim.py get_finetune_optimizer (lines 5-35), called at
# exper/train_frame.py line 85: SGD, momentum 0.9, weight decay 5e-4 on
# every group, nesterov (line 29); weights at lr, biases at 2x lr (lines
# 19-22, 26-27). Its 10x / 20x groups take parameters whose name contains
# 'cls' (line 12): no parameter of inception3_spg has that substring (the
# classifier is `classier_1`), so those groups are empty and the SPG layers
# train at the backbone's lr. The 2x covers every bias, BatchNorm biases
# included ('bias' in name): mmengine's bias_lr_mult skips norm layers, so
# the custom key '.bias' (matched in the full parameter name) is used.
#
# Constant lr: reduce_lr (my_optim.py lines 61-79) decays only at
# --decay_points, default 'none' (train_frame.py line 56) and not set by the
# script, so int('none') fails and no decay happens.
optim_wrapper = dict(
    optimizer=dict(
        type='SGD', lr=0.001, momentum=0.9, weight_decay=0.0005,
        nesterov=True),
    paramwise_cfg=dict(custom_keys={'.bias': dict(lr_mult=2.0)}),
)

param_scheduler = []

# No validation during training (train_frame.py never validates).
train_cfg = dict(type='EpochSeededTrainLoop', max_epochs=5)
test_cfg = dict()

# lr 0.001 is for a total batch of 20 (2 GPUs x 10).
auto_scale_lr = dict(base_batch_size=20)
