"""BagCAMs (Zhu et al., ECCV 2022): a test-time localiser built from a
trained classifier's features and gradients on one layer.

What zh460045050/BagCAMs (commit 0fab958) computes, for image i and class
c, on the output F (C, h, w) of the layer ``--target_layer`` (``layer3`` in
its ``run_test.sh``):

- the gradient ``G = d log(l_c) / d F`` of the log of the class logit
  (``libs/cams/bagcams.py:46-60``: ``logits.log().backward(one_hot)``), with
  the gradient rectified at every ``nn.ReLU`` module on the way back
  (``bagcams.py:20-38``: a backward hook returning ``relu(grad_in)``);
- ``term_2 = G * F``, ``term_1 = mean_hw(G * F + 1)`` and the map
  ``sum_C relu(term_1 * term_2)`` (``bagcams.py:70-74``);
- then a bilinear resize to the input and a min-max (``bagcams.py:76-86``)
  before the benchmark's resize and min-max (``libs/inference.py:237-239``,
  a copy at the same size).

Here the localiser returns the map at the layer's resolution, and the
model's protocol resizes and normalises it like any other map
(``loc_resize``, ``loc_normalize``). ``loc_resize='bilinear'`` (min-max,
OpenCV ``INTER_LINEAR``, min-max) gives BagCAMs' own maps up to float32
rounding, since a positive affine map commutes with bilinear
interpolation; ``'bicubic'`` gives the WSOL benchmark's resize of the same
map.

Differences from the reference, ours:

- the gradient is rectified with a hook on each ReLU's output,
  ``relu(g)``, instead of on its input: ReLU's backward multiplies by a
  0/1 mask ``m``, and ``relu(g * m) = relu(g) * m``, so the gradient is the
  same, and in-place ReLUs need no care;
- F is the layer's output as it returns it: the reference keeps a view
  (``output.detach()``), which a later in-place op (e.g. an in-place ReLU
  right after a conv layer) would change;
- maps are computed for any asked classes (the top-K and the ground
  truth, one backward pass each); the reference computes the ground
  truth's only (``inference.py:225``).
"""
from typing import Callable, List, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor

from mmspg.registry import MODELS


def bag_cams_map(grads: Tensor, feats: Tensor) -> Tensor:
    """The BagCAMs map from a layer's features and gradients
    (zh460045050/BagCAMs ``libs/cams/bagcams.py:70-74``, same op order).

    Args:
        grads (Tensor): (N, C, h, w) ``d log(l_c) / d feats``.
        feats (Tensor): (N, C, h, w) the layer's output.

    Returns:
        Tensor: (N, h, w) map, >= 0 (not normalised).
    """
    term_2 = grads * feats
    term_1 = grads * feats + 1
    term_1 = F.adaptive_avg_pool2d(term_1, 1)  # mean over the positions
    return torch.relu(torch.mul(term_1, term_2)).sum(dim=1)


def _rectify_grad(module: nn.Module, inputs, output):
    """Forward hook of an ``nn.ReLU``: its output's gradient is rectified
    on the way back (see the module docstring)."""
    if isinstance(output, Tensor) and output.requires_grad:
        output.register_hook(torch.relu)


@MODELS.register_module()
class BagCAMs:
    """BagCAMs test-time localiser (``model.test_localizer``).

    Works on any :class:`~mmspg.models.WSOLClassifier` (a CAM-family head
    with ``localize``, or an mmpretrain classification head): the class
    scores are the model's own, the map of class c is BagCAMs' on the
    output of ``layer``. Not a module: it holds no weight, and the
    checkpoint of the model is unchanged.

    Args:
        layer (str): Name of the module whose output is used, as in
            ``model.named_modules()``, e.g. ``'backbone.layer3'`` (ResNet,
            the reference's choice) or ``'head.convs.1'``.

    Cost: one forward pass with autograd and one backward pass per asked
    class (top-K + ground truth); see ``docs/benchmarks.md``.
    """

    def __init__(self, layer: str):
        if not isinstance(layer, str) or not layer:
            raise ValueError('BagCAMs: layer must be a module name (e.g. '
                             f"'backbone.layer3'), got layer={layer!r}")
        self.layer = layer

    def __repr__(self) -> str:
        return f'BagCAMs(layer={self.layer!r})'

    def _target(self, model: nn.Module) -> nn.Module:
        modules = dict(model.named_modules())
        if self.layer not in modules:
            top = sorted({
                n.split('.')[0] + '.' + n.split('.')[1]
                for n in modules if n.count('.') >= 1
            })[:12]
            raise ValueError(
                f'BagCAMs: model.test_localizer.layer={self.layer!r} is not '
                f'a module of {type(model).__name__}; names are dotted as in '
                f'named_modules(), e.g. {top}')
        return modules[self.layer]

    @staticmethod
    def _logits(model: nn.Module, inputs: Tensor) -> Tensor:
        feats = model.extract_feat(inputs)
        head = model.head
        if hasattr(head, 'localize'):
            return head.localize(feats)[0]
        return head(feats)

    def localize(self, model: nn.Module,
                 inputs: Tensor) -> Tuple[Tensor, Callable[[Tensor], Tensor]]:
        """Logits and a function giving BagCAMs maps of any classes.

        Args:
            model (nn.Module): A ``WSOLClassifier`` (``extract_feat`` and
                ``head``), in eval mode.
            inputs (Tensor): (N, 3, H, W) preprocessed images.

        Returns:
            tuple: logits (N, num_classes), detached, and ``maps_of``,
            which takes (N, L) int class indices and returns (N, L, h, w)
            maps (>= 0, not normalised) at ``layer``'s resolution.
        """
        target = self._target(model)
        captured: List[Tensor] = []

        def capture(module, args, output):
            if not isinstance(output, Tensor) or output.dim() != 4:
                raise ValueError(
                    f'BagCAMs: layer {self.layer!r} returns '
                    f'{type(output).__name__}, not a (N, C, h, w) map')
            # A leaf of its own: the gradient is taken with respect to it,
            # whether the weights require gradients or not; the model goes
            # on with a copy, which in-place ops may change.
            leaf = output.detach().requires_grad_(True)
            captured.append(leaf)
            return leaf.clone()

        handles = [target.register_forward_hook(capture)]
        for module in model.modules():
            if isinstance(module, nn.ReLU) and module is not target:
                handles.append(module.register_forward_hook(_rectify_grad))
        try:
            with torch.enable_grad():
                logits = self._logits(model, inputs)
        finally:
            for h in handles:
                h.remove()
        if not captured:
            raise ValueError(f'BagCAMs: layer {self.layer!r} did not run in '
                             'the forward pass that gives the logits')
        feat = captured[-1]
        if not logits.requires_grad:
            raise ValueError(f'BagCAMs: the logits do not depend on layer '
                             f'{self.layer!r}')

        def maps_of(labels: Tensor) -> Tensor:
            if labels.dim() == 1:
                labels = labels[:, None]
            maps = []
            with torch.enable_grad():
                for j in range(labels.size(1)):
                    picked = logits.gather(
                        1, labels[:, j:j + 1].to(logits.device))
                    # d log(l_c) (bagcams.py:60); a negative logit gives a
                    # NaN log but a finite gradient 1 / l_c, as there
                    grads, = torch.autograd.grad(
                        picked.log().sum(), feat, retain_graph=True)
                    maps.append(bag_cams_map(grads, feat.detach()))
            return torch.stack(maps, dim=1)

        return logits.detach(), maps_of
