# ADL on the WSOL benchmark's VGG16-GAP (clovaai/wsolevaluation).
# One place for configs/adl/adl_vgg16-gap_*.py; recipes set num_classes.
# ADL: drop rate 0.75, threshold 0.9 (config.py:225-228),
# after pool3, conv4_3, conv5_3 (wsol/vgg.py:43-44).
_base_ = ['./wsol_vgg16_gap.py']

model = dict(
    backbone=dict(
        _delete_=True,
        type='ADLBackbone',
        positions='vgg16',
        drop_rate=0.75,
        threshold_ratio=0.9,
        backbone={{_base_.model.backbone}}))
