"""SPG head: classification (SPG-A) with self-produced guidance (B, C)."""
import difflib
import inspect
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
from mmengine.logging import MessageHub
from mmpretrain.structures import DataSample
from torch import Tensor

from mmspg.registry import MODELS

from ..utils import build_seed_generator, minmax_normalize, upsample_maps
from .cam_head import CAMHead, check_int, conv_relu


@MODELS.register_module()
class SPGHead(CAMHead):
    """Head of SPG (Zhang et al., ECCV 2018, "Self-produced Guidance for
    Weakly-supervised Object Localization").

    Takes the last three backbone maps ``(shallow, middle, deep)``:

    - SPG-A on ``deep``: dropout -> 3x3 conv (``mid_channels``) + ReLU ->
      dropout -> 3x3 conv + ReLU -> dropout -> 1x1 conv to ``num_classes``
      (the CAMs) -> global average pooling -> class logits (cross-entropy).
      This is :class:`CAMHead` with ``conv_channels=(mid_channels,
      mid_channels)`` and a ``'conv'`` classifier, which SPGHead inherits:
      its layers (``convs``, ``cls_conv``), ``forward`` and ``predict``.
    - SPG-B (``with_spg_b``): B1 = 3x3 conv on ``shallow``, B2 = 3x3 conv
      on ``middle`` (to ``guidance_channels``, ReLU), followed by layers
      shared by both (3x3 conv + ReLU, 1x1 conv to 1 channel).
    - SPG-C (``with_spg_c``): 3x3 conv + ReLU + 1x1 conv to 1 channel on
      the second SPG-A block's output.

    Ablation switches (the rows of the paper's ablation table; the two
    marked "ours" are our reading, the paper's text was not available to
    check them against): ``with_spg_b=False, with_spg_c=False`` is
    SPG-plain (SPG-A only, i.e. CAM); ``with_spg_c=False`` is SPG-B only;
    ``with_spg_b=False`` keeps SPG-C, trained from the attention's seeds;
    ``share_b_layers=False`` gives B1 and B2 their own top layers instead of
    the shared ones of official ``inception3_spg.py`` (its ``side_all``,
    applied to both ``side3`` and ``side4``, lines 116-120, 174-175,
    188-189); ``initial_seeds=False`` (ours) removes the initial seed masks,
    those from SPG-A's attention: B2 is then supervised by seeds of its own
    detached output, so the guidance chain no longer starts from the
    classifier (SPG-C, when B is off, still uses the attention: it has no
    other source).

    Guidance (official ``get_loss``): the CAM of the ground-truth class is
    upsampled to ``mask_size`` and min-max normalised (``attention``);
    seeds ``seed_b2`` from it supervise B2; seeds ``seed_b1`` from
    sigmoid(B2) supervise B1; seeds ``seed_c`` from the mean of sigmoid(B1)
    and sigmoid(B2) supervise C (from ``attention`` when SPG-B is off).
    Every seed mask is a label: it carries no gradient.

    Dropout: the official code calls ``F.dropout(x, 0.5)`` without
    ``training=`` (``models/google/inception3_spg.py:205-209``) under
    PyTorch 0.3 (``setup_demo.txt``, step 2), whose ``F.dropout`` defaults
    to ``training=False``: it never dropped anything, in training or test,
    so the official-protocol recipes set ``dropout_ratio=0``. The WSOL
    benchmark's SPG passes ``self.training`` (``wsol/inception.py:379-383``)
    and really drops at 0.5; ``nn.Dropout`` here follows train/eval mode.

    Batch augments (mmpretrain's ``train_cfg.augments``: Mixup, CutMix...)
    replace each sample's hard label by a mixed ``gt_score`` (N, C). The
    classification loss then takes ``gt_score`` through mmpretrain's own
    ``ClsHead._get_loss``, as every mmpretrain head does. The attention
    that the seeds come from is, our choice (the paper and the official
    code use no batch augment), the same mixture of CAMs:
    ``minmax(sum_c gt_score[c] * upsample(CAM_c))``, so a CutMix image's
    seeds cover both pasted objects in proportion to their label weights;
    for a hard label (one-hot) it is exactly the paper's single CAM.

    ``guidance_start_iter`` (off by default, i.e. the paper's behaviour)
    is for training from scratch: the paper starts from an
    ImageNet-pretrained backbone whose CAM already responds to objects, but
    a random network's min-max normalised CAM is noise with almost no pixel
    under the background thresholds, so the seeds are nearly all
    foreground and B1, B2 and C collapse to "everything is object".
    Delaying the guidance losses until the classifier has learnt something
    gives SPG the kind of CAM it was designed for.

    Args:
        num_classes (int): Number of classes.
        in_channels (Sequence[int]): Channels of (shallow, middle, deep).
        mid_channels (int | Sequence[int]): Width of the two SPG-A convs,
            or one width per SPG-A conv (``()``: none, the 1x1 classifier
            and SPG-C read ``deep`` directly, as the benchmark's ResNetSpg,
            wsol/resnet.py:311-314). Defaults to 1024.
        guidance_channels (int): Width of SPG-B / SPG-C convs. Defaults 512.
        c_channels (int, optional): Width of SPG-C's conv when it differs
            from ``guidance_channels`` (benchmark ResNetSpg: 512 with 1024
            for SPG-B, wsol/resnet.py:244-262). Defaults to None.
        dropout_ratio (float): Dropout probability in SPG-A, in [0, 1).
        with_spg_b (bool): Build SPG-B and its losses.
        with_spg_c (bool): Build SPG-C and its loss.
        seed_b2 (dict): ``SeedMaskGenerator`` args for B2's seeds.
        seed_b1 (dict): ``SeedMaskGenerator`` args for B1's seeds.
        seed_c (dict): ``SeedMaskGenerator`` args for C's seeds.
        mask_size (int | tuple[int, int]): Size (H, W) of attention, seed
            masks and upsampled B/C logits. Defaults to 224 (official).
        loc_topk (int): Number of top-scoring classes whose localisation
            maps ``predict`` returns. Defaults to 5 (top-5 localisation).
            Named so as not to clash with ``ClsHead``'s ``topk``.
        loc_resize (str): How ``predict`` resizes SPG-A's map to the
            input: ``'bicubic'`` (WSOL benchmark) or ``'bilinear'`` (the
            official code's ``get_localization_maps`` + ``cv2.resize``); see
            :class:`CAMHead`. Defaults to 'bicubic'.
        loc_normalize (str | dict): How ``predict`` normalises that map
            (``'minmax'``, ``'max'``, ``'pas'``, ``'ivr'``); see
            :class:`CAMHead`. Defaults to 'minmax'.
        topk (int | tuple[int]): ``ClsHead``'s accuracy top-k, used only
            with ``cal_acc=True``.
        cal_acc (bool): ``ClsHead``'s training accuracy log.
        loss (dict): Classification loss config.
        loss_guidance (dict): Seed loss config (shared by B1, B2, C).
        share_b_layers (bool): B1 and B2 share their top layers (3x3 conv +
            ReLU + 1x1 conv), as the official code. False: each branch has
            its own copy (``spg_b1_top``, ``spg_b2_top``). Defaults to True.
        initial_seeds (bool): B2 learns from seeds of SPG-A's attention
            (official ``inception3_spg.py`` ``get_loss``, lines 264 and
            269). False (ablation, ours): from seeds of its own detached
            sigmoid output. Defaults to True.
        guidance_start_iter (int): Training iteration (``runner.iter``, read
            from mmengine's current ``MessageHub``) from which the guidance
            losses count; before it they are multiplied by 0 (still
            computed, so every parameter stays in the graph). Defaults to 0:
            always on, as the paper. Where no runner has recorded an
            iteration, the guidance is on.
        init_cfg (dict | list[dict]): Defaults to Xavier-uniform convs with
            zero bias, as the official code.
    """

    def __init__(self,
                 num_classes: int,
                 in_channels: Sequence[int] = (288, 768, 768),
                 mid_channels: Union[int, Sequence[int]] = 1024,
                 guidance_channels: int = 512,
                 c_channels: Optional[int] = None,
                 dropout_ratio: float = 0.5,
                 with_spg_b: bool = True,
                 with_spg_c: bool = True,
                 seed_b2: dict = dict(high_thr=0.7, low_thr=0.05),
                 seed_b1: dict = dict(high_thr=0.5, low_thr=0.05),
                 seed_c: dict = dict(high_thr=0.7, low_thr=0.1),
                 mask_size: Union[int, Tuple[int, int]] = 224,
                 loc_topk: int = 5,
                 loc_resize: str = 'bicubic',
                 loc_normalize: Union[str, dict] = 'minmax',
                 topk: Union[int, Tuple[int, ...]] = (1, ),
                 cal_acc: bool = False,
                 loss: dict = dict(type='CrossEntropyLoss', loss_weight=1.0),
                 loss_guidance: dict = dict(
                     type='mmspg.SPGLoss', loss_weight=1.0),
                 guidance_start_iter: int = 0,
                 share_b_layers: bool = True,
                 initial_seeds: bool = True,
                 init_cfg: Optional[Union[dict, List[dict]]] = dict(
                     type='Xavier',
                     layer='Conv2d',
                     distribution='uniform',
                     bias=0.),
                 **kwargs) -> None:
        self._check_unknown_args(kwargs)
        check_int('SPGHead', 'num_classes', num_classes, 1)
        if (not isinstance(in_channels, (list, tuple))
                or len(in_channels) != 3):
            raise ValueError(
                'SPGHead: in_channels must be a sequence of 3 ints '
                '(shallow, middle, deep) for SPG-B1, SPG-B2, SPG-A, got '
                f'in_channels={in_channels!r}')
        for i, c in enumerate(in_channels):
            check_int('SPGHead', f'in_channels[{i}]', c, 1)
        if isinstance(mid_channels, (list, tuple)):
            a_channels = tuple(mid_channels)
        else:
            check_int('SPGHead', 'mid_channels', mid_channels, 1)
            a_channels = (mid_channels, mid_channels)
        for i, c in enumerate(a_channels):
            check_int('SPGHead', f'mid_channels[{i}]', c, 1)
        if c_channels is None:
            c_channels = guidance_channels
        for key, value in (('guidance_channels', guidance_channels),
                           ('c_channels', c_channels)):
            check_int('SPGHead', key, value, 1)
        check_int('SPGHead', 'guidance_start_iter', guidance_start_iter, 0)
        if isinstance(mask_size, int) and not isinstance(mask_size, bool):
            mask_size = (mask_size, mask_size)
        if (not isinstance(mask_size, (list, tuple)) or len(mask_size) != 2
                or not all(isinstance(s, int) and s > 0 for s in mask_size)):
            raise ValueError('SPGHead: mask_size must be a positive int or '
                             f'(H, W), got mask_size={mask_size!r}')
        switches = dict(
            with_spg_b=with_spg_b,
            with_spg_c=with_spg_c,
            share_b_layers=share_b_layers,
            initial_seeds=initial_seeds)
        for key, value in switches.items():
            if not isinstance(value, bool):
                raise ValueError(f'SPGHead: {key} must be True or False, '
                                 f'got {key}={value!r}')
        shallow_ch, middle_ch, deep_ch = in_channels
        # SPG-A: dropout and the conv stack are built in this order, so the
        # layers draw the same initial weights as before the inheritance.
        super().__init__(
            num_classes=num_classes,
            in_channels=deep_ch,
            conv_channels=a_channels,
            dropout_ratio=dropout_ratio,
            classifier='conv',
            in_index=-1,
            loc_topk=loc_topk,
            loc_resize=loc_resize,
            loc_normalize=loc_normalize,
            loss=loss,
            init_cfg=init_cfg,
            topk=topk,
            cal_acc=cal_acc)
        self.in_channels = tuple(in_channels)
        self.mid_channels = mid_channels
        self.guidance_channels = guidance_channels
        self.c_channels = c_channels
        self.with_spg_b = with_spg_b
        self.with_spg_c = with_spg_c
        self.mask_size = tuple(mask_size)
        self.guidance_start_iter = guidance_start_iter
        self.share_b_layers = share_b_layers
        self.initial_seeds = initial_seeds

        # SPG-B
        if with_spg_b:
            self.spg_b1_conv = conv_relu(shallow_ch, guidance_channels)
            self.spg_b2_conv = conv_relu(middle_ch, guidance_channels)
            if share_b_layers:
                # The official name-free ``side_all``; one module so its
                # parameters get the gradients of both branches.
                self.spg_b_shared = self._b_top(guidance_channels)
            else:
                self.spg_b1_top = self._b_top(guidance_channels)
                self.spg_b2_top = self._b_top(guidance_channels)
            self.seed_b2 = build_seed_generator(seed_b2, 'seed_b2')
            self.seed_b1 = build_seed_generator(seed_b1, 'seed_b1')
        # SPG-C
        if with_spg_c:
            c_in = a_channels[-1] if a_channels else deep_ch
            self.spg_c = nn.Sequential(
                conv_relu(c_in, c_channels),
                nn.Conv2d(c_channels, 1, kernel_size=1))
            self.seed_c = build_seed_generator(seed_c, 'seed_c')
        if with_spg_b or with_spg_c:
            if not isinstance(loss_guidance, nn.Module):
                if not isinstance(loss_guidance, dict):
                    raise ValueError('SPGHead: loss_guidance must be a dict '
                                     f'config, got {loss_guidance!r}')
                loss_guidance = MODELS.build(loss_guidance)
            self.loss_guidance = loss_guidance

    @classmethod
    def _check_unknown_args(cls, kwargs: dict) -> None:
        """Name a mistyped key (``mid_channel``) here rather than let it
        surface as ``ClsHead.__init__() got an unexpected keyword``."""
        if not kwargs:
            return
        known = [
            p for p in inspect.signature(cls.__init__).parameters
            if p not in ('self', 'kwargs')
        ]
        hints = []
        for key in kwargs:
            close = difflib.get_close_matches(key, known, n=1)
            hints.append(f'model.head.{key}' +
                         (f' (did you mean {close[0]!r}?)' if close else ''))
        raise TypeError(f'SPGHead: unknown argument(s): {", ".join(hints)}. '
                        f'SPGHead takes: {", ".join(known)}')

    @staticmethod
    def _b_top(channels: int) -> nn.Sequential:
        return nn.Sequential(
            conv_relu(channels, channels),
            nn.Conv2d(channels, 1, kernel_size=1))

    # ------------------------------------------------------------------
    # Forward pieces
    # ------------------------------------------------------------------
    def check_input_shapes(self, shapes: Sequence[Sequence[int]]) -> None:
        """Check the shapes of what the backbone (and neck) return.

        ``WSOLClassifier`` calls this at build time with the shapes of a
        probe forward, so that a wrong config stops before training, with
        the config key to change.

        Args:
            shapes (Sequence[Sequence[int]]): Shape of each output.

        Raises:
            ValueError: Fewer than 3 outputs, an output that is not a
                (N, C, H, W) map (logits, pooled or token vectors), or a
                channel count that is not ``in_channels``.
        """
        if len(shapes) < 3:
            raise ValueError(
                'SPGHead: needs a tuple of at least 3 backbone maps '
                f'(shallow, middle, deep), got {len(shapes)}; set '
                'model.backbone.out_indices to return three stages, e.g. '
                "(1, 2, 3) for mmpretrain's ResNet/SwinTransformer, "
                '(2, 3, 4) for VGG (a repeated index is returned once)')
        shapes = [tuple(shape) for shape in tuple(shapes)[-3:]]
        # vectors first: their "channels" would give a misleading message
        for i, shape in enumerate(shapes):
            if len(shape) != 4:
                raise ValueError(
                    f'SPGHead: backbone output {i} (of the last three) has '
                    f'shape {shape}: a vector (class logits, pooled or '
                    'token features), not a feature map. Remove the pooling '
                    'or classifier that makes it: model.neck=None (no '
                    'GlobalAveragePooling), VGG: model.backbone.num_classes'
                    '=-1, VisionTransformer: model.backbone.out_type='
                    "'featmap'")
        for i, (shape, c) in enumerate(zip(shapes, self.in_channels)):
            if shape[1] != c:
                raise ValueError(
                    f'SPGHead: backbone map {i} (of the last three) has '
                    f'{shape[1]} channels (shape {shape}), but '
                    f'model.head.in_channels[{i}]={c}; set '
                    f'model.head.in_channels to the channels of the maps '
                    'model.backbone.out_indices selects')

    def _split_feats(self,
                     feats: Sequence[Tensor]) -> Tuple[Tensor, Tensor, Tensor]:
        if not isinstance(feats, (list, tuple)):
            raise ValueError(
                'SPGHead: needs a tuple of at least 3 backbone maps '
                f'(shallow, middle, deep), got a {type(feats).__name__}')
        self.check_input_shapes([f.shape for f in feats])
        return tuple(feats[-3:])

    def _select_feat(self, feats: Sequence[Tensor]) -> Tensor:
        """SPG-A's input: the deepest of the last three maps (all three are
        checked, so a wrong backbone fails in predict as in loss)."""
        return self._split_feats(feats)[2]

    def forward_guidance(self,
                         feats: Tuple[Tensor, ...],
                         labels: Optional[Tensor] = None) -> Dict:
        """Run every branch and build the self-produced guidance.

        Args:
            feats (tuple[Tensor]): Backbone maps; the last three are used.
            labels (Tensor, optional): (N,) class indices whose CAM gives
                the attention, or (N, C) float label weights (a batch
                augment's ``gt_score``) whose weighted sum of CAMs gives
                it; the top-1 prediction when None.

        Returns:
            dict: ``cls_score`` (N, C) logits; ``cams`` (N, C, h, w) raw
            CAMs; ``attention`` (N, 1, S, S) in [0, 1] (no grad); ``b1``,
            ``b2``, ``c`` (N, 1, S, S) logits or None; ``seed_b2``,
            ``seed_b1``, ``seed_c`` (N, 1, S, S) float in {0, 1, 255} or
            None. S = ``mask_size``.
        """
        shallow, middle, deep = self._split_feats(feats)
        last_feat = self._features(deep)
        cams = self._classify_map(last_feat)
        cls_score = cams.mean(dim=(2, 3))
        if labels is None:
            labels = cls_score.detach().argmax(dim=1)
        if labels.dim() == 2 and labels.is_floating_point():
            if tuple(labels.shape) != tuple(cams.shape[:2]):
                raise ValueError(
                    f'SPGHead: label weights of shape {tuple(labels.shape)} '
                    f'for CAMs of shape {tuple(cams.shape)}')
            # Mixed labels: the same mixture of CAMs (see class doc).
            selected = torch.einsum('nc,nchw->nhw', labels.to(cams),
                                    cams.detach())[:, None]
        else:
            labels = labels.to(device=cams.device, dtype=torch.long).view(-1)
            if labels.numel() != cams.size(0):
                raise ValueError(f'SPGHead: got {labels.numel()} labels for '
                                 f'a batch of {cams.size(0)}')
            selected = self.select_maps(cams.detach(), labels)
        # Official order: upsample, then normalise; the attention is only
        # turned into labels, so it is detached. Upsampling is bilinear with
        # align_corners=False, the default of current torch; the official
        # code's nn.Upsample dates from torch 0.3 (align_corners=True
        # behaviour), a sub-pixel difference.
        attention = minmax_normalize(upsample_maps(selected, self.mask_size))
        out = dict(
            cls_score=cls_score,
            cams=cams,
            attention=attention,
            b1=None,
            b2=None,
            c=None,
            seed_b2=None,
            seed_b1=None,
            seed_c=None)
        if self.with_spg_b:
            top_b1, top_b2 = ((self.spg_b_shared,
                               self.spg_b_shared) if self.share_b_layers else
                              (self.spg_b1_top, self.spg_b2_top))
            b2 = upsample_maps(
                top_b2(self.spg_b2_conv(middle)), self.mask_size)
            b1 = upsample_maps(
                top_b1(self.spg_b1_conv(shallow)), self.mask_size)
            prob_b2 = torch.sigmoid(b2.detach())
            prob_b1 = torch.sigmoid(b1.detach())
            out.update(
                b1=b1,
                b2=b2,
                seed_b2=self.seed_b2(
                    attention if self.initial_seeds else prob_b2),
                seed_b1=self.seed_b1(prob_b2))
            fused = (prob_b1 + prob_b2) / 2.0
        else:
            fused = attention
        if self.with_spg_c:
            out['c'] = upsample_maps(self.spg_c(last_feat), self.mask_size)
            out['seed_c'] = self.seed_c(fused)
        return out

    # ------------------------------------------------------------------
    # Loss / predict
    # ------------------------------------------------------------------
    @staticmethod
    def _gt_labels(data_samples: List[DataSample]) -> Tensor:
        """(N,) hard labels, or (N, C) ``gt_score`` of a batch augment."""
        if 'gt_score' in data_samples[0]:
            return torch.stack([ds.gt_score for ds in data_samples])
        if any('gt_label' not in ds for ds in data_samples):
            raise ValueError('SPGHead.loss: every data sample needs '
                             '`gt_label`')
        return torch.cat([ds.gt_label.view(-1)[:1] for ds in data_samples])

    def _guidance_on(self) -> bool:
        if self.guidance_start_iter == 0:
            return True
        cur_iter = MessageHub.get_current_instance().get_info('iter')
        return cur_iter is None or cur_iter >= self.guidance_start_iter

    def loss(self, feats: Tuple[Tensor, ...], data_samples: List[DataSample],
             **kwargs) -> Dict[str, Tensor]:
        """Compute the SPG losses.

        The classification loss is ``ClsHead._get_loss``'s: on
        ``gt_score`` when a batch augment set it, else on ``gt_label``.

        Returns:
            dict[str, Tensor]: ``loss_cls``, plus ``loss_b2``, ``loss_b1``
            (SPG-B on) and ``loss_c`` (SPG-C on); the last three are 0
            before ``guidance_start_iter``.
        """
        labels = self._gt_labels(data_samples)
        out = self.forward_guidance(feats, labels)
        cls_losses = self._get_loss(out['cls_score'], data_samples, **kwargs)
        losses = dict(loss_cls=cls_losses.pop('loss'), **cls_losses)
        if self.with_spg_b:
            losses['loss_b2'] = self.loss_guidance(out['b2'], out['seed_b2'])
            losses['loss_b1'] = self.loss_guidance(out['b1'], out['seed_b1'])
        if self.with_spg_c:
            losses['loss_c'] = self.loss_guidance(out['c'], out['seed_c'])
        if not self._guidance_on():
            for key in ('loss_b2', 'loss_b1', 'loss_c'):
                if key in losses:
                    losses[key] = losses[key] * 0.0
        return losses
