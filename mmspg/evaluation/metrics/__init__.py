from .wsol_evaluator import WSOLEvaluator, wsol_evaluator_cfgs

__all__ = ['WSOLEvaluator', 'wsol_evaluator_cfgs']
