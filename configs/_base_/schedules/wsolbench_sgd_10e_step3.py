# The WSOL benchmark's tuned ImageNet / OpenImages schedule, as every tuned
# run found uses it (docs/research/wsolbench_hparams.md, "Conventions":
# finallyupper/dual-cam run_train.sh, the OpenImages example of
# clovaai/wsolevaluation README.md:536-552): 10 epochs, lr_decay_frequency
# 3, weight decay 5e-4 (VGG16, Inception-v3; ResNet-50's 1e-4 is
# wsolbench-resnet_sgd_10e_step3.py), batch 32. The lr is the cell's: every
# recipe on this base sets it.
# adjust_learning_rate(epoch + 1) (main.py:370, 337-340) decays at the
# 1-based epochs 3, 6, 9 = the 0-based milestones 2, 5, 8.
_base_ = ['./wsolbench_sgd_40e.py']

optim_wrapper = dict(optimizer=dict(weight_decay=5e-4))
param_scheduler = dict(milestones=[2, 5, 8], gamma=0.1)
train_cfg = dict(max_epochs=10)
auto_scale_lr = dict(base_batch_size=32)
