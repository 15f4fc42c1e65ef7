"""ACoL head: two CAM branches, the second on adversarially erased
features."""
from typing import Callable, List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.structures import DataSample
from torch import Tensor

from mmspg.registry import MODELS

from ..utils import minmax_normalize
from .cam_head import CAMHead


def acol_erase(feat: Tensor, attention: Tensor, threshold: float) -> Tensor:
    """Zero the features where the attention is >= ``threshold``.

    As the benchmark's ``_erase_attention`` (clovaai/wsolevaluation
    ``wsol/method/acol.py:33-39``: ``torch.ge``, so a pixel exactly at the
    threshold is erased).

    Args:
        feat (Tensor): (N, C, h, w) features.
        attention (Tensor): (N, 1, h, w) or (N, h, w) normalised attention
            in [0, 1] (no gradient is taken through it).

    Returns:
        Tensor: (N, C, h, w) ``feat`` times the keep mask.
    """
    if attention.dim() == 3:
        attention = attention[:, None]
    keep = (attention.detach() < threshold).to(feat.dtype)
    return feat * keep


@MODELS.register_module()
class ACoLHead(CAMHead):
    """Adversarial Complementary Learning (Zhang et al., CVPR 2018) as the
    WSOL benchmark implements it (clovaai/wsolevaluation
    ``wsol/method/acol.py``).

    Two classifier branches A and B of the same shape (each the conv stack
    and 1x1 classifier of :class:`CAMHead`; the benchmark: two 3x3 convs to
    1024 + ReLU and a 1x1 conv, ``wsol/vgg.py:86-99``,
    ``wsol/resnet.py:152-165``, ``wsol/inception.py:238-251``) read the same
    backbone map. Branch A's CAM of the label class (the ground truth in
    training, ``acol.py:17``), min-max normalised over the map
    (``wsol/method/util.py:27-42``), marks where the object is found; the
    features there (attention >= ``erase_threshold``) are zeroed and branch B
    classifies what is left, so it must find other object parts.

    - Loss: cross-entropy of A plus cross-entropy of B (``acol.py:42-44``),
      through ``ClsHead._get_loss`` (so ``gt_score`` of a batch augment is
      honoured): ``loss_a``, ``loss_b``.
    - Classification at test: branch A's logits (``acol.py:23``).
    - Localisation map of class c: the element-wise max of the min-max
      normalised maps of A and of B, B computed on the features erased with
      class c's attention (``wsol/vgg.py:112-119``: the benchmark erases
      with the class whose map it returns). Here every returned class
      (top-K and ground truth) gets its own erased pass of B, batched.

    Args:
        erase_threshold (float): In [0, 1]. Defaults to 0.7 (benchmark
            ``config.py:212``, ``--acol_threshold``).
        pre_pool (bool): Smooth the backbone map with a 3x3 stride-1 average
            pool first (benchmark VGG16 only, ``wsol/vgg.py:108``).
        conv_channels (Sequence[int]): Width of each branch's convs.
            Defaults to (1024, 1024) (the benchmark).
        **kwargs: Other :class:`CAMHead` arguments (``classifier`` must be
            ``'conv'``).
    """

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 erase_threshold: float = 0.7,
                 pre_pool: bool = False,
                 conv_channels: Sequence[int] = (1024, 1024),
                 **kwargs) -> None:
        if kwargs.get('classifier', 'conv') != 'conv':
            raise ValueError("ACoLHead: classifier must be 'conv' (the "
                             'erasing reads the class maps of branch A)')
        if kwargs.get('plugin') is not None:
            raise ValueError('ACoLHead: plugin is not supported')
        super().__init__(
            num_classes=num_classes,
            in_channels=in_channels,
            conv_channels=conv_channels,
            **kwargs)
        if not (isinstance(erase_threshold,
                           (int, float)) and 0.0 <= erase_threshold <= 1.0):
            raise ValueError('ACoLHead: erase_threshold must be in [0, 1], '
                             f'got erase_threshold={erase_threshold!r}')
        self.erase_threshold = float(erase_threshold)
        self.pre_pool = bool(pre_pool)
        # Branch A is CAMHead's own convs + cls_conv (so a CAM checkpoint
        # initialises it); branch B is a second copy.
        self.convs_b, _, last = self._build_convs(None)
        self.cls_conv_b = nn.Conv2d(last, num_classes, kernel_size=1)

    def _input(self, feats: Sequence[Tensor]) -> Tensor:
        feat = self._select_feat(feats)
        if self.pre_pool:
            feat = F.avg_pool2d(feat, kernel_size=3, stride=1, padding=1)
        return feat

    def _branch_b(self, feat: Tensor) -> Tensor:
        x = feat
        for conv in self.convs_b:
            x = conv(self.dropout(x))
        return self.cls_conv_b(self.dropout(x))

    def _branch_a(self, feat: Tensor) -> Tensor:
        return self.cls_conv(self._features(feat))

    def forward_acol(self,
                     feats: Sequence[Tensor],
                     labels: Optional[Tensor] = None) -> dict:
        """Both branches.

        Args:
            feats (tuple[Tensor]): Backbone maps.
            labels (Tensor, optional): (N,) classes whose attention erases;
                the top-1 of branch A when None.

        Returns:
            dict: ``cams_a``, ``cams_b`` (N, num_classes, h, w) raw maps,
            ``logits_a``, ``logits_b`` (N, num_classes), ``attention``
            (N, 1, h, w) in [0, 1] and ``erased`` (N, C, h, w) branch B's
            input.
        """
        feat = self._input(feats)
        cams_a = self._branch_a(feat)
        logits_a = cams_a.mean(dim=(2, 3))
        if labels is None:
            labels = logits_a.detach().argmax(dim=1)
        labels = labels.to(device=cams_a.device, dtype=torch.long).view(-1)
        if labels.numel() != feat.size(0):
            raise ValueError(f'ACoLHead: got {labels.numel()} labels for a '
                             f'batch of {feat.size(0)}')
        attention = minmax_normalize(self.select_maps(cams_a.detach(), labels))
        erased = acol_erase(feat, attention, self.erase_threshold)
        cams_b = self._branch_b(erased)
        return dict(
            cams_a=cams_a,
            cams_b=cams_b,
            logits_a=logits_a,
            logits_b=cams_b.mean(dim=(2, 3)),
            attention=attention,
            erased=erased)

    def forward(self, feats: Sequence[Tensor]) -> Tensor:
        """Branch A's logits (N, num_classes), the benchmark's
        classification output."""
        return self._branch_a(self._input(feats)).mean(dim=(2, 3))

    def loss(self, feats: Sequence[Tensor], data_samples: List[DataSample],
             **kwargs) -> dict:
        """``loss_a`` + ``loss_b``: cross-entropy of both branches (their
        sum is the benchmark's loss, ``acol.py:42-44``)."""
        if any('gt_label' not in ds for ds in data_samples):
            raise ValueError('ACoLHead.loss: every data sample needs '
                             '`gt_label` (the erased class)')
        labels = torch.cat([ds.gt_label.view(-1)[:1] for ds in data_samples])
        out = self.forward_acol(feats, labels)
        loss_a = self._get_loss(out['logits_a'], data_samples, **kwargs)
        loss_b = self._get_loss(out['logits_b'], data_samples, **kwargs)
        losses = dict(loss_a=loss_a.pop('loss'), loss_b=loss_b.pop('loss'))
        losses.update(loss_a)  # accuracy, with cal_acc
        return losses

    def localize(
            self, feats: Sequence[Tensor]
    ) -> Tuple[Tensor, Callable[[Tensor], Tensor]]:
        """Branch A's logits and, per asked class, max(norm A, norm B)
        with B on the features erased by that class's attention."""
        feat = self._input(feats)
        cams_a = self._branch_a(feat).float()

        def maps_of(labels: Tensor) -> Tensor:
            n, num_l = labels.shape
            maps_a = minmax_normalize(self.select_maps(cams_a, labels))
            # One pass of B over the N * L erased copies of the features.
            erased = acol_erase(
                feat.repeat_interleave(num_l, dim=0),
                maps_a.reshape(n * num_l, 1, *maps_a.shape[-2:]),
                self.erase_threshold)
            cams_b = self._branch_b(erased).float()
            maps_b = minmax_normalize(
                self.select_maps(cams_b,
                                 labels.reshape(-1))).reshape(maps_a.shape)
            return torch.maximum(maps_a, maps_b)

        return cams_a.mean(dim=(2, 3)), maps_of
