from .wsol_checkpoint_hook import WSOLCheckpointHook
from .wsol_visualization_hook import WSOLVisualizationHook

__all__ = ['WSOLCheckpointHook', 'WSOLVisualizationHook']
