"""WSOL evaluation: the numpy/OpenCV core (:mod:`.functional`, imported
here) and the mmengine metric (:mod:`.metrics`, imported on first access so
that the score-map CLI does not load torch/mmengine)."""
import importlib

from .functional import *  # noqa: F401,F403
from .functional import __all__ as _functional_all

_METRICS = ('WSOLMetric', 'PxAPMetric', 'DumpWSOLScoreMaps',
            'DumpWSOLPredictions', 'WSOLEvaluator', 'wsol_metric_cfgs',
            'wsol_evaluator_cfgs')

__all__ = [  # noqa: F405 (functional and metrics load on first access)
    *_functional_all, *_METRICS, 'functional', 'metrics'
]


def __getattr__(name: str):
    if name == 'metrics' or name in _METRICS:
        metrics = importlib.import_module(f'{__name__}.metrics')
        return metrics if name == 'metrics' else getattr(metrics, name)
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
