"""Inputs of the inferencer: paths, folders and arrays to (H, W, 3) uint8
BGR images, and video files to batches of frames, with errors that name the
input at fault.

Files are decoded in their stored frame, never EXIF-rotated, by the
decoder of the recipe's loading step (``decode_image``, as
``LoadImageFromFileWSOL``): the network sees what it saw in training, and
ground-truth boxes from annotation files (``gt_boxes.py``), which are in
the stored frame, land where they belong."""
import os.path as osp
from typing import Any, Iterator, List

import cv2
import numpy as np

from mmspg.datasets.annotation_utils import IMG_EXTENSIONS, list_images
from mmspg.datasets.transforms.loading import decode_image

__all__ = [
    'IMG_EXTENSIONS', 'VIDEO_EXTENSIONS', 'expand_inputs', 'load_image',
    'video_frames'
]

VIDEO_EXTENSIONS = ('.mp4', '.avi', '.mov', '.mkv', '.webm', '.m4v', '.mpg',
                    '.mpeg', '.wmv')


def expand_inputs(inputs: Any) -> List[Any]:
    """A path, folder (images found recursively, sorted), array, or a list
    of them -> a flat list of paths / arrays."""
    if not isinstance(inputs, (list, tuple)):
        inputs = [inputs]
    out = []
    for item in inputs:
        if isinstance(item, str) and osp.isdir(item):
            out.extend(osp.join(item, f) for f in list_images(item))
        else:
            out.append(item)
    return out


def load_image(item: Any,
               index: int = 0,
               imdecode_backend: str = 'cv2') -> np.ndarray:
    """Read a path (in its stored frame), or check an array.

    Args:
        item (str | np.ndarray): Image path, or an (H, W, 3) (or (H, W))
            uint8 BGR array.
        index (int): Position of ``item`` among the inputs, for errors.
        imdecode_backend (str): ``'cv2'`` or ``'pillow'``, the recipe's
            (:func:`~mmspg.apis.model.decode_backend`). Defaults to
            ``'cv2'``.

    Returns:
        np.ndarray: (H, W, 3) uint8 BGR.
    """
    if isinstance(item, str):
        if not osp.isfile(item):
            raise FileNotFoundError(f'WSOLInferencer: no such image file '
                                    f'{item!r}')
        if osp.getsize(item) == 0:
            raise ValueError(f'WSOLInferencer: image file {item!r} is '
                             'empty (0 bytes)')
        with open(item, 'rb') as f:
            data = f.read()
        try:
            img = decode_image(data, backend=imdecode_backend)
        except cv2.error as err:
            # OpenCV's assertions do not name the file
            raise ValueError(
                f'WSOLInferencer: image file {item!r} cannot be decoded '
                f'(OpenCV: {str(err).strip().splitlines()[-1]})') from err
        except OSError as err:  # PIL: not an image, or damaged
            raise ValueError(f'WSOLInferencer: image file {item!r} cannot '
                             f'be decoded (PIL: {err})') from err
        if img is None:
            raise ValueError(f'WSOLInferencer: image file {item!r} cannot '
                             'be decoded (damaged, or not an image format '
                             'OpenCV reads)')
        return img
    if not isinstance(item, np.ndarray):
        raise TypeError(f'WSOLInferencer: input {index} must be an image '
                        f'path or an HxWx3 BGR array, got '
                        f'{type(item).__name__}')
    img = item
    if img.ndim == 2:
        img = cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    if img.ndim != 3 or img.shape[2] != 3 or min(img.shape[:2]) < 1:
        raise ValueError(f'WSOLInferencer: input array {index} must be '
                         f'HxWx3 BGR, got shape {item.shape}')
    if img.dtype != np.uint8:
        raise ValueError(f'WSOLInferencer: input array {index} must be '
                         f'uint8, got {img.dtype}')
    return img


def video_frames(path: str, batch: int) -> Iterator[List[np.ndarray]]:
    """Yield lists of up to ``batch`` (H, W, 3) uint8 BGR frames of a video
    read with OpenCV; OSError naming the file if it does not open."""
    cap = cv2.VideoCapture(path)
    if not cap.isOpened():
        raise OSError(f'cannot open video {path!r}')
    try:
        frames = []
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            frames.append(frame)
            if len(frames) == batch:
                yield frames
                frames = []
        if frames:
            yield frames
    finally:
        cap.release()
