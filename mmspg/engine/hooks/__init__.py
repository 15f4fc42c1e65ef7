from .data_files_check_hook import DataFilesCheckHook
from .wsol_checkpoint_hook import WSOLCheckpointHook
from .wsol_visualization_hook import WSOLVisualizationHook

__all__ = ['DataFilesCheckHook', 'WSOLCheckpointHook', 'WSOLVisualizationHook']
