"""The WSOL benchmark's SPG ResNet-50 trunk (ResNetSpg), with its names."""
from typing import List, Optional, Tuple, Union

import torch.nn as nn
from mmpretrain.models.backbones import ResNet
from torch import Tensor

from mmspg.registry import MODELS


@MODELS.register_module()
class ResNetSpg(ResNet):
    """mmpretrain's ResNet-50 with layer3 split for SPG, as the WSOL
    benchmark builds it (clovaai/wsolevaluation ``wsol/resnet.py:213-331``,
    ``ResNetSpg``).

    layer3's first block is ``SPG_A1``, its other five ``SPG_A2``
    (``_make_layer(split=True)``, resnet.py:233-236, 266-279); layer3 runs
    at stride 2, or 1 with ``large_feature_map`` (resnet.py:218), layer4 at
    stride 1 (resnet.py:237-239). SPG-B1 reads ``SPG_A1``'s output, SPG-B2
    ``SPG_A2``'s (1024 channels each), SPG-A's 1x1 class conv (``SPG_A4``)
    and SPG-C read layer4's (2048; resnet.py:302-314), so ``forward``
    returns those three maps: 14x14 at 224 px, 28x28 with
    ``large_feature_map``. The SPG layers are
    :class:`~mmspg.models.heads.SPGHead`'s with ``mid_channels=()``.

    The blocks are mmpretrain's (torchvision's names: ``conv1``, ``bn1``,
    ``layer1.0.downsample.0``...), moved, not copied, so torchvision's
    ``resnet50`` file loads with the benchmark's re-keying
    (``batch_replace_layer``, resnet.py:442-449: ``layer3.0.`` ->
    ``SPG_A1.0.``, ``layer3.1-5.`` -> ``SPG_A2.0-4.``) through
    ``init_cfg=dict(type='WSOLPretrained',
    converter='torchvision_resnet50')``.

    Args:
        large_feature_map (bool): layer3 at stride 1. Defaults to False.
        init_cfg (dict | list[dict], optional): Defaults to Xavier-uniform
            convs and BN weight 1 / bias 0 (resnet.py:264, wsol/util.py:
            44-58); recipes load the ImageNet weights over every layer.
        **kwargs: Other ``ResNet`` arguments (``norm_cfg``, ``norm_eval``,
            ``with_cp``); ``depth`` (50), ``strides``, ``out_indices``,
            ``style`` and ``zero_init_residual`` are set here.
    """

    def __init__(self,
                 large_feature_map: bool = False,
                 init_cfg: Optional[Union[dict, List[dict]]] = [
                     dict(
                         type='Xavier',
                         layer='Conv2d',
                         distribution='uniform',
                         bias=0.),
                     dict(type='Constant', val=1, layer=['_BatchNorm'])
                 ],
                 **kwargs) -> None:
        fixed = ('depth', 'strides', 'dilations', 'out_indices', 'style',
                 'num_stages', 'frozen_stages', 'zero_init_residual',
                 'deep_stem', 'avg_down')
        given = sorted(k for k in kwargs if k in fixed)
        if given:
            raise ValueError(f'ResNetSpg: {given} are set by the benchmark\'s '
                             'architecture (wsol/resnet.py:213-239); give '
                             'large_feature_map instead')
        if not isinstance(large_feature_map, bool):
            raise ValueError('ResNetSpg: large_feature_map must be True or '
                             f'False, got {large_feature_map!r}')
        super().__init__(
            depth=50,
            strides=(1, 2, 1 if large_feature_map else 2, 1),
            out_indices=(3, ),
            style='pytorch',
            zero_init_residual=False,
            init_cfg=init_cfg,
            **kwargs)
        self.large_feature_map = large_feature_map
        layer3 = self.layer3
        del self.layer3
        self.SPG_A1 = nn.Sequential(layer3[0])
        self.SPG_A2 = nn.Sequential(*list(layer3)[1:])
        self.res_layers = ['layer1', 'layer2', 'SPG_A1', 'SPG_A2', 'layer4']

    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
        """(N, 3, H, W) -> (SPG_A1 out (N, 1024, h, w), SPG_A2 out
        (N, 1024, h, w), layer4 out (N, 2048, h, w)), h = H/16 (H/8 with
        ``large_feature_map``)."""
        x = self.maxpool(self.relu(self.norm1(self.conv1(x))))
        b1_in = self.SPG_A1(self.layer2(self.layer1(x)))
        b2_in = self.SPG_A2(b1_in)
        return b1_in, b2_in, self.layer4(b2_in)
