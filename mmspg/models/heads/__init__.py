from .acol_head import ACoLHead, acol_erase
from .cam_head import CAMHead
from .spg_head import SPGHead

__all__ = ['ACoLHead', 'CAMHead', 'SPGHead', 'acol_erase']
