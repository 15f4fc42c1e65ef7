from .adl_backbone import ADL_POSITIONS, ADLBackbone
from .spg_inception_v3 import InceptionBStride1, SPGInceptionV3

__all__ = [
    'ADL_POSITIONS', 'ADLBackbone', 'InceptionBStride1', 'SPGInceptionV3'
]
