"""The WSOL benchmark's SPG VGG-16 trunk (VggSpg), with its layer names."""
from typing import List, Optional, Tuple, Union

import torch.nn as nn
from mmpretrain.models.backbones.base_backbone import BaseBackbone
from torch import Tensor
from torchvision.models.vgg import make_layers

from mmspg.registry import MODELS


def _three_convs(in_channels: int) -> nn.Sequential:
    layers = []
    for c_in in (in_channels, 512, 512):
        layers += [nn.Conv2d(c_in, 512, 3, padding=1), nn.ReLU(inplace=True)]
    return nn.Sequential(*layers)


@MODELS.register_module()
class VggSpg(BaseBackbone):
    """VGG-16 split for SPG as the WSOL benchmark builds it
    (clovaai/wsolevaluation ``wsol/vgg.py:124-213``, ``VggSpg``).

    ``features`` = conv1_1 ... conv3_3 with pool1-pool3 (config ``'spg'``,
    vgg.py:38-41, made by torchvision's ``make_layers``, vgg.py:266-283);
    ``SPG_A_1`` = conv4_1-4_3 (vgg.py:131-138); a 3x3/stride-2/padding-1
    max-pool unless ``large_feature_map`` (vgg.py:184-185); ``SPG_A_2`` =
    conv5_1-5_3 (vgg.py:139-146). SPG-B1 reads the (pooled) ``SPG_A_1``
    output, SPG-B2 and SPG-A's last block (``SPG_A_3``, which is
    :class:`~mmspg.models.heads.SPGHead`'s SPG-A convs) read ``SPG_A_2``'s
    (vgg.py:187-195), so ``forward`` returns ``(b1_in, a2, a2)``: 512
    channels each, 14x14 at 224 px (28x28 with ``large_feature_map``).

    The module names are the benchmark's, so torchvision's ``vgg16`` file
    loads with its re-keying (``batch_replace_layer``, vgg.py:241-248:
    ``features.17/19/21`` -> ``SPG_A_1.0/2/4``, ``features.24/26/28`` ->
    ``SPG_A_2.0/2/4``) through ``init_cfg=dict(type='WSOLPretrained',
    converter='torchvision_vgg16')``; torchvision's ``make_layers`` is
    reused for ``features`` for the same reason (mmpretrain's ``VGG`` names
    its convs ``features.N.conv``).

    Args:
        large_feature_map (bool): Drop the max-pool after ``SPG_A_1``
            (benchmark ``--large_feature_map``). Defaults to False.
        init_cfg (dict | list[dict], optional): Defaults to Xavier-uniform
            convs with zero bias (vgg.py:177, wsol/util.py:44-55); recipes
            load the ImageNet weights over every layer.
    """

    def __init__(
        self,
        large_feature_map: bool = False,
        init_cfg: Optional[Union[dict, List[dict]]] = dict(
            type='Xavier', layer='Conv2d', distribution='uniform', bias=0.)
    ) -> None:
        super().__init__(init_cfg=init_cfg)
        if not isinstance(large_feature_map, bool):
            raise ValueError('VggSpg: large_feature_map must be True or '
                             f'False, got {large_feature_map!r}')
        self.large_feature_map = large_feature_map
        self.features = make_layers(
            [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M'])
        self.SPG_A_1 = _three_convs(256)
        self.pool = nn.Identity() if large_feature_map else nn.MaxPool2d(
            kernel_size=3, stride=2, padding=1)
        self.SPG_A_2 = _three_convs(512)

    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
        """(N, 3, H, W) -> (B1 input, B2 input, SPG-A input), each
        (N, 512, H/16, W/16) (H/8 with ``large_feature_map``)."""
        b1_in = self.pool(self.SPG_A_1(self.features(x)))
        a2 = self.SPG_A_2(b1_in)
        return b1_in, a2, a2
