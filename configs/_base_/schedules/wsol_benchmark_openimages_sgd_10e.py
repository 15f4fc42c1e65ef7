# The OpenImages example recipe of the WSOL benchmark (clovaai/wsolevaluation
# README.md:536-552, VGG16 CAM): 10 epochs (its batch 32 is set in
# ../datasets/wsol_benchmark_openimages.py), lr 0.00227913316,
# lr x0.1 every 3 epochs, weight decay 5e-4; other settings as
# wsol_benchmark_sgd_40e.py.
_base_ = ['./wsol_benchmark_sgd_40e.py']

optim_wrapper = dict(optimizer=dict(lr=0.00227913316, weight_decay=0.0005))
# decay every 3 epochs, one epoch early (see wsol_benchmark_sgd_40e.py)
param_scheduler = dict(milestones=[2, 5, 8])
train_cfg = dict(max_epochs=10)
auto_scale_lr = dict(base_batch_size=32)
