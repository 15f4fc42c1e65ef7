"""Hide-and-Seek (Singh & Lee, ICCV 2017) as a batch augmentation."""
from typing import Optional, Sequence, Tuple, Union

import torch
from torch import Tensor

from mmspg.registry import BATCH_AUGMENTS


@BATCH_AUGMENTS.register_module()
class HideAndSeek:
    """Hide random grid patches of every training image.

    Each image is cut into a grid of ``grid_size`` x ``grid_size`` patches
    (the last row/column clipped to the image) and every patch is hidden,
    i.e. set to ``fill``, independently with probability ``drop_rate``. With
    several grid sizes, one is drawn per image (the original code picks one
    of ``0,16,32,44,56`` per image, 0 = hide nothing: kkanshul/Hide-and-Seek
    ``hide_patch.py:15-21``, ``train.lua:161-166``).

    It runs as an mmpretrain batch augment in the data preprocessor, on
    normalised images, so ``fill=0`` is the dataset mean -- the original
    code's choice (it hides after mean subtraction, ``hide_patch.py:46``,
    ``train.lua:183``: the mask multiplies the normalised input). Batch
    augments run only in training: at test time nothing is hidden.

    Differences from the WSOL benchmark's ``wsol/method/has.py`` (followed
    here: the original semantics): the benchmark loops ``x`` over the width
    but indexes the height with it (``has.py:25-30``: ``image[..., x:x_end,
    y:y_end]``) and clips both ends with the height (``has.py:27-28``), so
    on a non-square input its grid is transposed and patches near the right
    edge of a wide image are never hidden; on the square 224 x 224 crops it
    trains on the two agree in distribution. Here rows follow the height
    and columns the width. The benchmark hides with ``<= drop_rate`` on
    ``random.random()`` (as ``hide_patch.py:29``); here ``< drop_rate`` on
    ``torch.rand``, the same probability.

    Args:
        grid_size (int | Sequence[int]): Patch side in pixels, or sizes to
            draw one from per image (0 = hide nothing). Defaults to 4
            (benchmark ``config.py:210``, ``--has_grid_size``).
        drop_rate (float): Probability in [0, 1] of hiding a patch.
            Defaults to 0.5 (benchmark ``config.py:211``, original
            ``hide_patch.py:18``).
        fill (float): Value of hidden pixels in the normalised input.
            Defaults to 0 (the mean, see above).
        generator (torch.Generator, optional): Random source (tests);
            torch's global one when None.
    """

    def __init__(self,
                 grid_size: Union[int, Sequence[int]] = 4,
                 drop_rate: float = 0.5,
                 fill: float = 0.0,
                 generator: Optional[torch.Generator] = None) -> None:
        sizes = (grid_size, ) if isinstance(grid_size, int) else grid_size
        if (not isinstance(sizes, (list, tuple)) or not sizes or any(
                isinstance(s, bool) or not isinstance(s, int) or s < 0
                for s in sizes)):
            raise ValueError('HideAndSeek: grid_size must be an int >= 0 or '
                             f'a non-empty list of them, got {grid_size!r}')
        if (isinstance(drop_rate, bool)
                or not isinstance(drop_rate, (int, float))
                or not 0.0 <= drop_rate <= 1.0):
            raise ValueError('HideAndSeek: drop_rate must be in [0, 1], got '
                             f'drop_rate={drop_rate!r}')
        self.grid_sizes = tuple(sizes)
        self.drop_rate = float(drop_rate)
        self.fill = float(fill)
        self.generator = generator

    def keep_mask(self,
                  num: int,
                  height: int,
                  width: int,
                  device=None) -> Tensor:
        """(num, 1, height, width) float mask: 0 on hidden patches, 1
        elsewhere."""
        masks = torch.ones(num, 1, height, width, device=device)
        for i in range(num):
            if len(self.grid_sizes) == 1:
                size = self.grid_sizes[0]
            else:
                pick = torch.randint(
                    len(self.grid_sizes), (), generator=self.generator)
                size = self.grid_sizes[int(pick)]
            if size == 0:
                continue
            rows, cols = -(-height // size), -(-width // size)
            hide = torch.rand((rows, cols), generator=self.generator)
            hide = (hide < self.drop_rate).to(masks.dtype)
            # patch (r, c) covers rows r*size .. min(H, (r+1)*size)
            grid = hide.repeat_interleave(size, 0).repeat_interleave(size, 1)
            masks[i, 0] = 1.0 - grid[:height, :width].to(device)
        return masks

    def __call__(self, batch_inputs: Tensor,
                 batch_score: Tensor) -> Tuple[Tensor, Tensor]:
        """Hide patches.

        Args:
            batch_inputs (Tensor): (N, C, H, W) normalised images.
            batch_score (Tensor): (N, num_classes) label scores (the
                values are kept).

        Returns:
            tuple[Tensor, Tensor]: The images with hidden patches set to
            ``fill``, and ``batch_score`` as float.
        """
        if batch_inputs.dim() != 4:
            raise ValueError('HideAndSeek: expects (N, C, H, W) images, got '
                             f'shape {tuple(batch_inputs.shape)}')
        n, _, h, w = batch_inputs.shape
        keep = self.keep_mask(
            n, h, w, device=batch_inputs.device).to(batch_inputs.dtype)
        out = batch_inputs * keep + self.fill * (1.0 - keep)
        if isinstance(batch_score, torch.Tensor) and \
                not batch_score.is_floating_point():
            # the preprocessor's one-hot labels are int64; the loss reads
            # them as class probabilities, which must be float
            batch_score = batch_score.float()
        return out, batch_score

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(grid_size={self.grid_sizes}, '
                f'drop_rate={self.drop_rate}, fill={self.fill})')
