from .dump_wsol_predictions import DumpWSOLPredictions
from .dump_wsol_scoremaps import DumpWSOLScoreMaps
from .pxap_metric import PxAPMetric
from .wsol_evaluator import (WSOL_METRIC_TYPES, WSOLEvaluator,
                             wsol_evaluator_cfgs, wsol_metric_cfgs)
from .wsol_metric import BOX_FRAMES, WSOLMetric

__all__ = [
    'BOX_FRAMES', 'DumpWSOLPredictions', 'DumpWSOLScoreMaps', 'PxAPMetric',
    'WSOLEvaluator', 'WSOLMetric', 'WSOL_METRIC_TYPES', 'wsol_evaluator_cfgs',
    'wsol_metric_cfgs'
]
