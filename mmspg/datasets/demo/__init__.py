"""The generated demo data set: a CUB-layout stand-in that trains on a CPU
in minutes (``configs/demo/``), kept apart from the readers of real data
sets. Its dataset type keeps the name ``SyntheticCUBDataset``."""
from .synthetic_cub import SyntheticCUBDataset
from .synthetic_cub_generator import (DEFAULT_CFG, SYNTHETIC_META_FILE,
                                      ensure_synthetic_cub,
                                      generate_synthetic_cub,
                                      resolve_synthetic_cub_cfg)

__all__ = [
    'SyntheticCUBDataset', 'generate_synthetic_cub', 'ensure_synthetic_cub',
    'resolve_synthetic_cub_cfg', 'DEFAULT_CFG', 'SYNTHETIC_META_FILE'
]
