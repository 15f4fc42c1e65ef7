from .spg_inception_v3 import InceptionBStride1, SPGInceptionV3

__all__ = ['InceptionBStride1', 'SPGInceptionV3']
