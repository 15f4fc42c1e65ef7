# ADL on the WSOL benchmark's ResNet-50 (stride 16) (clovaai/wsolevaluation).
# One place for configs/adl/adl_resnet50-s16_*.py; recipes set num_classes.
# ADL: drop rate 0.75, threshold 0.9 (config.py:225-228),
# after layer3.0, layer4.0, layer4.2 (wsol/resnet.py:24).
_base_ = ['./wsol_resnet50_s16.py']

model = dict(
    backbone=dict(
        _delete_=True,
        type='ADLBackbone',
        positions='resnet50',
        drop_rate=0.75,
        threshold_ratio=0.9,
        backbone={{_base_.model.backbone}}))
