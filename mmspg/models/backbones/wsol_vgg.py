"""mmpretrain's VGG with the max-pool of each stage set in the config."""
from typing import Optional, Sequence

import torch.nn as nn
from mmpretrain.models.backbones import VGG

from mmspg.registry import MODELS


@MODELS.register_module()
class WSOLVGG(VGG):
    """mmpretrain's ``VGG`` whose stage pools can be any max-pool.

    mmpretrain's VGG ends every stage with a fixed 2x2/stride-2 max-pool
    (``make_vgg_layer``); the WSOL benchmark's ACoL-VGG16 uses 3x3/stride-2/
    padding-1 pools and a 3x3/stride-1/padding-1 pool after conv5_3
    (clovaai/wsolevaluation ``wsol/vgg.py:32-36`` config ``'acol'``
    ``'14x14'``: ``'M1'`` and ``'M2'``, built at lines 270-273). No config
    argument of ``VGG`` reaches the pools, so this subclass replaces them
    after ``VGG.__init__``. Pools have no parameters: the state dict, hence
    mmpretrain's ImageNet VGG weights (``init_cfg`` Pretrained), and every
    other argument are ``VGG``'s.

    Args:
        pools (Sequence[dict | None], optional): One entry per stage (5 for
            VGG-11/13/16/19): ``nn.MaxPool2d`` arguments for that stage's
            pool, or None to keep mmpretrain's 2x2/stride-2 pool. A stage
            without a pool (the last with ``with_last_pool=False``) must
            have None. Defaults to None (all of mmpretrain's).
        **kwargs: ``VGG`` arguments (``depth``, ``out_indices``,
            ``with_last_pool``, ``init_cfg``...).

    Example (the benchmark's ACoL-VGG16, 14x14 maps at 224 px)::

        backbone=dict(
            type='WSOLVGG', depth=16, with_last_pool=True, out_indices=(4, ),
            pools=[dict(kernel_size=3, stride=2, padding=1)] * 4 +
            [dict(kernel_size=3, stride=1, padding=1)])
    """

    def __init__(self,
                 pools: Optional[Sequence[Optional[dict]]] = None,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        if pools is None:
            return
        num_stages = len(self.stage_blocks)
        if not isinstance(pools, (list, tuple)) or len(pools) != num_stages:
            raise ValueError(
                f'WSOLVGG: pools must list one entry (a MaxPool2d dict or '
                f'None) per stage, {num_stages} for this depth, got '
                f'pools={pools!r}')
        layers = getattr(self, self.module_name)
        for stage, cfg in enumerate(pools):
            if cfg is None:
                continue
            if not isinstance(cfg, dict):
                raise ValueError(f'WSOLVGG: pools[{stage}] must be a dict of '
                                 f'nn.MaxPool2d arguments or None, got '
                                 f'{cfg!r}')
            last = self.range_sub_modules[stage][1] - 1
            if not isinstance(layers[last], nn.MaxPool2d):
                raise ValueError(
                    f'WSOLVGG: pools[{stage}] is set but stage {stage} has '
                    'no pool (with_last_pool=False removes the last one); '
                    f'set with_last_pool=True or pools[{stage}]=None')
            try:
                layers[last] = nn.MaxPool2d(**cfg)
            except TypeError as err:
                raise ValueError(f'WSOLVGG: pools[{stage}]={cfg!r} is not a '
                                 f'set of nn.MaxPool2d arguments: {err}')
