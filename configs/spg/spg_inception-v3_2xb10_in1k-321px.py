# SPG, Inception-v3, ILSVRC2012 -- OFFICIAL-CODE PROTOCOL
# (xiaomengyc/SPG @0006659, scripts/train_imagenet_full_v5.sh).
# Weights: inception_v3_google-1a9a5a14.pth (inception3_spg.py:16), the keys
# its model has (utils/Restore.py:47-61): -Mixed_7/Aux/fc.
#   model      ../_base_/models/spg_inception_v3.py (models/google/
#              inception3_spg.py, line numbers there)
#   data       short side 356 (exper/train_frame.py line 49), random /
#              centre crop 321 (line 50; utils/LoadData.py lines 21-26,
#              41-42): 40x40 maps; batch 20 = 2 GPUs x 10 (script lines
#              10-11); no validation, last epoch reported
#   optimizer  SGD nesterov, momentum 0.9, wd 5e-4, weights lr 0.001,
#              biases 2x (exper/my_optim.py lines 19-29; script line 10)
#   schedule   5 epochs (script line 10), constant lr (train_frame.py line
#              56, my_optim.py lines 69-79)
#   test       ILSVRC val, centre 321 crop, boxes in the crop's frame
# Paper (Zhang et al., ECCV 2018), ILSVRC val, localization error %:
#   Top-1 51.40, Top-5 40.00, GT-known 35.31 (as this project's README listed
#   them; not re-checked against the paper here). Not yet reproduced here.
# No dropout: the official F.dropout(x, 0.5) (lines 205-209) ran under
# PyTorch 0.3, whose default training=False made it a no-op (the base says
# more); set model.head.dropout_ratio=0.5 to train with dropout instead.
# Train (2 GPUs): bash tools/dist_train.sh CONFIG 2
# Input: PIL decode, no EXIF rotation; PIL bilinear short side 356, crop 321.
_base_ = [
    '../_base_/models/spg_inception_v3.py',
    '../_base_/datasets/imagenet_spg-official_bs20.py',
    '../_base_/schedules/spg-official_sgd_5e.py',
    '../_base_/default_runtime.py',
]

model = dict(head=dict(num_classes=1000))
