from .spg_loss import SPGLoss, spg_loss

__all__ = ['SPGLoss', 'spg_loss']
