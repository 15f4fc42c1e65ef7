"""CAM head: optional convs + a class-wise 1x1 classifier, GAP, CAMs."""
from typing import Callable, List, Optional, Sequence, Tuple, Union

import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.models.heads import ClsHead
from mmpretrain.structures import DataSample
from torch import Tensor

from mmspg.registry import MODELS

from ..utils.loc_predictions import (check_loc_resize, fill_loc_predictions,
                                     select_maps)
from ..utils.normalize import build_loc_normalizer
from ..utils.raw_map_check import finite_per_sample, set_finite, track_finite


def check_int(owner: str, key: str, value, minimum: int) -> None:
    """Raise a ValueError naming ``key`` unless ``value`` is an int >=
    ``minimum``."""
    if (isinstance(value, bool) or not isinstance(value, int)
            or value < minimum):
        raise ValueError(f'{owner}: {key} must be an int >= {minimum}, got '
                         f'{key}={value!r}')


def conv_relu(in_channels: int,
              out_channels: int,
              kernel_size: int = 3) -> nn.Sequential:
    """A k x k conv (odd k, padded to keep the map size) + in-place ReLU,
    the conv block of CAMHead's stack and of SPGHead's B/C branches.

    Not mmcv's ``ConvModule``: its parameters are named ``conv.weight``,
    these ``0.weight``, the names every saved checkpoint of both heads has.
    """
    return nn.Sequential(
        nn.Conv2d(
            in_channels,
            out_channels,
            kernel_size=kernel_size,
            padding=kernel_size // 2), nn.ReLU(inplace=True))


@MODELS.register_module()
class CAMHead(ClsHead):
    """Class activation mapping head (Zhou et al., CVPR 2016), the WSOL
    benchmark's "CAM" on any backbone that gives feature maps.

    On the backbone map ``feats[in_index]`` (N, ``in_channels``, h, w)::

        for each c in conv_channels:  x = ReLU(conv_kxk(dropout(x)))
        x = plugin(dropout(x))        # optional, e.g. ADL after the convs
        cams = classifier(x)          # (N, num_classes, h, w), 1x1 / linear
        logits = GAP(cams)            # (N, num_classes)

    A ``'linear'`` classifier is an ``nn.Linear`` on the pooled features
    (``fc``, the name of mmpretrain's ``LinearClsHead``, so classification
    checkpoints load); its CAMs are the same weights applied at every pixel:
    GAP and an affine map commute, so both classifiers give the same logits
    and CAMs for the same weights.

    The benchmark's CAM models in these terms (clovaai/wsolevaluation):

    - VGG16-GAP: ``conv_channels=(1024,)``, no dropout, ``'linear'``
      (``wsol/vgg.py:56-59``: conv6 512->1024 3x3 + ReLU, GAP, fc).
    - ResNet-50: no conv, ``'linear'`` (``wsol/resnet.py:86-87``: GAP, fc).
    - Inception-v3: ``conv_channels=(1024, 1024)``, ``dropout_ratio=0.5``,
      ``'conv'`` (``wsol/inception.py:156-164, 192-198``: dropout, two 3x3
      convs to 1024, dropout before each, 1x1 conv ``SPG_A4``, GAP).

    The last one is SPG-A, i.e. SPG-plain = this head with
    ``conv_channels=(mid_channels, mid_channels)`` and ``dropout_ratio=0.5``
    (``SPGHead`` subclasses this head: its SPG-A is exactly these layers,
    and with ``with_spg_b=with_spg_c=False`` it is this head).

    The classification loss is mmpretrain's ``ClsHead._get_loss``: it uses
    ``gt_score`` when a batch augment (``CutMix``, ``Mixup``,
    ``HideAndSeek``) set it, else ``gt_label`` -- one mechanism for every
    mmspg head.

    Args:
        num_classes (int): Number of classes.
        in_channels (int): Channels of the backbone map used.
        conv_channels (Sequence[int]): Output channels of the 3x3 (``
            conv_kernel_size``) conv + ReLU layers before the classifier;
            empty for none. Defaults to ().
        conv_kernel_size (int): Odd kernel size of those convs. Defaults 3.
        dropout_ratio (float): Dropout probability in [0, 1) before each
            conv and before the classifier (0: no dropout). Defaults to 0.
        classifier (str): ``'conv'`` (1x1 conv, ``cls_conv``) or
            ``'linear'`` (``fc`` on the pooled features). Defaults 'conv'.
        plugin (dict, optional): A module config (``MODELS``) applied to the
            last feature map before the classifier, e.g. ``dict(type='ADL')``
            (benchmark Inception-v3 ADL, ``wsol/inception.py:476``).
        in_index (int): Which backbone map to use. Defaults to -1 (last).
        loc_topk (int): Number of classes whose maps ``predict`` returns.
            Defaults to 5.
        loc_resize (str): How ``predict`` resizes a raw map to the input
            size: ``'bicubic'``, the WSOL benchmark's (OpenCV INTER_CUBIC on
            the raw map, then min-max), or ``'bilinear'``, the official SPG
            code's (min-max, OpenCV INTER_LINEAR, min-max); see
            :mod:`mmspg.models.utils.loc_predictions`. Defaults to
            'bicubic', the map every ``WSOLMetric`` metric was defined
            on.
        loc_normalize (str | dict): How ``predict`` normalises the resized
            map: ``'minmax'`` (default, the benchmark's), ``'max'``,
            ``'pas'`` or ``'ivr'`` (Kim et al., ICCV 2021, as GenDisc/IVR
            computes them), or a dict with parameters, e.g.
            ``dict(type='ivr', percentile=0.45)``; see
            :mod:`mmspg.evaluation.functional.scoremap_norm`. Test time
            only: a trained checkpoint is re-scored by changing it.
        loss (dict): Classification loss config. Defaults to cross-entropy.
        init_cfg (dict | list[dict], optional): Defaults to Xavier-uniform
            convs with zero bias and N(0, 0.01) linear weights
            (``wsol/util.py:44-61``, ``init_mode='xavier'``).
        **kwargs: Other ``ClsHead`` arguments (``cal_acc``...).
    """

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 conv_channels: Sequence[int] = (),
                 conv_kernel_size: int = 3,
                 dropout_ratio: float = 0.0,
                 classifier: str = 'conv',
                 plugin: Optional[dict] = None,
                 in_index: int = -1,
                 loc_topk: int = 5,
                 loc_resize: str = 'bicubic',
                 loc_normalize: Union[str, dict] = 'minmax',
                 loss: dict = dict(type='CrossEntropyLoss', loss_weight=1.0),
                 init_cfg: Optional[Union[dict, List[dict]]] = [
                     dict(
                         type='Xavier',
                         layer='Conv2d',
                         distribution='uniform',
                         bias=0.),
                     dict(type='Normal', layer='Linear', std=0.01, bias=0.)
                 ],
                 **kwargs) -> None:
        super().__init__(loss=loss, init_cfg=init_cfg, **kwargs)
        name = type(self).__name__
        check_int(name, 'num_classes', num_classes, 1)
        check_int(name, 'in_channels', in_channels, 1)
        check_int(name, 'loc_topk', loc_topk, 1)
        check_loc_resize(name, loc_resize)
        self.loc_normalizer = build_loc_normalizer(loc_normalize,
                                                   f'{name}: loc_normalize')
        if not isinstance(conv_channels, (list, tuple)):
            raise ValueError(f'{name}: conv_channels must be a sequence of '
                             f'ints, got conv_channels={conv_channels!r}')
        for i, c in enumerate(conv_channels):
            check_int(name, f'conv_channels[{i}]', c, 1)
        check_int(name, 'conv_kernel_size', conv_kernel_size, 1)
        if conv_kernel_size % 2 == 0:
            raise ValueError(f'{name}: conv_kernel_size must be odd (the '
                             f'map keeps its size), got {conv_kernel_size}')
        if not (isinstance(dropout_ratio, (int, float))
                and not isinstance(dropout_ratio, bool)
                and 0.0 <= dropout_ratio < 1.0):
            raise ValueError(f'{name}: dropout_ratio must be in [0, 1), got '
                             f'dropout_ratio={dropout_ratio!r}')
        if classifier not in ('conv', 'linear'):
            raise ValueError(f"{name}: classifier must be 'conv' or "
                             f"'linear', got classifier={classifier!r}")
        if isinstance(in_index, bool) or not isinstance(in_index, int):
            raise ValueError(f'{name}: in_index must be an int, got '
                             f'in_index={in_index!r}')
        self.num_classes = num_classes
        self.in_channels = in_channels
        self.conv_channels = tuple(conv_channels)
        self.conv_kernel_size = conv_kernel_size
        self.classifier_type = classifier
        self.in_index = in_index
        self.loc_topk = loc_topk
        self.loc_resize = loc_resize
        # Dropout has no parameter: one module serves every position.
        self.dropout = nn.Dropout(p=dropout_ratio) if dropout_ratio > 0 \
            else nn.Identity()
        self.convs, self.plugin, last = self._build_convs(plugin)
        if classifier == 'conv':
            self.cls_conv = nn.Conv2d(last, num_classes, kernel_size=1)
        else:
            self.fc = nn.Linear(last, num_classes)

    def _build_convs(self, plugin: Optional[dict]):
        """The conv stack, the plugin and the classifier's input width."""
        layers, c_in = [], self.in_channels
        for c_out in self.conv_channels:
            layers.append(conv_relu(c_in, c_out, self.conv_kernel_size))
            c_in = c_out
        if plugin is None:
            plugin_module = nn.Identity()
        elif isinstance(plugin, nn.Module):
            plugin_module = plugin
        elif isinstance(plugin, dict):
            plugin_module = MODELS.build(plugin)
        else:
            raise ValueError(f'{type(self).__name__}: plugin must be a '
                             f'module config dict, got {plugin!r}')
        return nn.ModuleList(layers), plugin_module, c_in

    # ------------------------------------------------------------------
    # Forward pieces
    # ------------------------------------------------------------------
    def _select_feat(self, feats: Sequence[Tensor]) -> Tensor:
        if isinstance(feats, Tensor):
            feats = (feats, )
        if not isinstance(feats, (list, tuple)) or not feats:
            raise ValueError(f'{type(self).__name__}: needs a tuple of '
                             f'backbone maps, got {type(feats).__name__}')
        try:
            feat = feats[self.in_index]
        except IndexError:
            raise ValueError(
                f'{type(self).__name__}: in_index={self.in_index} but the '
                f'backbone returned {len(feats)} maps; check its out_indices')
        if feat.dim() != 4 or feat.size(1) != self.in_channels:
            raise ValueError(
                f'{type(self).__name__}: the backbone map has shape '
                f'{tuple(feat.shape)}, but in_channels={self.in_channels} '
                '(a 4-D (N, C, h, w) map is needed: remove the neck, e.g. '
                'neck=None, and set the backbone out_indices)')
        return feat

    def _classify_map(self, x: Tensor) -> Tensor:
        """Class maps (N, num_classes, h, w) of the classifier input."""
        if self.classifier_type == 'conv':
            return self.cls_conv(x)
        return F.conv2d(x, self.fc.weight[:, :, None, None], self.fc.bias)

    def _logits(self, x: Tensor) -> Tensor:
        if self.classifier_type == 'conv':
            return self.cls_conv(x).mean(dim=(2, 3))
        return self.fc(x.mean(dim=(2, 3)))

    def _features(self, feat: Tensor) -> Tensor:
        """The classifier's input: convs, dropout and plugin."""
        x = feat
        for conv in self.convs:
            x = conv(self.dropout(x))
        return self.plugin(self.dropout(x))

    def forward_cams(self, feats: Sequence[Tensor]) -> Tuple[Tensor, Tensor]:
        """CAMs of every class and the classifier's input.

        Args:
            feats (tuple[Tensor]): Backbone maps; ``feats[in_index]`` is
                used.

        Returns:
            tuple[Tensor, Tensor]: raw CAMs (N, num_classes, h, w), any
            real values, and the classifier input (N, C', h, w).
        """
        x = self._features(self._select_feat(feats))
        return self._classify_map(x), x

    def forward(self, feats: Sequence[Tensor]) -> Tensor:
        """Class logits (N, num_classes) (GAP before or after the
        classifier: the same value)."""
        return self._logits(self._features(self._select_feat(feats)))

    def loss(self, feats: Sequence[Tensor], data_samples: List[DataSample],
             **kwargs) -> dict:
        """Classification loss (``ClsHead._get_loss``: ``gt_score`` when a
        batch augment set it, else ``gt_label``).

        Returns:
            dict[str, Tensor]: ``loss`` (and ``accuracy`` with ``cal_acc``).
        """
        return self._get_loss(self(feats), data_samples, **kwargs)

    # ------------------------------------------------------------------
    # Localisation
    # ------------------------------------------------------------------
    # Maps of ``labels`` (N, L) or (N,) from (N, C, h, w) maps.
    select_maps = staticmethod(select_maps)

    def localize(
            self, feats: Sequence[Tensor]
    ) -> Tuple[Tensor, Callable[[Tensor], Tensor]]:
        """Logits and a function giving the test-time map of any classes.

        The one override point for a method whose test-time map is not the
        CAM (ACoL: the maximum of its two branches' normalised maps).

        Args:
            feats (tuple[Tensor]): Backbone maps.

        Returns:
            tuple: logits (N, num_classes) and ``maps_of``, which takes
            (N, L) class indices and returns their raw maps (N, L, h, w)
            (normalised by the caller).
        """
        cams, _ = self.forward_cams(feats)
        cams = cams.float()
        logits = cams.mean(dim=(2, 3))
        if (self.classifier_type == 'linear' and self.fc.bias is not None and
                not getattr(self.loc_normalizer, 'affine_invariant', True)):
            # GenDisc/IVR's CAM of a linear classifier has no bias: the
            # channel mean of w_c * f (wsol/vgg.py:70-75,
            # wsol/resnet.py:106-111). A positive scale or a shift does not
            # change a min-max/PaS/IVR map, but a shift changes 'max'.
            cams = cams - self.fc.bias.float()[None, :, None, None]
        return logits, lambda labels: self.select_maps(cams, labels)

    def predict(
            self,
            feats: Sequence[Tensor],
            data_samples: Optional[List[Optional[DataSample]]] = None,
            input_size: Optional[Sequence[int]] = None) -> List[DataSample]:
        """Classify and localise (fields as in ``docs/interfaces.md``).

        Args:
            feats (tuple[Tensor]): Backbone maps.
            data_samples (list[DataSample | None], optional): Samples to
                fill; with ``gt_label`` the ground-truth class map is added.
            input_size (Sequence[int], optional): (H, W) of the network
                input; maps are resized to it as ``loc_resize`` says. If
                None, ``img_shape`` of the first data sample, else the CAM
                size.

        Returns:
            list[DataSample]: With ``pred_score`` (C,) softmax,
            ``pred_label`` (1,), ``loc_labels`` (K,) top-K classes,
            ``loc_maps`` (K, H, W) float32 in [0, 1] (``loc_normalize``
            per map) and,
            where ``gt_label`` is known, ``gt_loc_map`` (H, W) in [0, 1].
        """
        logits, maps_of = self.localize(feats)
        # finiteness of the raw maps and logits, before normalisation hides
        # a NaN map as zeros (models/utils/raw_map_check.py)
        maps_of, flags = track_finite(maps_of)
        samples = fill_loc_predictions(maps_of,
                                       F.softmax(logits.float(), dim=1),
                                       self.loc_topk, data_samples, input_size,
                                       self.loc_resize, self.loc_normalizer)
        return set_finite(samples, flags + [finite_per_sample(logits)])
