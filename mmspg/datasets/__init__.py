"""Datasets and transforms of mmspg (registered in mmpretrain's DATASETS and
TRANSFORMS). The generated demo data set lives in :mod:`.demo`, apart from
the readers of real data sets; its names are re-exported here as well."""
from .cub_wsol import CUBWSOLDataset
from .demo import (SyntheticCUBDataset, ensure_synthetic_cub,
                   generate_synthetic_cub)
from .imagenet_wsol import ImageNetWSOLDataset
from .openimages_wsol import OpenImagesWSOLDataset
from .transforms import (BoxAwareRandomCrop, BoxAwareRandomResizedCrop,
                         BoxAwareResizeEdge, LoadImageFromFileWSOL)
from .wsol_metadata import WSOLMetadataDataset

__all__ = [
    'CUBWSOLDataset', 'ImageNetWSOLDataset', 'OpenImagesWSOLDataset',
    'WSOLMetadataDataset', 'SyntheticCUBDataset', 'generate_synthetic_cub',
    'ensure_synthetic_cub', 'LoadImageFromFileWSOL', 'BoxAwareRandomCrop',
    'BoxAwareRandomResizedCrop', 'BoxAwareResizeEdge'
]
