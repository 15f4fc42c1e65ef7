from .adl_backbone import ADL_POSITIONS, ADLBackbone
from .spg_inception_v3 import InceptionBStride1, SPGInceptionV3
from .wsol_vgg import WSOLVGG

__all__ = [
    'ADL_POSITIONS', 'ADLBackbone', 'InceptionBStride1', 'SPGInceptionV3',
    'WSOLVGG'
]
