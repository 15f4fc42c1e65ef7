# SPG, Inception-v3, CUB-200-2011 -- OFFICIAL-CODE PROTOCOL
# (xiaomengyc/SPG @0006659).
# Weights: inception_v3_google-1a9a5a14.pth (inception3_spg.py:16), the keys
# its model has (utils/Restore.py:47-61): -Mixed_7/Aux/fc.
# The repository has no CUB script (only
# scripts/train_imagenet_full_v5.sh), so every number not set by that script
# is exper/train_frame.py's default, i.e. what its code does without flags:
#   model      ../_base_/models/spg_inception_v3.py, 200 classes
#   data       short side 356 (train_frame.py line 49), random / centre crop
#              321 (line 50; utils/LoadData.py lines 21-26, 41-42): 40x40
#              maps; batch 20 (line 48) = 2 GPUs (line 58) x 10; no
#              validation, last epoch reported on the test split
#   optimizer  SGD nesterov, momentum 0.9, wd 5e-4, weights lr 0.001
#              (line 34), biases 2x (exper/my_optim.py lines 19-29)
#   schedule   21 epochs (train_frame.py line 35), constant lr (line 56)
# The paper's CUB training details were not available to check here; the
# official CUB model is released (README "Test"), its recipe is not.
# Paper (Zhang et al., ECCV 2018), CUB test, localization error %: Top-1
# 53.36, Top-5 40.62 (SPG*) (as this project's README listed them; not
# re-checked against the paper here). Not yet reproduced here.
# Input: PIL decode, no EXIF rotation; PIL bilinear short side 356, crop 321.
_base_ = [
    '../_base_/models/spg_inception_v3.py',
    '../_base_/datasets/cub_spg-official_bs20.py',
    '../_base_/schedules/spg-official_sgd_21e.py',
    '../_base_/default_runtime.py',
]

model = dict(head=dict(num_classes=200))
