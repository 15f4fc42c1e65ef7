from .spg_head import SPGHead

__all__ = ['SPGHead']
