from .box_utils import BOX_MODES, map_to_boxes
from .wsol_visualizer import SEED_PANELS, WSOLVisualizer

__all__ = ['BOX_MODES', 'map_to_boxes', 'SEED_PANELS', 'WSOLVisualizer']
