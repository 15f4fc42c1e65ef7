from .inference import inference_localizer
from .model import init_localizer, scoped_model_config
from .wsol_inferencer import WSOLInferencer

__all__ = [
    'WSOLInferencer', 'inference_localizer', 'init_localizer',
    'scoped_model_config'
]
