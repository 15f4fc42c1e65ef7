from .adl import ADL
from .hide_and_seek import HideAndSeek
from .normalize import minmax_normalize
from .seed_mask_generator import (IGNORE_VALUE, SeedMaskGenerator,
                                  build_seed_generator)

__all__ = [
    'ADL', 'HideAndSeek', 'IGNORE_VALUE', 'SeedMaskGenerator',
    'build_seed_generator', 'minmax_normalize'
]
