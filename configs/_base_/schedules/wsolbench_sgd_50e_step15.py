# The WSOL benchmark's tuned CUB schedule, as every tuned CUB run found uses
# it (docs/research/wsolbench_hparams.md, "Conventions": GenDisc/IVR README,
# finallyupper/dual-cam run_train.sh, jjRen-xd/WSOL_RS, BagCAMs): 50
# epochs, lr_decay_frequency 15, weight decay 5e-4 (VGG16, Inception-v3;
# wsolbench-resnet_sgd_50e_step15.py has ResNet-50's 1e-4), batch 32. The lr
# is the cell's: every recipe on this base sets it.
# Optimizer otherwise as wsolbench_sgd_40e.py (main.py:130-162).
# adjust_learning_rate(epoch + 1) (clovaai/wsolevaluation main.py:370,
# 337-340) multiplies by 0.1 at the 1-based epochs 15, 30, 45 = the 0-based
# milestones 14, 29, 44 (a StepLR of step 15, gamma 0.1, one epoch early).
_base_ = ['./wsolbench_sgd_40e.py']

optim_wrapper = dict(optimizer=dict(weight_decay=5e-4))
param_scheduler = dict(milestones=[14, 29, 44], gamma=0.1)
train_cfg = dict(max_epochs=50)
# the tuned lrs are for a total batch of 32
auto_scale_lr = dict(base_batch_size=32)
