# cub_wsolbench_bs64.py (CUB-200-2011, WSOL benchmark protocol) at batch 32:
# the batch of every tuned run found (docs/research/wsolbench_hparams.md,
# "Conventions": GenDisc/IVR README, finallyupper/dual-cam run_train.sh,
# jjRen-xd/WSOL_RS, zh460045050/BagCAMs), which the tuned lrs belong to.
# Only training changes: the benchmark evaluates in eval mode, so the val /
# test batch (kept at 64) changes no number.
_base_ = ['./cub_wsolbench_bs64.py']

train_dataloader = dict(batch_size=32)
