"""Data transforms of mmspg (registered in mmpretrain's TRANSFORMS)."""
from .loading import LoadImageFromFileWSOL
from .processing import (BoxAwareRandomCrop, BoxAwareRandomResizedCrop,
                         BoxAwareResizeEdge, crop_and_scale_boxes)

__all__ = [
    'LoadImageFromFileWSOL', 'BoxAwareRandomCrop', 'BoxAwareRandomResizedCrop',
    'BoxAwareResizeEdge', 'crop_and_scale_boxes'
]
