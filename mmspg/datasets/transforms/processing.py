"""Box-aware versions of mmpretrain transforms that ignore ``gt_bboxes``.

mmcv's ``Resize``, ``RandomFlip``, ``CenterCrop`` and ``RandomResize``
already move ``gt_bboxes`` (tests/test_datasets/test_transforms guards
that). mmpretrain's ``RandomCrop``, ``RandomResizedCrop`` and
``ResizeEdge`` change the image but leave the boxes in the old frame, so
the classes below subclass them, keep their randomness and parameters, and
move the boxes too. Boxes are clipped to the new image; a box that falls
outside a crop keeps its row with zero width or height, so K stays the same
and ``ori_gt_bboxes`` rows still match. ``gt_bboxes`` stays float32 and
``img_shape`` is set to (h, w) (the parents store ``img.shape``, a 3-tuple).
"""
import math

import mmcv
import numpy as np
from mmpretrain.datasets.transforms import (RandomCrop, RandomResizedCrop,
                                            ResizeEdge)

from mmspg.registry import TRANSFORMS


def crop_and_scale_boxes(boxes: np.ndarray,
                         x0: float,
                         y0: float,
                         crop_w: float,
                         crop_h: float,
                         scale_w: float = 1.0,
                         scale_h: float = 1.0) -> np.ndarray:
    """Move boxes into a crop window, clip them to it, then rescale.

    Args:
        boxes (np.ndarray): (K, 4) x1, y1, x2, y2 in the source image.
        x0, y0 (float): Top-left corner of the crop in the source image
            (negative when the source was padded).
        crop_w, crop_h (float): Crop size in source pixels.
        scale_w, scale_h (float): Output size / crop size.

    Returns:
        np.ndarray: (K, 4) float32 boxes in the output image, within
        [0, crop_w * scale_w] x [0, crop_h * scale_h].
    """
    out = np.asarray(
        boxes, dtype=np.float32).reshape(-1, 4) - np.array([x0, y0, x0, y0],
                                                           dtype=np.float32)
    out[:, 0::2] = np.clip(out[:, 0::2], 0, crop_w) * scale_w
    out[:, 1::2] = np.clip(out[:, 1::2], 0, crop_h) * scale_h
    return out


@TRANSFORMS.register_module()
class BoxAwareRandomResizedCrop(RandomResizedCrop):
    """mmpretrain's ``RandomResizedCrop`` that also moves ``gt_bboxes``.

    Same arguments and crop sampling as the parent (scale, crop_ratio_range,
    aspect_ratio_range, max_attempts, interpolation, backend).

    Modified keys: ``img``, ``img_shape`` (h, w), ``gt_bboxes`` (K, 4)
    float32 in the output frame.
    """

    def transform(self, results: dict) -> dict:
        """Crop a random region, resize it to ``scale``, move the boxes."""
        img = results['img']
        offset_h, offset_w, target_h, target_w = self.rand_crop_params(img)
        # Same crop + resize as the parent, which does not expose the
        # sampled window that the boxes need.
        img = mmcv.imcrop(
            img,
            bboxes=np.array([
                offset_w, offset_h, offset_w + target_w - 1,
                offset_h + target_h - 1
            ]))
        img = mmcv.imresize(
            img,
            tuple(self.scale[::-1]),
            interpolation=self.interpolation,
            backend=self.backend)
        out_h, out_w = img.shape[:2]
        results['img'] = img
        results['img_shape'] = (out_h, out_w)
        if results.get('gt_bboxes') is not None:
            results['gt_bboxes'] = crop_and_scale_boxes(
                results['gt_bboxes'], offset_w, offset_h, target_w, target_h,
                out_w / target_w, out_h / target_h)
        return results


@TRANSFORMS.register_module()
class BoxAwareRandomCrop(RandomCrop):
    """mmpretrain's ``RandomCrop`` that also moves ``gt_bboxes``.

    Same arguments as the parent (crop_size, padding, pad_if_needed,
    pad_val, padding_mode); padding shifts the boxes by the left/top pad.

    Modified keys: ``img``, ``img_shape`` (h, w), ``gt_bboxes`` (K, 4)
    float32 in the output frame.
    """

    def _padding_left_top(self):
        p = self.padding
        if p is None:
            return 0, 0
        if isinstance(p, (int, float)):
            return int(p), int(p)
        if len(p) == 2:  # (left/right, top/bottom), as mmcv.impad reads it
            return int(p[0]), int(p[1])
        return int(p[0]), int(p[1])  # (left, top, right, bottom)

    def transform(self, results: dict) -> dict:
        """Pad as configured, crop a random window, move the boxes."""
        img = results['img']
        pad_left, pad_top = self._padding_left_top()
        # The padding steps mirror the parent's transform, which does not
        # expose the offsets the boxes need.
        if self.padding is not None:
            img = mmcv.impad(img, padding=self.padding, pad_val=self.pad_val)
        if self.pad_if_needed:
            h_pad = math.ceil(max(0, self.crop_size[0] - img.shape[0]) / 2)
            w_pad = math.ceil(max(0, self.crop_size[1] - img.shape[1]) / 2)
            img = mmcv.impad(
                img,
                padding=(w_pad, h_pad, w_pad, h_pad),
                pad_val=self.pad_val,
                padding_mode=self.padding_mode)
            pad_left += w_pad
            pad_top += h_pad
        offset_h, offset_w, target_h, target_w = self.rand_crop_params(img)
        img = mmcv.imcrop(
            img,
            np.array([
                offset_w, offset_h, offset_w + target_w - 1,
                offset_h + target_h - 1
            ]))
        results['img'] = img
        results['img_shape'] = img.shape[:2]
        if results.get('gt_bboxes') is not None:
            results['gt_bboxes'] = crop_and_scale_boxes(
                results['gt_bboxes'], offset_w - pad_left, offset_h - pad_top,
                target_w, target_h)
        return results


@TRANSFORMS.register_module()
class BoxAwareResizeEdge(ResizeEdge):
    """mmpretrain's ``ResizeEdge`` that also rescales ``gt_bboxes``.

    Same arguments as the parent (scale, edge, backend, interpolation).

    Modified keys: ``img``, ``img_shape``, ``scale``, ``scale_factor``,
    ``gt_bboxes`` (K, 4) float32 in the output frame.
    """

    def transform(self, results: dict) -> dict:
        """Resize the image along one edge, rescale the boxes."""
        results = super().transform(results)
        if results.get('gt_bboxes') is not None:
            w_scale, h_scale = results['scale_factor']
            h, w = results['img_shape'][:2]
            boxes = np.asarray(results['gt_bboxes'], dtype=np.float32)
            results['gt_bboxes'] = crop_and_scale_boxes(
                boxes * np.array([w_scale, h_scale, w_scale, h_scale],
                                 dtype=np.float32), 0, 0, w, h)
        return results
