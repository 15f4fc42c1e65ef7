"""Builders of tiny on-disk data sets for the dataset tests.

A uniquely named module (not conftest) so that ``from datasets_testutils
import ...`` cannot pick another test folder's conftest."""
import os
import os.path as osp

import cv2
import numpy as np


def write_jpeg(path, w, h, value=128, box=None):
    """Write a w x h JPEG; ``box`` (x1, y1, x2, y2) is painted white."""
    os.makedirs(osp.dirname(path), exist_ok=True)
    img = np.full((h, w, 3), value, np.uint8)
    if box is not None:
        x1, y1, x2, y2 = (int(round(v)) for v in box)
        img[y1:y2, x1:x2] = 255
    assert cv2.imwrite(path, img)
    return path


def write_lines(path, lines):
    os.makedirs(osp.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')


# Default tiny CUB: 2 classes, 4 images (ids 1..4), 1 and 3 are train.
CUB_IMAGES = [
    # id, rel path, class id (1-based), is_train, (x, y, w, h), (W, H)
    (1, '001.Aa/a_1.jpg', 1, 1, (2.0, 3.0, 10.0, 8.0), (40, 30)),
    (2, '001.Aa/a_2.jpg', 1, 0, (5.5, 4.0, 20.0, 12.0), (36, 24)),
    (3, '002.Bb/b_1.jpg', 2, 1, (0.0, 0.0, 16.0, 16.0), (16, 20)),
    (4, '002.Bb/b_2.jpg', 2, 0, (10.0, 6.0, 29.0, 20.0), (40, 26)),
]


def make_cub(root,
             images=CUB_IMAGES,
             classes=('001.Aa', '002.Bb'),
             write_images=True):
    """Write the official CUB layout under ``root``; returns ``root``."""
    root = str(root)
    if write_images:
        for _, rel, _, _, _, (w, h) in images:
            write_jpeg(osp.join(root, 'images', rel), w, h)
    else:
        os.makedirs(osp.join(root, 'images'), exist_ok=True)
    write_lines(
        osp.join(root, 'images.txt'), [f'{i} {rel}' for i, rel, *_ in images])
    write_lines(
        osp.join(root, 'image_class_labels.txt'),
        [f'{i} {c}' for i, _, c, *_ in images])
    write_lines(
        osp.join(root, 'train_test_split.txt'),
        [f'{i} {t}' for i, _, _, t, *_ in images])
    write_lines(
        osp.join(root, 'bounding_boxes.txt'),
        [f'{i} ' + ' '.join(map(str, b)) for i, _, _, _, b, _ in images])
    write_lines(
        osp.join(root, 'classes.txt'),
        [f'{k + 1} {n}' for k, n in enumerate(classes)])
    return root
