from .adl_backbone import ADL_POSITIONS, ADLBackbone
from .resnet_spg import ResNetSpg
from .spg_inception_v3 import InceptionBStride1, SPGInceptionV3
from .vgg_spg import VggSpg
from .wsol_vgg import WSOLVGG

__all__ = [
    'ADL_POSITIONS', 'ADLBackbone', 'InceptionBStride1', 'ResNetSpg',
    'SPGInceptionV3', 'VggSpg', 'WSOLVGG'
]
