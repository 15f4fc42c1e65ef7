# openimages_wsolbench_bs64.py (OpenImages30k, WSOL benchmark protocol) at
# batch 32, as the benchmark's OpenImages example command (clovaai/
# wsolevaluation README.md:543), whose lr wsolbench-openimages_sgd_10e.py
# takes; openimages_wsolbench_bs64.py keeps the benchmark default 64
# (config.py:189).
_base_ = ['./openimages_wsolbench_bs64.py']

train_dataloader = dict(batch_size=32)
