"""CUB-layout dataset that generates its own synthetic data on first use:
the data of ``configs/demo/``, so a demo needs no download."""
import os.path as osp
from typing import Optional

from mmengine.logging import MMLogger

from mmspg.registry import DATASETS

from ..cub_wsol import CUBWSOLDataset
from .synthetic_cub_generator import SYNTHETIC_META_FILE, ensure_synthetic_cub


@DATASETS.register_module()
class SyntheticCUBDataset(CUBWSOLDataset):
    """A :class:`CUBWSOLDataset` over synthetic data made on demand.

    If ``data_root`` does not hold the data yet, it is generated there first
    (deterministically from ``generate_cfg``; about 640 small JPEGs, ~6 MB,
    a few seconds), then parsed exactly like CUB -- but only at the demo's
    own root :attr:`DEFAULT_ROOT` (``data/spg_demo``, relative to the
    working directory) or with ``generate=True``. Elsewhere a root without
    the data is an error naming the path: a mistyped or mangled path
    (``--cfg-options`` removes spaces from values) must not quietly get a
    fresh data set (ours). Several processes starting
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
        generate (bool, optional): Whether data may be generated at
            ``data_root``: None (default) only at :attr:`DEFAULT_ROOT`,
            True anywhere, False never.
        **kwargs: Arguments of :class:`CUBWSOLDataset`.

    Example:
        >>> train_dataloader = dict(dataset=dict(
        ...     type='SyntheticCUBDataset', data_root='data/synthetic_cub',
        ...     split='train', generate_cfg=dict(seed=0), pipeline=[...]))
    """

    #: Where the demo configs keep the data; generation is allowed there.
    DEFAULT_ROOT = 'data/spg_demo'

    def __init__(self,
                 data_root: str,
                 split: str = 'train',
                 generate_cfg: Optional[dict] = None,
                 generate: Optional[bool] = None,
                 **kwargs) -> None:
        self.generate_cfg = dict(generate_cfg or {})
        if generate is None:
            generate = osp.abspath(data_root) == osp.abspath(self.DEFAULT_ROOT)
        if not generate and not osp.isfile(
                osp.join(data_root, SYNTHETIC_META_FILE)):
            raise FileNotFoundError(
                f'SyntheticCUBDataset: data_root "{data_root}" (absolute: '
                f'{osp.abspath(data_root)}) holds no demo data '
                f'({SYNTHETIC_META_FILE} is missing). The demo generates its '
                f'data only at its default root "{self.DEFAULT_ROOT}" or with '
                'generate=True (--cfg-options train_dataloader.dataset.'
                'generate=True, and the same for val_dataloader and '
                'test_dataloader), so that a '
                'mistyped path does not get a fresh data set. Check the path: '
                '--cfg-options removes spaces from values, so a path with '
                'spaces must be set in a config file. To make the data ahead: '
                'python tools/misc/generate_demo_data.py PATH')
        if ensure_synthetic_cub(data_root, **self.generate_cfg):
            MMLogger.get_current_instance().info(
                f'SyntheticCUBDataset: generated synthetic CUB data in '
                f'"{data_root}" with {self.generate_cfg or "defaults"}.')
        super().__init__(data_root=data_root, split=split, **kwargs)
