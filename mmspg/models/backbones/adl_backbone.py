"""Insert ADL layers into any backbone, after named sub-modules."""
from typing import Sequence, Union

import torch.nn as nn

from mmspg.registry import MODELS

from ..utils.adl import ADL

# Where the WSOL benchmark puts ADL (clovaai/wsolevaluation), in the module
# names of the backbones mmspg builds them from:
ADL_POSITIONS = dict(
    # wsol/vgg.py:43-44 ('14x14': 'A' after pool3, after conv4_3, after
    # conv5_3) -> mmpretrain VGG-16 `features` indices (2 + 1 pool, 2 + 1,
    # 3 + 1, 3 + 1, 3 convs; with_last_pool=False).
    vgg16=('features.9', 'features.12', 'features.16'),
    # wsol/resnet.py:24 _ADL_POSITION = [[], [], [], [0], [0, 2]]: after
    # block 0 of layer3 and blocks 0 and 2 of layer4 (resnet.py:392-396).
    resnet50=('layer3.0', 'layer4.0', 'layer4.2'),
    # wsol/inception.py:414-416, 463, 472: after Mixed_5d and Mixed_6e (and
    # after the head's second conv: CAMHead(plugin=dict(type='ADL'))).
    inception_v3=('Mixed_5d', 'Mixed_6e'),
)


@MODELS.register_module()
def ADLBackbone(backbone: Union[dict, nn.Module],
                positions: Union[str, Sequence[str]],
                drop_rate: float = 0.75,
                threshold_ratio: float = 0.9) -> nn.Module:
    """Build ``backbone`` and apply an :class:`ADL` to the output of each
    sub-module named in ``positions``.

    mmpretrain's ResNet, VGG and mmspg's Inception-v3 have no ``plugins``
    argument (mmdet/mmcv-style plugins exist only in mmdet's ResNet), so the
    layers are attached by forward hooks instead: the backbone returned is
    the one configured, with its own class, parameter names (pretrained and
    trained checkpoints load unchanged; ADL has no parameter) and
    ``out_indices``; the ADL modules live in its ``adl_layers`` and follow
    its train/eval mode (identity at test time).

    Args:
        backbone (dict | nn.Module): The backbone config (``MODELS``).
        positions (str | Sequence[str]): Dotted sub-module names (as in
            ``named_modules()``), e.g. ``('layer3.0', 'layer4.0',
            'layer4.2')``, or one of the benchmark's placements:
            ``'vgg16'``, ``'resnet50'``, ``'inception_v3'`` (see
            ``ADL_POSITIONS``).
        drop_rate (float): ADL drop rate. Defaults to 0.75 (benchmark
            ``config.py:225``).
        threshold_ratio (float): ADL threshold ratio. Defaults to 0.9
            (benchmark ``config.py:227``).

    Returns:
        nn.Module: The backbone with ADL applied.

    Example:
        >>> backbone = dict(type='ADLBackbone', positions='resnet50',
        ...                 backbone=dict(type='ResNet', depth=50, ...))
    """
    if isinstance(positions, str):
        if positions not in ADL_POSITIONS:
            raise ValueError(
                f'ADLBackbone: positions={positions!r} is not one of the '
                f'named placements {sorted(ADL_POSITIONS)}; give module '
                'names instead')
        positions = ADL_POSITIONS[positions]
    if not positions:
        raise ValueError('ADLBackbone: positions is empty')
    model = backbone if isinstance(backbone,
                                   nn.Module) else MODELS.build(backbone)
    modules = dict(model.named_modules())
    layers = nn.ModuleDict()
    for name in positions:
        if name not in modules or name == '':
            hint = sorted(n for n in modules if n and '.' not in n)
            raise ValueError(
                f'ADLBackbone: {type(model).__name__} has no sub-module '
                f'{name!r}; its top-level modules are {hint}')
        adl = ADL(drop_rate=drop_rate, threshold_ratio=threshold_ratio)
        # a bound method (not a closure): deep copies of the model (EMA,
        # model soups) then call their own copy of the layer
        modules[name].register_forward_hook(adl.forward_hook)
        layers[name.replace('.', '_')] = adl
    model.add_module('adl_layers', layers)
    return model
