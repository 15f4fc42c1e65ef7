"""Datasets and transforms of mmspg (registered in mmpretrain's DATASETS and
TRANSFORMS)."""
from .cub_wsol import CUBWSOLDataset
from .imagenet_wsol import ImageNetWSOLDataset
from .openimages_wsol import OpenImagesWSOLDataset
from .synthetic_cub import SyntheticCUBDataset
from .synthetic_cub_generator import (ensure_synthetic_cub,
                                      generate_synthetic_cub)
from .transforms import (BoxAwareRandomCrop, BoxAwareRandomResizedCrop,
                         BoxAwareResizeEdge, LoadImageFromFileWSOL)
from .wsol_metadata import WSOLMetadataDataset

__all__ = [
    'CUBWSOLDataset', 'ImageNetWSOLDataset', 'OpenImagesWSOLDataset', 'WSOLMetadataDataset',
    'SyntheticCUBDataset', 'generate_synthetic_cub', 'ensure_synthetic_cub',
    'LoadImageFromFileWSOL', 'BoxAwareRandomCrop', 'BoxAwareRandomResizedCrop',
    'BoxAwareResizeEdge'
]
