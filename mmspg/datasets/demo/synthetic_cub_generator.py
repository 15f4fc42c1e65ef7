"""A small synthetic stand-in for CUB-200-2011, for demos and smoke tests.

:func:`generate_synthetic_cub` writes the images drawn by
:mod:`.synthetic_cub_drawing` (one "bird" per image whose head tells its
class) in CUB's own layout, so :class:`~mmspg.datasets.CUBWSOLDataset`
and the WSOL benchmark's readers parse them as the real data;
:func:`ensure_synthetic_cub` makes it once, safely under concurrent
processes (what :class:`~mmspg.datasets.SyntheticCUBDataset` calls).

The output follows the official CUB layout (``images/``, ``images.txt``,
``image_class_labels.txt``, ``train_test_split.txt``,
``bounding_boxes.txt``, ``classes.txt``) plus the WSOL benchmark metadata
of both splits under ``metadata/{train,test}/`` and ``synthetic_cub.json``
recording the arguments.
"""
import json
import os
import os.path as osp
import shutil
import tempfile
from typing import Optional

import cv2

from .synthetic_cub_drawing import CLASS_SPECS, GENERATOR_VERSION, render_image

__all__ = [
    'generate_synthetic_cub', 'ensure_synthetic_cub',
    'resolve_synthetic_cub_cfg', 'SYNTHETIC_META_FILE', 'DEFAULT_CFG'
]

SYNTHETIC_META_FILE = 'synthetic_cub.json'

DEFAULT_CFG = dict(
    seed=0,
    num_classes=8,
    train_per_class=60,
    test_per_class=20,
    min_side=120,
    max_side=260,
    object_area_range=(0.05, 0.6),
    jpeg_quality=88,
    write_wsol_metadata=True,
    body_class_bias=0.8,
    body_tint=(0.3, 0.55),
)


def resolve_synthetic_cub_cfg(**cfg) -> dict:
    """Fill defaults and validate generator arguments.

    Returns:
        dict: JSON-friendly arguments (tuples as lists), as recorded in
        ``synthetic_cub.json``.
    """
    unknown = set(cfg) - set(DEFAULT_CFG)
    if unknown:
        raise TypeError(f'Unknown synthetic CUB option(s) {sorted(unknown)}; '
                        f'known: {sorted(DEFAULT_CFG)}.')
    out = {**DEFAULT_CFG, **cfg}
    if not 2 <= out['num_classes'] <= len(CLASS_SPECS):
        raise ValueError(f'num_classes must be in [2, {len(CLASS_SPECS)}], '
                         f'got {out["num_classes"]}.')
    if out['train_per_class'] < 1 or out['test_per_class'] < 1:
        raise ValueError('train_per_class and test_per_class must be >= 1.')
    if not 32 <= out['min_side'] <= out['max_side']:
        raise ValueError('need 32 <= min_side <= max_side.')
    lo, hi = out['object_area_range']
    if not 0 < lo <= hi <= 0.9:
        raise ValueError('object_area_range must satisfy 0 < lo <= hi <= 0.9')
    tint = out['body_tint']
    if (not isinstance(tint, (list, tuple)) or len(tint) != 2
            or not 0 <= tint[0] <= tint[1] <= 1):
        raise ValueError('body_tint must be (lo, hi) with 0 <= lo <= hi <= 1,'
                         f' got {tint!r}.')
    if not 0 <= out['body_class_bias'] <= 1:
        raise ValueError('body_class_bias must be in [0, 1], got '
                         f'{out["body_class_bias"]}.')
    return json.loads(json.dumps(out))


# ------------------------------------------------------------------ files
def generate_synthetic_cub(root: str, **cfg) -> dict:
    """Write a synthetic CUB-layout data set into ``root``.

    Args:
        root (str): Output folder (created; existing files are overwritten).
        **cfg: ``seed`` (0), ``num_classes`` (8, at most 8),
            ``train_per_class`` (60), ``test_per_class`` (20), ``min_side``
            / ``max_side`` (120 / 260 px, drawn independently for w and h),
            ``object_area_range`` ((0.05, 0.6), box area / image area,
            log-uniform), ``jpeg_quality`` (88), ``write_wsol_metadata``
            (True: also write ``metadata/{train,test}/`` in the WSOL
            benchmark format), ``body_class_bias`` (0.8, probability that
            the body hue band and texture follow the class),
            ``body_tint`` ((0.3, 0.55), range of the blend of the body
            colour towards the class colour).

    Returns:
        dict: Summary: ``num_images``, ``num_train``, ``num_test``,
        ``total_bytes``, ``area_fractions`` (list, box area / image area per
        image), ``sizes`` (list of (w, h)).
    """
    cfg = resolve_synthetic_cub_cfg(**cfg)
    os.makedirs(osp.join(root, 'images'), exist_ok=True)
    lines = dict(images=[], labels=[], split=[], boxes=[])
    meta = {
        s: dict(ids=[], labels=[], sizes=[], boxes=[])
        for s in ('train', 'test')
    }
    summary = dict(area_fractions=[], sizes=[], total_bytes=0)
    per_class = cfg['train_per_class'] + cfg['test_per_class']
    img_id = 0
    for label in range(cfg['num_classes']):
        name = CLASS_SPECS[label][0]
        folder = f'{label + 1:03d}.{name}'
        os.makedirs(osp.join(root, 'images', folder), exist_ok=True)
        for j in range(per_class):
            img_id += 1
            img, box, frac = render_image(cfg['seed'], img_id, label, cfg)
            rel = f'{folder}/{name}_{j + 1:04d}.jpg'
            ok, buf = cv2.imencode(
                '.jpg', img, [cv2.IMWRITE_JPEG_QUALITY, cfg['jpeg_quality']])
            assert ok, 'JPEG encoding failed'
            with open(osp.join(root, 'images', rel), 'wb') as f:
                f.write(buf.tobytes())
            is_train = int(j < cfg['train_per_class'])
            split = 'train' if is_train else 'test'
            lines['images'].append(f'{img_id} {rel}')
            lines['labels'].append(f'{img_id} {label + 1}')
            lines['split'].append(f'{img_id} {is_train}')
            lines['boxes'].append(f'{img_id} ' + ' '.join(f'{v:.1f}'
                                                          for v in box))
            h, w = img.shape[:2]
            m = meta[split]
            m['ids'].append(rel)
            m['labels'].append(f'{rel},{label}')
            m['sizes'].append(f'{rel},{w},{h}')
            m['boxes'].append(f'{rel},{box[0]},{box[1]},{box[0] + box[2]},'
                              f'{box[1] + box[3]}')
            summary['area_fractions'].append(frac)
            summary['sizes'].append((w, h))
            summary['total_bytes'] += len(buf)

    def write(path, rows):
        with open(path, 'w', encoding='utf-8') as f:
            f.write('\n'.join(rows) + '\n')

    write(osp.join(root, 'images.txt'), lines['images'])
    write(osp.join(root, 'image_class_labels.txt'), lines['labels'])
    write(osp.join(root, 'train_test_split.txt'), lines['split'])
    write(osp.join(root, 'bounding_boxes.txt'), lines['boxes'])
    write(
        osp.join(root, 'classes.txt'), [
            f'{i + 1} {i + 1:03d}.{CLASS_SPECS[i][0]}'
            for i in range(cfg['num_classes'])
        ])
    if cfg['write_wsol_metadata']:
        for split, m in meta.items():
            d = osp.join(root, 'metadata', split)
            os.makedirs(d, exist_ok=True)
            write(osp.join(d, 'image_ids.txt'), m['ids'])
            write(osp.join(d, 'class_labels.txt'), m['labels'])
            write(osp.join(d, 'image_sizes.txt'), m['sizes'])
            write(osp.join(d, 'localization.txt'), m['boxes'])
    # Written last: its presence marks a complete data set.
    with open(osp.join(root, SYNTHETIC_META_FILE), 'w', encoding='utf-8') as f:
        json.dump(
            dict(generator_version=GENERATOR_VERSION, cfg=cfg),
            f,
            indent=2,
            sort_keys=True)
    summary.update(
        num_images=img_id,
        num_train=cfg['num_classes'] * cfg['train_per_class'],
        num_test=cfg['num_classes'] * cfg['test_per_class'])
    return summary


def _read_meta(root: str) -> Optional[dict]:
    path = osp.join(root, SYNTHETIC_META_FILE)
    if not osp.isfile(path):
        return None
    with open(path, encoding='utf-8') as f:
        return json.load(f)


def ensure_synthetic_cub(root: str, **cfg) -> bool:
    """Generate the synthetic data in ``root`` unless it is already there.

    Safe when several processes (e.g. distributed ranks) call it at once:
    each generates into a temporary folder beside ``root`` and moves it in
    place with one atomic ``os.rename``; a process that loses the race
    discards its copy and uses the winner's.

    Args:
        root (str): Target folder.
        **cfg: Generator arguments (see :func:`generate_synthetic_cub`).

    Returns:
        bool: True if this call generated the data, False if it existed.

    Raises:
        ValueError: ``root`` holds synthetic data made with other arguments.
        FileExistsError: ``root`` is a non-empty folder of something else.
    """
    cfg = resolve_synthetic_cub_cfg(**cfg)
    wanted = dict(generator_version=GENERATOR_VERSION, cfg=cfg)

    def check_existing() -> bool:
        meta = _read_meta(root)
        if meta is None:
            return False
        if meta != wanted:
            raise ValueError(
                f'"{root}" holds synthetic CUB data generated with '
                f'{meta} but {wanted} was asked for. Delete the folder '
                f'(or choose another data_root) to regenerate it.')
        return True

    if check_existing():
        return False
    if osp.isdir(root) and os.listdir(root):
        raise FileExistsError(
            f'"{root}" is not empty and holds no {SYNTHETIC_META_FILE}: '
            f'refusing to generate synthetic CUB data over it. Point '
            f'data_root at an empty or missing folder.')
    parent = osp.dirname(osp.abspath(root))
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(
        prefix=f'.{osp.basename(osp.abspath(root))}.tmp-', dir=parent)
    os.chmod(tmp, 0o755)  # mkdtemp makes it private; the data is not
    try:
        generate_synthetic_cub(tmp, **cfg)
        try:
            # Replaces a missing or empty root atomically; fails if another
            # process already moved its (complete) copy in.
            os.rename(tmp, root)
            return True
        except OSError:
            if check_existing():
                return False
            raise
    finally:
        if osp.isdir(tmp):
            shutil.rmtree(tmp, ignore_errors=True)
