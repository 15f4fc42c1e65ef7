from .wsol_evaluator import WSOLEvaluator

__all__ = ['WSOLEvaluator']
