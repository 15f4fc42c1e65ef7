from .data_files_check_hook import DataFilesCheckHook
from .final_validation_hook import (FinalMetricsMissingError,
                                    FinalValidationHook)
from .non_finite_check_hook import NonFiniteCheckHook, NonFiniteLossError
from .num_classes_check_hook import (NumClassesCheckHook,
                                     NumClassesMismatchError)
from .wsol_checkpoint_hook import WSOLCheckpointHook
from .wsol_visualization_hook import WSOLVisualizationHook

__all__ = [
    'DataFilesCheckHook', 'FinalMetricsMissingError', 'FinalValidationHook',
    'NonFiniteCheckHook', 'NonFiniteLossError', 'NumClassesCheckHook',
    'NumClassesMismatchError', 'WSOLCheckpointHook', 'WSOLVisualizationHook'
]
