"""Attention-based Dropout Layer (ADL, Choe & Shim, CVPR 2019)."""
from typing import Optional

import torch
import torch.nn as nn
from torch import Tensor

from mmspg.registry import MODELS


@MODELS.register_module()
class ADL(nn.Module):
    """Attention-based dropout layer, as the WSOL benchmark implements it
    (clovaai/wsolevaluation ``wsol/method/adl.py``).

    In training, on a feature map x (N, C, h, w)::

        attention  = mean_c(x)                         (N, 1, h, w)
        importance = sigmoid(attention)                in (0, 1)
        drop_mask  = attention < threshold_ratio * max_hw(attention)
        out = x * drop_mask    with probability drop_rate,
              x * importance   otherwise

    One draw per call decides for the whole batch (``adl.py:33-36``:
    ``floor(rand() + drop_rate)``). In eval mode the layer is the identity
    (``adl.py:24-25``). It has no parameter, so inserting it changes no
    checkpoint key.

    Args:
        drop_rate (float): Probability in [0, 1] of using the drop mask.
            Defaults to 0.75 (benchmark ``config.py:225``).
        threshold_ratio (float): In [0, 1], the drop threshold relative to
            the maximum of each image's attention. Defaults to 0.9
            (benchmark ``config.py:227``, ``--adl_threshold``; the class
            default ``adl.py:12`` is 0.8 but ``main.py:123-124`` passes the
            config's).
        generator (torch.Generator, optional): Random source of the draw
            (tests); torch's global one when None.
    """

    def __init__(self,
                 drop_rate: float = 0.75,
                 threshold_ratio: float = 0.9,
                 generator: Optional[torch.Generator] = None) -> None:
        super().__init__()
        for key, value in (('drop_rate', drop_rate), ('threshold_ratio',
                                                      threshold_ratio)):
            if (isinstance(value, bool) or not isinstance(value, (int, float))
                    or not 0.0 <= value <= 1.0):
                raise ValueError(f'ADL: {key} must be in [0, 1], got '
                                 f'{key}={value!r}')
        self.drop_rate = float(drop_rate)
        self.threshold_ratio = float(threshold_ratio)
        self.generator = generator

    def attention(self, x: Tensor) -> Tensor:
        """Channel-mean attention (N, 1, h, w)."""
        return x.mean(dim=1, keepdim=True)

    def importance_map(self, x: Tensor) -> Tensor:
        """sigmoid(attention), (N, 1, h, w) in (0, 1)."""
        return torch.sigmoid(self.attention(x))

    def drop_mask(self, x: Tensor) -> Tensor:
        """(N, 1, h, w) in {0, 1}: 0 where the attention is >=
        ``threshold_ratio`` times its per-image maximum."""
        attention = self.attention(x)
        peak = attention.flatten(1).amax(dim=1).view(-1, 1, 1, 1)
        return (attention < peak * self.threshold_ratio).to(x.dtype)

    def forward(self, x: Tensor) -> Tensor:
        """(N, C, h, w) -> (N, C, h, w); the identity in eval mode."""
        if not self.training:
            return x
        draw = torch.rand((), generator=self.generator)
        use_drop = bool(draw + self.drop_rate >= 1.0)
        selected = self.drop_mask(x) if use_drop else self.importance_map(x)
        return x * selected

    def forward_hook(self, module: nn.Module, inputs, output: Tensor):
        """Forward hook applying this layer to ``module``'s output (see
        :func:`~mmspg.models.backbones.ADLBackbone`)."""
        return self(output)

    def extra_repr(self) -> str:
        return (f'drop_rate={self.drop_rate}, '
                f'threshold_ratio={self.threshold_ratio}')
