from .adl import ADL
from .hide_and_seek import HideAndSeek
from .loc_predictions import (LOC_RESIZE_MODES, fill_loc_predictions,
                              resize_loc_maps, select_maps,
                              set_loc_predictions, upsample_maps)
from .normalize import build_loc_normalizer, minmax_normalize
from .seed_mask_generator import (IGNORE_VALUE, SeedMaskGenerator,
                                  build_seed_generator)
from .wsol_pretrained_init import WSOLPretrainedInit

__all__ = [
    'ADL', 'HideAndSeek', 'IGNORE_VALUE', 'LOC_RESIZE_MODES',
    'SeedMaskGenerator', 'resize_loc_maps', 'build_seed_generator',
    'build_loc_normalizer', 'fill_loc_predictions', 'minmax_normalize',
    'select_maps', 'set_loc_predictions', 'upsample_maps', 'WSOLPretrainedInit'
]
