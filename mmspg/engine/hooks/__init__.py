from .wsol_visualization_hook import WSOLVisualizationHook

__all__ = ['WSOLVisualizationHook']
