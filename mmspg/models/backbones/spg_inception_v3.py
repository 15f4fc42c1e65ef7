"""Inception-v3 trunk for weakly supervised localisation (SPG)."""
import re
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
from mmengine.logging import print_log
from mmengine.model import BaseModule
from mmengine.runner.checkpoint import CheckpointLoader
from mmpretrain.models.backbones.base_backbone import BaseBackbone
from mmpretrain.models.backbones.inception_v3 import (BasicConv2d, InceptionA,
                                                      InceptionC)
from torch import Tensor
from torch.nn.modules.batchnorm import _BatchNorm

from mmspg.registry import MODELS
from mmspg.utils.checkpoint_convert import INCEPTION_DROPPED_KEYS


class InceptionBStride1(BaseModule):
    """Inception-B (``Mixed_6a``) with a configurable stride and padding.

    mmpretrain's / torchvision's ``InceptionB`` hard-codes stride 2 without
    padding; SPG keeps the 28x28 resolution with stride 1, padding 1. The
    parameter names are the same, so their checkpoints load.

    Args:
        in_channels (int): Input channels.
        stride (int): Stride of the 3x3 convs and the max-pool.
        padding (int): Padding of the 3x3 convs and the max-pool.
    """

    def __init__(self,
                 in_channels: int,
                 stride: int = 1,
                 padding: int = 1,
                 conv_cfg: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.branch3x3 = BasicConv2d(
            in_channels,
            384,
            kernel_size=3,
            stride=stride,
            padding=padding,
            conv_cfg=conv_cfg)
        self.branch3x3dbl_1 = BasicConv2d(
            in_channels, 64, kernel_size=1, conv_cfg=conv_cfg)
        self.branch3x3dbl_2 = BasicConv2d(
            64, 96, kernel_size=3, padding=1, conv_cfg=conv_cfg)
        self.branch3x3dbl_3 = BasicConv2d(
            96,
            96,
            kernel_size=3,
            stride=stride,
            padding=padding,
            conv_cfg=conv_cfg)
        self.branch_pool = nn.MaxPool2d(
            kernel_size=3, stride=stride, padding=padding)

    def forward(self, x: Tensor) -> Tensor:
        """(N, C, H, W) -> (N, C + 480, H', W')."""
        branch3x3 = self.branch3x3(x)
        branch3x3dbl = self.branch3x3dbl_3(
            self.branch3x3dbl_2(self.branch3x3dbl_1(x)))
        branch_pool = self.branch_pool(x)
        return torch.cat([branch3x3, branch3x3dbl, branch_pool], 1)


@MODELS.register_module()
class SPGInceptionV3(BaseBackbone):
    """Inception-v3 up to ``Mixed_6e`` at stride 8, as in the SPG code.

    Differences from the classification network (xiaomengyc/SPG,
    ``models/google/inception3_spg.py``): ``Conv2d_1a_3x3`` has padding 1,
    both max-pools use padding 1 and ``ceil_mode``, ``Mixed_6a`` has stride
    1 and padding 1, and ``Mixed_7*``, ``AuxLogits`` and ``fc`` are dropped.
    A 224x224 input gives 28x28 maps from ``Mixed_5b`` to ``Mixed_6e``.

    Parameter names equal torchvision's ``inception_v3`` and mmpretrain's
    ``InceptionV3`` (``Conv2d_1a_3x3.conv.weight``, ``Mixed_5b.branch1x1.bn
    .running_mean``...). With ``init_cfg=dict(type='Pretrained',
    checkpoint=PATH)`` it loads, strictly, a torchvision state dict (e.g.
    ``inception_v3_google-*.pth`` or ``torchvision://inception_v3_google``)
    or an mmpretrain checkpoint (``state_dict`` with ``backbone.`` keys; the
    prefix is detected, or give ``prefix='backbone.'``). Keys of
    ``Mixed_7*``, ``AuxLogits``, ``fc`` and other model parts (``head.``)
    are ignored; a missing, unexpected or mis-shaped key of the kept layers
    raises ``KeyError`` / ``ValueError`` listing the keys.

    Two variants (``variant``), which load the same Google weights:

    - ``'spg-official'`` (default): the trunk of the official code, as
      above; Mixed_5d feeds Mixed_6a directly, so B1 (Mixed_5d), B2
      (Mixed_6d) and SPG-A (Mixed_6e) maps share one size (28x28 at 224 px,
      40x40 at the official 321 px crop).
    - ``'wsol-benchmark'``: the Inception-v3 of the WSOL benchmark
      (clovaai/wsolevaluation ``wsol/inception.py``, ``InceptionSpg``):
      identical layers, plus a 3x3 stride-2 max-pool (no padding,
      ``ceil_mode``) after Mixed_5d unless ``large_feature_map`` (lines
      364-365). The benchmark taps B1 after that pool (line 367), so the
      ``Mixed_5d`` output returned here is the pooled map: 14x14 maps at
      224 px. With ``large_feature_map=True`` the two variants are the same
      network.

    Note: torchvision's Google weights expect inputs normalised to [-1, 1]
    (torchvision's ``transform_input``). Neither the official code nor the
    benchmark maps the input: both normalise with the ImageNet mean/std
    (official ``utils/LoadData.py`` lines 14-15, 25; benchmark
    ``data_loaders.py`` lines 30-31, 214) and run the network without a
    transform (official: the model is built with ``pretrained=False``,
    ``exper/train_frame.py`` line 78, so ``transform_input`` keeps its
    default False, ``inception3_spg.py`` lines 27-29 and 76; the
    benchmark's ``InceptionSpg`` has none). Their recipes therefore leave
    ``transform_input=False``; set it True to feed the weights the range
    they were trained on (or normalise with ``mean=std=[127.5] * 3``).

    Args:
        out_indices (Sequence[str | int]): Stages to return, by name (see
            :attr:`STAGES`) or index into it. Defaults to
            ``('Mixed_5d', 'Mixed_6d', 'Mixed_6e')`` (288, 768, 768 ch).
        frozen_stages (int): Freeze (eval mode, no grad) the first
            ``frozen_stages`` entries of :attr:`STAGES`; -1 freezes none.
        norm_eval (bool): Keep BatchNorm layers in eval mode while training.
        transform_input (bool): Map ImageNet-mean/std normalised inputs to
            the [-1, 1] range of the Google weights. Defaults to False.
        variant (str): ``'spg-official'`` or ``'wsol-benchmark'`` (see
            above). Defaults to ``'spg-official'``.
        large_feature_map (bool): ``'wsol-benchmark'`` only: drop the
            max-pool after Mixed_5d (the benchmark's ``--large_feature_map``,
            ``config.py`` line 204). The official trunk always has the
            large maps, so the flag changes nothing there. Defaults to False.
        init_cfg (dict | list[dict], optional): Initialisation config.

    Example:
        >>> import torch
        >>> from mmspg.models import SPGInceptionV3
        >>> feats = SPGInceptionV3().eval()(torch.rand(1, 3, 224, 224))
        >>> [tuple(f.shape) for f in feats]
        [(1, 288, 28, 28), (1, 768, 28, 28), (1, 768, 28, 28)]
    """

    #: Named stages, in order, with their output channels.
    STAGES: Tuple[str, ...] = ('Conv2d_1a_3x3', 'Conv2d_2a_3x3',
                               'Conv2d_2b_3x3', 'maxpool1', 'Conv2d_3b_1x1',
                               'Conv2d_4a_3x3', 'maxpool2', 'Mixed_5b',
                               'Mixed_5c', 'Mixed_5d', 'Mixed_6a', 'Mixed_6b',
                               'Mixed_6c', 'Mixed_6d', 'Mixed_6e')
    STAGE_CHANNELS: Dict[str, int] = dict(
        Conv2d_1a_3x3=32,
        Conv2d_2a_3x3=32,
        Conv2d_2b_3x3=64,
        maxpool1=64,
        Conv2d_3b_1x1=80,
        Conv2d_4a_3x3=192,
        maxpool2=192,
        Mixed_5b=256,
        Mixed_5c=288,
        Mixed_5d=288,
        Mixed_6a=768,
        Mixed_6b=768,
        Mixed_6c=768,
        Mixed_6d=768,
        Mixed_6e=768)
    #: Trunk variants (see the class docstring).
    VARIANTS: Tuple[str, ...] = ('spg-official', 'wsol-benchmark')
    #: Checkpoint keys (after prefix removal) that have no place here: the
    #: ones both sources drop (one definition, shared with the
    #: 'torchvision_inception_v3' converter of WSOLPretrained).
    IGNORED_KEYS = INCEPTION_DROPPED_KEYS

    def __init__(
        self,
        out_indices: Sequence[Union[str, int]] = ('Mixed_5d', 'Mixed_6d',
                                                  'Mixed_6e'),
        frozen_stages: int = -1,
        norm_eval: bool = False,
        transform_input: bool = False,
        variant: str = 'spg-official',
        large_feature_map: bool = False,
        init_cfg: Optional[Union[dict, List[dict]]] = [
            dict(type='TruncNormal', layer='Conv2d', std=0.1),
            dict(type='Constant', layer='BatchNorm2d', val=1)
        ]
    ) -> None:
        super().__init__(init_cfg=init_cfg)
        self.out_indices = self._parse_out_indices(out_indices)
        if (isinstance(frozen_stages, bool)
                or not isinstance(frozen_stages, int)
                or not -1 <= frozen_stages <= len(self.STAGES)):
            raise ValueError('SPGInceptionV3: frozen_stages must be an int '
                             f'in [-1, {len(self.STAGES)}], got '
                             f'frozen_stages={frozen_stages!r}')
        self.frozen_stages = frozen_stages
        self.norm_eval = norm_eval
        self.transform_input = transform_input
        if variant not in self.VARIANTS:
            raise ValueError(f'SPGInceptionV3: variant must be one of '
                             f'{self.VARIANTS}, got variant={variant!r}')
        if not isinstance(large_feature_map, bool):
            raise ValueError('SPGInceptionV3: large_feature_map must be True '
                             f'or False, got {large_feature_map!r}')
        self.variant = variant
        self.large_feature_map = large_feature_map

        self.Conv2d_1a_3x3 = BasicConv2d(
            3, 32, kernel_size=3, stride=2, padding=1)
        self.Conv2d_2a_3x3 = BasicConv2d(32, 32, kernel_size=3)
        self.Conv2d_2b_3x3 = BasicConv2d(32, 64, kernel_size=3, padding=1)
        self.maxpool1 = nn.MaxPool2d(
            kernel_size=3, stride=2, padding=1, ceil_mode=True)
        self.Conv2d_3b_1x1 = BasicConv2d(64, 80, kernel_size=1)
        self.Conv2d_4a_3x3 = BasicConv2d(80, 192, kernel_size=3)
        self.maxpool2 = nn.MaxPool2d(
            kernel_size=3, stride=2, padding=1, ceil_mode=True)
        self.Mixed_5b = InceptionA(192, pool_features=32)
        self.Mixed_5c = InceptionA(256, pool_features=64)
        self.Mixed_5d = InceptionA(288, pool_features=64)
        # The benchmark's extra pool (wsol/inception.py lines 364-365); no
        # parameter, so both variants load the same checkpoints.
        self.pool_5d = (
            nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True)
            if variant == 'wsol-benchmark' and not large_feature_map else None)
        self.Mixed_6a = InceptionBStride1(288, stride=1, padding=1)
        self.Mixed_6b = InceptionC(768, channels_7x7=128)
        self.Mixed_6c = InceptionC(768, channels_7x7=160)
        self.Mixed_6d = InceptionC(768, channels_7x7=160)
        self.Mixed_6e = InceptionC(768, channels_7x7=192)
        self._freeze_stages()

    @property
    def out_channels(self) -> Tuple[int, ...]:
        """Channels of the returned feature maps."""
        return tuple(self.STAGE_CHANNELS[self.STAGES[i]]
                     for i in self.out_indices)

    def _parse_out_indices(self, out_indices) -> Tuple[int, ...]:
        if isinstance(out_indices, (str, int)):
            out_indices = (out_indices, )
        if len(out_indices) == 0:
            raise ValueError('SPGInceptionV3: out_indices must not be empty')
        parsed = []
        for idx in out_indices:
            if isinstance(idx, str):
                if idx not in self.STAGES:
                    raise ValueError(
                        f'SPGInceptionV3: out_indices has unknown stage '
                        f'{idx!r}; choose from {self.STAGES}')
                parsed.append(self.STAGES.index(idx))
            elif isinstance(idx, int) and not isinstance(idx, bool):
                if not -len(self.STAGES) <= idx < len(self.STAGES):
                    raise ValueError(
                        f'SPGInceptionV3: out_indices has index {idx} out '
                        f'of range for {len(self.STAGES)} stages')
                parsed.append(idx % len(self.STAGES))
            else:
                raise ValueError('SPGInceptionV3: out_indices entries must '
                                 f'be str or int, got {idx!r}')
        return tuple(parsed)

    def forward(self, x: Tensor) -> Tuple[Tensor, ...]:
        """Extract features.

        Args:
            x (Tensor): (N, 3, H, W) images.

        Returns:
            tuple[Tensor]: Maps of the ``out_indices`` stages, in order;
            (N, 288|768, H/8, W/8) for the default stages ('spg-official';
            about H/16, W/16 from Mixed_5d on for 'wsol-benchmark').
        """
        if self.transform_input:
            x = self._transform_input(x)
        feats = {}
        # All stages run, even past the last requested one, so that no
        # parameter is left without gradient (DDP would complain).
        for i, name in enumerate(self.STAGES):
            x = getattr(self, name)(x)
            if name == 'Mixed_5d' and self.pool_5d is not None:
                x = self.pool_5d(x)
            feats[i] = x
        return tuple(feats[i] for i in self.out_indices)

    @staticmethod
    def _transform_input(x: Tensor) -> Tensor:
        # Same affine map as torchvision's Inception3(transform_input=True):
        # (x * std + mean - 0.5) / 0.5 per channel.
        std = x.new_tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
        mean = x.new_tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
        return x * (std / 0.5) + (mean - 0.5) / 0.5

    def _freeze_stages(self) -> None:
        for name in self.STAGES[:max(self.frozen_stages, 0)]:
            module = getattr(self, name)
            module.eval()
            for param in module.parameters():
                param.requires_grad = False

    def train(self, mode: bool = True) -> 'SPGInceptionV3':
        """Set train mode, keeping frozen stages and (optionally) BN in
        eval mode."""
        super().train(mode)
        self._freeze_stages()
        if mode and self.norm_eval:
            for m in self.modules():
                if isinstance(m, _BatchNorm):
                    m.eval()
        return self

    # ------------------------------------------------------------------
    # Weights
    # ------------------------------------------------------------------
    def init_weights(self) -> None:
        """Initialise; a ``Pretrained`` init_cfg is loaded strictly.

        mmengine's ``PretrainedInit`` loads with ``strict=False`` and only
        logs missing keys, which would silently leave half of the trunk
        random with a wrong checkpoint; the pretrained part is therefore
        handled here, after the other initialisers as mmengine orders them.
        """
        cfgs = self.init_cfg
        if isinstance(cfgs, dict):
            cfgs = [cfgs]
        cfgs = list(cfgs or [])
        pretrained = [c for c in cfgs if c.get('type') == 'Pretrained']
        others = [c for c in cfgs if c.get('type') != 'Pretrained']
        if len(pretrained) > 1:
            raise ValueError('SPGInceptionV3: init_cfg has more than one '
                             f'Pretrained entry: {pretrained}')
        if not pretrained:
            super().init_weights()
            return
        saved = self.init_cfg
        self.init_cfg = others or None
        try:
            super().init_weights()
        finally:
            self.init_cfg = saved
        cfg = pretrained[0]
        if 'checkpoint' not in cfg:
            raise ValueError('SPGInceptionV3: the Pretrained init_cfg needs '
                             f'a "checkpoint" key, got {cfg}')
        self.load_pretrained(
            cfg['checkpoint'],
            prefix=cfg.get('prefix'),
            map_location=cfg.get('map_location', 'cpu'))

    def load_pretrained(self,
                        checkpoint: str,
                        prefix: Optional[str] = None,
                        map_location: str = 'cpu') -> None:
        """Load torchvision / mmpretrain Inception-v3 weights strictly.

        Args:
            checkpoint (str): Path or URL understood by mmengine's
                ``CheckpointLoader`` (``torchvision://``, ``open-mmlab://``).
            prefix (str, optional): Keep only keys starting with it and
                strip it (e.g. ``'backbone.'``). If None, ``'backbone.'`` is
                used when the checkpoint has such keys.
            map_location (str): Passed to ``torch.load``.

        Raises:
            KeyError: Kept keys missing from or unexpected in the checkpoint.
            ValueError: Keys whose shapes differ.
        """
        ckpt = CheckpointLoader.load_checkpoint(
            checkpoint, map_location=map_location)
        state_dict = self._extract_state_dict(ckpt, checkpoint)
        state_dict = self.convert_state_dict(state_dict, prefix, checkpoint)
        self.load_state_dict(state_dict, strict=True)
        print_log(
            f'SPGInceptionV3: loaded {len(state_dict)} tensors from '
            f'{checkpoint}',
            logger='current')

    @staticmethod
    def _extract_state_dict(ckpt, checkpoint: str) -> Dict[str, Tensor]:
        if isinstance(ckpt, nn.Module):
            return ckpt.state_dict()
        if not isinstance(ckpt, dict):
            raise ValueError(f'SPGInceptionV3: {checkpoint} holds a '
                             f'{type(ckpt).__name__}, not a state dict')
        for key in ('state_dict', 'model'):
            if key in ckpt and isinstance(ckpt[key], dict):
                return ckpt[key]
        return ckpt

    def convert_state_dict(
            self,
            state_dict: Dict[str, Tensor],
            prefix: Optional[str] = None,
            checkpoint: str = '<state_dict>') -> Dict[str, Tensor]:
        """Select, rename and check checkpoint keys against this model.

        Args:
            state_dict (dict[str, Tensor]): Checkpoint weights.
            prefix (str, optional): See :meth:`load_pretrained`.
            checkpoint (str): Name used in error messages.

        Returns:
            dict[str, Tensor]: Exactly the keys of ``self.state_dict()``
            (``num_batches_tracked`` filled in when absent, as in old
            torchvision checkpoints).
        """
        # DataParallel wrappers add 'module.'; mmengine strips it as well.
        state_dict = {
            re.sub(r'^module\.', '', k): v
            for k, v in state_dict.items()
        }
        if prefix is None and any(
                k.startswith('backbone.') for k in state_dict):
            prefix = 'backbone.'
        if prefix:
            state_dict = {
                k[len(prefix):]: v
                for k, v in state_dict.items() if k.startswith(prefix)
            }
            if not state_dict:
                raise KeyError(f'SPGInceptionV3: no key of {checkpoint} '
                               f'starts with prefix {prefix!r}')
        state_dict = {
            k: v
            for k, v in state_dict.items() if not self.IGNORED_KEYS.match(k)
        }
        own = self.state_dict()
        missing = [
            k for k in own
            if k not in state_dict and not k.endswith('num_batches_tracked')
        ]
        unexpected = [k for k in state_dict if k not in own]
        if missing or unexpected:
            raise KeyError(
                f'SPGInceptionV3: checkpoint {checkpoint} does not match '
                f'(prefix={prefix!r}). Missing keys ({len(missing)}): '
                f'{missing}. Unexpected keys ({len(unexpected)}): '
                f'{unexpected}')
        mismatched = [
            f'{k}: checkpoint {tuple(state_dict[k].shape)} vs model '
            f'{tuple(v.shape)}' for k, v in own.items()
            if k in state_dict and state_dict[k].shape != v.shape
        ]
        if mismatched:
            raise ValueError(f'SPGInceptionV3: checkpoint {checkpoint} has '
                             f'mis-shaped keys: {mismatched}')
        for k, v in own.items():
            if k not in state_dict:
                state_dict[k] = v.clone()
        return state_dict
