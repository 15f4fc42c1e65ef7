# imagenet_wsolbench_bs64.py (ImageNet-1k, WSOL benchmark protocol) at batch
# 32, the batch of the tuned ImageNet CAM runs (finallyupper/dual-cam
# scripts/run_train.sh; docs/research/wsolbench_hparams.md, "Conventions").
# Only training changes, as cub_wsolbench_bs32.py.
_base_ = ['./imagenet_wsolbench_bs64.py']

train_dataloader = dict(batch_size=32)
