# The official SPG optimizer (see spg-official_sgd_5e.py) with the epochs of
# exper/train_frame.py's default (EPOCH = 21, line 35, used by --epoch at
# line 57): the official repository ships no CUB script, so a CUB run of
# its code takes the defaults (lr 0.001, line 34; batch 20, line 48; no lr
# decay, line 56).
_base_ = ['./spg-official_sgd_5e.py']

train_cfg = dict(type='EpochSeededTrainLoop', max_epochs=21)
