"""Image classifier that also returns localisation maps (WSOL)."""
import inspect
from itertools import chain
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.models.classifiers import ImageClassifier
from mmpretrain.models.necks import GlobalAveragePooling
from mmpretrain.structures import DataSample
from torch.func import functional_call

from mmspg.registry import MODELS

from ..utils import set_loc_predictions
from ..utils.loc_predictions import check_loc_resize, fill_loc_predictions
from ..utils.normalize import build_loc_normalizer
from ..utils.raw_map_check import finite_per_sample, set_finite, track_finite

# Input side of the build-time probe forward. It runs on the 'meta' device
# (shapes only, no memory, no arithmetic), so the size costs nothing; 224
# is what the mmpretrain backbones and SPG's Inception-v3 are made for.
PROBE_SIZE = 224


def probe_output_shapes(
        module: nn.Module,
        size: int = PROBE_SIZE) -> Optional[List[Tuple[int, ...]]]:
    """Shapes of ``module``'s outputs for a (1, 3, size, size) input,
    computed on the meta device (the module itself is not touched).

    Returns:
        list[tuple[int, ...]] | None: One shape per output (a single
        tensor counts as one), or None when the module cannot run on the
        meta device (then the head checks the shapes at the first forward).
    """
    tensors = {
        name: torch.empty_like(t, device='meta')
        for name, t in chain(module.named_parameters(), module.named_buffers())
    }
    was_training = module.training
    module.eval()  # batch of 1: BatchNorm must not use batch statistics
    try:
        out = functional_call(module, tensors,
                              (torch.empty(1, 3, size, size, device='meta'), ))
    except Exception:  # noqa: B902 (ops without a meta kernel, size limits)
        return None
    finally:
        module.train(was_training)
    outs = out if isinstance(out, (list, tuple)) else (out, )
    if not all(isinstance(o, torch.Tensor) for o in outs):
        return None
    return [tuple(o.shape) for o in outs]


@MODELS.register_module()
class WSOLClassifier(ImageClassifier):
    """mmpretrain ``ImageClassifier`` that also localises.

    Two kinds of head:

    - a localisation head (:class:`~mmspg.models.SPGHead`, ``CAMHead``...:
      any head whose ``predict`` takes ``input_size``) receives the
      backbone's tuple of maps and returns the maps itself; a pooling neck
      is refused, and a head with ``check_input_shapes`` checks the shapes
      of a probe forward at build time;
    - any other mmpretrain head with a linear classifier ``fc`` over
      globally average-pooled features (``LinearClsHead`` after a
      ``GlobalAveragePooling`` neck): the model trains and classifies
      exactly as an ``ImageClassifier``, and ``predict`` adds CAMs (Zhou et
      al., CVPR 2016): the classifier's weights applied to the last
      backbone map, ``cam_c = sum_k W[c, k] * f_k + b_c``. With global
      average pooling ``mean(cam_c)`` is the class logit, so the CAM and the
      score agree. So an mmpretrain classifier config gets every
      ``WSOLMetric`` metric by changing ``model.type`` only.

    A wrong combination stops at build time, with the config key to change:
    a probe forward on the meta device (shapes only) checks what the
    backbone and neck return against the head.

    Args:
        loc_topk (int): With a classification head: number of top-scoring
            classes whose CAMs ``predict`` returns. Defaults to 5. (A
            localisation head has its own ``loc_topk``.)
        loc_resize (str): With a classification head: how ``predict``
            resizes the CAMs to the input, ``'bicubic'`` (WSOL benchmark,
            default) or ``'bilinear'`` (official SPG code); see
            :mod:`mmspg.models.utils.loc_predictions`. (A localisation head
            has its own ``loc_resize``.)
        loc_normalize (str | dict, optional): How ``predict`` normalises
            the resized maps: ``'minmax'``, ``'max'``, ``'pas'``, ``'ivr'``
            or a dict with parameters (see :class:`~mmspg.models.CAMHead`).
            None (default): the localisation head's own ``loc_normalize``,
            min-max for a classification head's CAMs. Set, it overrides the
            head's: the test-time switch ``tools/test.py --loc-normalize``
            sets.
        test_localizer (dict, optional): A test-time localiser (``MODELS``
            type with ``localize(model, inputs)``), e.g.
            ``dict(type='BagCAMs', layer='backbone.layer3')``: its maps
            replace the head's in ``predict``; resized and normalised as
            the head's would be. Defaults to None (the head's maps).
        **kwargs: See :class:`mmpretrain.models.classifiers.ImageClassifier`.
    """

    def __init__(self,
                 *args,
                 loc_topk: int = 5,
                 loc_resize: str = 'bicubic',
                 loc_normalize: Union[None, str, dict] = None,
                 test_localizer: Optional[dict] = None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        if (isinstance(loc_topk, bool) or not isinstance(loc_topk, int)
                or loc_topk < 1):
            raise ValueError('WSOLClassifier: loc_topk must be an int >= 1, '
                             f'got model.loc_topk={loc_topk!r}')
        self.loc_topk = loc_topk
        check_loc_resize('WSOLClassifier', loc_resize)
        self.loc_resize = loc_resize
        # The contract of a localisation head (docs/interfaces.md): its
        # predict takes the network input size and returns the maps.
        self.localizes = 'input_size' in inspect.signature(
            self.head.predict).parameters
        if self.localizes:
            self._check_localization_head()
        else:
            self._check_cam_head()
        self._set_loc_normalize(loc_normalize)
        self.test_localizer = None
        if test_localizer is not None:
            if not isinstance(test_localizer, dict):
                raise ValueError('WSOLClassifier: model.test_localizer must '
                                 "be a config dict, e.g. dict(type='BagCAMs'"
                                 f", layer=...), got {test_localizer!r}")
            self.test_localizer = MODELS.build(test_localizer)

    def _set_loc_normalize(self, loc_normalize) -> None:
        """The normaliser of the classification head's CAMs, or the
        override of the localisation head's."""
        owner = 'WSOLClassifier: model.loc_normalize'
        self.loc_normalizer = build_loc_normalizer(loc_normalize, owner)
        if not self.localizes or loc_normalize is None:
            return
        if not hasattr(self.head, 'loc_normalizer'):
            raise ValueError(
                f'{owner}: model.head ({type(self.head).__name__}) has no '
                'loc_normalize to override')
        self.head.loc_normalizer = self.loc_normalizer

    # ------------------------------------------------------------------
    # Build-time checks
    # ------------------------------------------------------------------
    def _check_localization_head(self) -> None:
        head = type(self.head).__name__
        if isinstance(getattr(self, 'neck', None), GlobalAveragePooling):
            raise ValueError(
                f'WSOLClassifier: model.neck ({type(self.neck).__name__}) '
                f'would pool the backbone maps, but {head} needs the maps '
                'themselves: set neck=None in the model config')
        if not hasattr(self.head, 'check_input_shapes'):
            return
        shapes = probe_output_shapes(
            nn.Sequential(self.backbone, self.neck) if self.
            with_neck else self.backbone)
        if shapes is not None:
            self.head.check_input_shapes(shapes)

    def cam_classifier(self) -> nn.Linear:
        """The linear classifier whose weights make the CAMs."""
        return self.head.fc

    def _check_cam_head(self) -> None:
        head = type(self.head).__name__
        fc = getattr(self.head, 'fc', None)
        if not isinstance(fc, nn.Linear):
            raise ValueError(
                f'WSOLClassifier: model.head ({head}) neither localises '
                '(SPGHead) nor has a linear classifier `fc` over pooled '
                'features whose weights make CAMs; use an SPG head or a '
                "LinearClsHead (model.head.type='LinearClsHead')")
        if not isinstance(getattr(self, 'neck', None), GlobalAveragePooling):
            raise ValueError(
                f'WSOLClassifier: CAMs from {head}.fc need '
                "model.neck=dict(type='GlobalAveragePooling') (the CAM is "
                'the classifier applied before the average pooling), got '
                f'{type(getattr(self, "neck", None)).__name__}')
        shapes = probe_output_shapes(self.backbone)
        if shapes is None:
            return
        last = shapes[-1]
        if len(last) != 4:
            raise ValueError(
                f'WSOLClassifier: the last backbone output has shape {last}, '
                'not a (N, C, H, W) feature map, so it has no CAM; make the '
                'backbone return maps (VGG: model.backbone.num_classes=-1, '
                "VisionTransformer: model.backbone.out_type='featmap')")
        if last[1] != fc.in_features:
            raise ValueError(
                f'WSOLClassifier: the last backbone map has {last[1]} '
                f'channels but {head}.fc takes {fc.in_features}: set '
                f'model.head.in_channels={last[1]}')

    # ------------------------------------------------------------------
    # Predict
    # ------------------------------------------------------------------
    def predict(self,
                inputs: torch.Tensor,
                data_samples: Optional[List[DataSample]] = None,
                **kwargs) -> List[DataSample]:
        """Predict classes and localisation maps.

        Args:
            inputs (Tensor): (N, 3, H, W) preprocessed images.
            data_samples (list[DataSample], optional): Annotations; with
                ``gt_label`` the ground-truth map is added too.

        Returns:
            list[DataSample]: ``pred_score`` (C,) in [0, 1], ``pred_label``,
            ``loc_labels`` (K,), ``loc_maps`` (K, H, W) float32 in [0, 1],
            ``gt_loc_map`` (H, W) where ``gt_label`` is known
            (docs/interfaces.md, "Model outputs").
        """
        size = tuple(inputs.shape[-2:])
        if self.test_localizer is not None:
            return self._predict_test_localizer(inputs, data_samples, size)
        if self.localizes:
            feats = self.extract_feat(inputs)
            return self.head.predict(
                feats, data_samples, input_size=size, **kwargs)
        maps = self.backbone(inputs)
        pooled = self.neck(maps)
        samples = self.head.predict(pooled, data_samples, **kwargs)
        cams = self.class_activation_maps(maps[-1])
        fc = self.cam_classifier()
        if (fc.bias is not None and
                not getattr(self.loc_normalizer, 'affine_invariant', True)):
            # as CAMHead.localize: GenDisc/IVR's CAM of a linear classifier
            # has no bias (wsol/vgg.py:70-75), which only 'max' sees
            cams = cams - fc.bias.to(cams)[None, :, None, None]
        scores = torch.stack([s.pred_score for s in samples]).to(cams)
        samples = set_loc_predictions(cams, scores, self.loc_topk, samples,
                                      size, self.loc_resize,
                                      self.loc_normalizer)
        # before normalisation hides a NaN map (models/utils/raw_map_check)
        return set_finite(samples, [finite_per_sample(cams)])

    def _predict_test_localizer(self, inputs: torch.Tensor,
                                data_samples: Optional[List[DataSample]],
                                size: Tuple[int, int]) -> List[DataSample]:
        """``predict`` with ``test_localizer``'s maps, resized and
        normalised as the head's maps would be."""
        logits, maps_of = self.test_localizer.localize(self, inputs)
        scores = F.softmax(logits.float(), dim=1)
        if self.localizes:
            topk = self.head.loc_topk
            resize = getattr(self.head, 'loc_resize', 'bicubic')
            normalizer = getattr(self.head, 'loc_normalizer',
                                 self.loc_normalizer)
        else:
            topk, resize = self.loc_topk, self.loc_resize
            normalizer = self.loc_normalizer
        maps_of, flags = track_finite(maps_of)
        samples = fill_loc_predictions(maps_of, scores, topk, data_samples,
                                       size, resize, normalizer)
        return set_finite(samples, flags + [finite_per_sample(logits)])

    def class_activation_maps(self, feat: torch.Tensor) -> torch.Tensor:
        """CAMs of a classification head.

        Args:
            feat (Tensor): (N, K, h, w) last backbone map.

        Returns:
            Tensor: (N, num_classes, h, w) raw CAMs (bias included, so
            their spatial mean is the class logit).
        """
        fc = self.cam_classifier()
        cams = torch.einsum('ck,nkhw->nchw', fc.weight.to(feat), feat)
        if fc.bias is not None:
            cams = cams + fc.bias.to(feat)[None, :, None, None]
        return cams

    @property
    def with_guidance(self) -> bool:
        """Whether the head produces self-produced guidance (SPG's
        attention, seeds and branch maps); CAM-style heads do not."""
        return hasattr(self.head, 'forward_guidance')

    @torch.no_grad()
    def guidance(self,
                 inputs: torch.Tensor,
                 data_samples: Optional[List[DataSample]] = None) -> Dict:
        """Attention, branch outputs and seed masks, for visualisation.

        Args:
            inputs (Tensor): (N, 3, H, W) preprocessed images.
            data_samples (list[DataSample], optional): If every sample has
                ``gt_label``, its CAM is the attention; else the top-1.

        Returns:
            dict: ``SPGHead.forward_guidance`` output (no gradient).
        """
        if not self.with_guidance:
            raise TypeError(f'WSOLClassifier.guidance: '
                            f'{type(self.head).__name__} has no '
                            'self-produced guidance (SPGHead has)')
        feats = self.extract_feat(inputs)
        labels = None
        if data_samples and all('gt_label' in ds for ds in data_samples):
            labels = torch.cat(
                [ds.gt_label.view(-1)[:1] for ds in data_samples])
        return self.head.forward_guidance(feats, labels)


__all__: Sequence[str] = ['WSOLClassifier', 'probe_output_shapes']
