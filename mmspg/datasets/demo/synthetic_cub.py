"""CUB-layout dataset that generates its own synthetic data on first use:
the data of ``configs/demo/``, so a demo needs no download."""
from typing import Optional

from mmengine.logging import MMLogger

from mmspg.registry import DATASETS

from ..cub_wsol import CUBWSOLDataset
from .synthetic_cub_generator import ensure_synthetic_cub


@DATASETS.register_module()
class SyntheticCUBDataset(CUBWSOLDataset):
    """A :class:`CUBWSOLDataset` over synthetic data made on demand.

    If ``data_root`` does not hold the data yet, it is generated there first
    (deterministically from ``generate_cfg``; about 640 small JPEGs, ~6 MB,
    a few seconds), then parsed exactly like CUB. Several processes starting
    together (distributed ranks, train and val datasets) are safe: see
    :func:`~mmspg.datasets.demo.ensure_synthetic_cub`.
    A ``data_root`` holding data made with other ``generate_cfg`` raises an
    error instead of being reused silently.

    Args:
        data_root (str): Folder of the data, e.g. ``'data/synthetic_cub'``.
        split (str): ``'train'`` or ``'test'``.
        generate_cfg (dict, optional): Arguments of
            :func:`~mmspg.datasets.generate_synthetic_cub` (``seed``,
            ``num_classes``, ``train_per_class``, ``test_per_class``, ...).
            Defaults to ``dict(seed=0)``.
        **kwargs: Arguments of :class:`CUBWSOLDataset`.

    Example:
        >>> train_dataloader = dict(dataset=dict(
        ...     type='SyntheticCUBDataset', data_root='data/synthetic_cub',
        ...     split='train', generate_cfg=dict(seed=0), pipeline=[...]))
    """

    def __init__(self,
                 data_root: str,
                 split: str = 'train',
                 generate_cfg: Optional[dict] = None,
                 **kwargs) -> None:
        self.generate_cfg = dict(generate_cfg or {})
        if ensure_synthetic_cub(data_root, **self.generate_cfg):
            MMLogger.get_current_instance().info(
                f'SyntheticCUBDataset: generated synthetic CUB data in '
                f'"{data_root}" with {self.generate_cfg or "defaults"}.')
        super().__init__(data_root=data_root, split=split, **kwargs)
