from .inference import inference_localizer, init_localizer
from .wsol_inferencer import WSOLInferencer

__all__ = ['WSOLInferencer', 'inference_localizer', 'init_localizer']
