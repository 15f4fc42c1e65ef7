"""Read and write the WSOL benchmark's metadata layout.

A metadata folder holds ``image_ids.txt`` (one id a line),
``class_labels.txt`` (``id,label``), ``image_sizes.txt`` (``id,width,height``)
and ``localization.txt`` (``id,x0,y0,x1,y1`` for boxes, several lines for
several boxes; ``id,mask_path,ignore_path`` for OpenImages masks). Score maps
live at ``<scoremap_root>/<image_id>.npy``.
"""
import os
import os.path as osp
from typing import Dict, List, Sequence, Tuple

import numpy as np

__all__ = [
    'read_image_ids', 'read_class_labels', 'read_image_sizes', 'read_boxes',
    'read_mask_paths', 'write_metadata', 'scoremap_path'
]


def scoremap_path(scoremap_root: str, image_id: str) -> str:
    """Path of an image's score map: the id keeps its sub-folders and
    extension (``001.Black_footed_Albatross/x.jpg`` ->
    ``<root>/001.Black_footed_Albatross/x.jpg.npy``)."""
    return osp.join(scoremap_root, image_id + '.npy')


def _lines(path: str) -> List[Tuple[int, str]]:
    if not osp.isfile(path):
        raise FileNotFoundError(f'metadata file not found: {path}')
    # utf-8-sig: a leading byte order mark (Windows editors) is dropped.
    with open(path, encoding='utf-8-sig') as f:
        # The benchmark strips only the newline; trailing blank lines are
        # skipped here.
        return [(i, line.rstrip('\r\n')) for i, line in enumerate(f, 1)
                if line.strip()]


def _split(path: str, lineno: int, line: str, n: int) -> List[str]:
    parts = line.split(',')
    if len(parts) != n:
        raise ValueError(f'{path}:{lineno}: expected {n} comma-separated '
                         f'fields, got {len(parts)}: {line!r}')
    return parts


def _int(path: str, lineno: int, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ValueError(f'{path}:{lineno}: {text!r} is not an integer')


def read_image_ids(metadata_root: str) -> List[str]:
    """Image ids in evaluation order from ``image_ids.txt``."""
    return [
        line for _, line in _lines(osp.join(metadata_root, 'image_ids.txt'))
    ]


def read_class_labels(metadata_root: str) -> Dict[str, int]:
    """``{image_id: label}`` from ``class_labels.txt``."""
    path = osp.join(metadata_root, 'class_labels.txt')
    out = {}
    for i, line in _lines(path):
        image_id, label = _split(path, i, line, 2)
        out[image_id] = _int(path, i, label)
    return out


def read_image_sizes(metadata_root: str) -> Dict[str, Tuple[int, int]]:
    """``{image_id: (width, height)}`` from ``image_sizes.txt``."""
    path = osp.join(metadata_root, 'image_sizes.txt')
    out = {}
    for i, line in _lines(path):
        image_id, w, h = _split(path, i, line, 3)
        out[image_id] = (_int(path, i, w), _int(path, i, h))
    return out


def read_boxes(metadata_root: str) -> Dict[str, np.ndarray]:
    """``{image_id: int64 (K, 4) boxes x0, y0, x1, y1}`` from
    ``localization.txt`` (original image frame)."""
    path = osp.join(metadata_root, 'localization.txt')
    out: Dict[str, list] = {}
    for i, line in _lines(path):
        image_id, *coords = _split(path, i, line, 5)
        box = [_int(path, i, c) for c in coords]
        if min(box) < 0 or box[2] < box[0] or box[3] < box[1]:
            raise ValueError(f'{path}:{i}: invalid box (x0,y0,x1,y1) '
                             f'{box}')
        out.setdefault(image_id, []).append(box)
    return {k: np.array(v, dtype=np.int64) for k, v in out.items()}


def read_mask_paths(
        metadata_root: str) -> Tuple[Dict[str, List[str]], Dict[str, str]]:
    """Mask and ignore paths from an OpenImages ``localization.txt``.

    Returns:
        tuple: ``{image_id: [mask_path, ...]}`` and ``{image_id:
        ignore_path}`` (the ignore path of an image's first line).
    """
    path = osp.join(metadata_root, 'localization.txt')
    masks: Dict[str, List[str]] = {}
    ignores: Dict[str, str] = {}
    for i, line in _lines(path):
        image_id, mask_path, ignore_path = _split(path, i, line, 3)
        if image_id in masks:
            masks[image_id].append(mask_path)
        else:
            masks[image_id] = [mask_path]
            ignores[image_id] = ignore_path
    return masks, ignores


def write_metadata(
    metadata_root: str,
    image_ids: Sequence[str],
    labels: Sequence[int],
    sizes: Sequence[Tuple[int, int]],
    boxes: Sequence[np.ndarray],
) -> None:
    """Write the four benchmark metadata files.

    Args:
        metadata_root (str): Output folder (created).
        image_ids (Sequence[str]): Ids in evaluation order.
        labels (Sequence[int]): Class label per image.
        sizes (Sequence[tuple[int, int]]): (width, height) per image.
        boxes (Sequence[np.ndarray]): (K, 4) int boxes per image in the
            original frame.
    """
    os.makedirs(metadata_root, exist_ok=True)
    n = len(image_ids)
    if not len(labels) == len(sizes) == len(boxes) == n:
        raise ValueError('write_metadata: image_ids, labels, sizes and '
                         'boxes must have the same length')
    with open(osp.join(metadata_root, 'image_ids.txt'), 'w') as f:
        f.writelines(f'{i}\n' for i in image_ids)
    with open(osp.join(metadata_root, 'class_labels.txt'), 'w') as f:
        f.writelines(f'{i},{int(l)}\n' for i, l in zip(image_ids, labels))
    with open(osp.join(metadata_root, 'image_sizes.txt'), 'w') as f:
        f.writelines(f'{i},{int(w)},{int(h)}\n'
                     for i, (w, h) in zip(image_ids, sizes))
    with open(osp.join(metadata_root, 'localization.txt'), 'w') as f:
        for i, bxs in zip(image_ids, boxes):
            for b in np.asarray(bxs).reshape(-1, 4):
                f.write(f'{i},' + ','.join(str(int(v)) for v in b) + '\n')
