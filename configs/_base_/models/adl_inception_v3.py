# ADL on the WSOL benchmark's Inception-v3 (clovaai/wsolevaluation).
# One place for configs/adl/adl_inception-v3_*.py; recipes set num_classes.
# ADL: drop rate 0.75, threshold 0.9 (config.py:225-228),
# after Mixed_5d, Mixed_6e and the head's second conv
# (wsol/inception.py:414-416, 463-476); that variant has no dropout.
_base_ = ['./wsol_inception_v3.py']

model = dict(
    backbone=dict(
        _delete_=True,
        type='ADLBackbone',
        positions='inception_v3',
        drop_rate=0.75,
        threshold_ratio=0.9,
        backbone={{_base_.model.backbone}}),
    head=dict(
        dropout_ratio=0.0,
        plugin=dict(type='ADL', drop_rate=0.75, threshold_ratio=0.9)))
