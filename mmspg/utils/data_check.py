"""Check a config's data before the work: files, decoding, sizes, boxes.

Two levels:

* :func:`missing_files` -- does every image and mask file exist? One
  ``os.stat`` per file over a thread pool (network file systems answer
  many stats at once). ``DataFilesCheckHook`` runs it at the start of every
  training and test run.
* :func:`check_sample` -- the full check of ``tools/misc/check_data.py``:
  each image decodes with the config's own loading transform (the first step
  of the split's pipeline, so a truncated JPEG fails as it would in
  training), has the size its annotation says, and its boxes lie inside it;
  each mask decodes as the benchmark's mask loader reads it
  (``cv2.imread(path, cv2.IMREAD_GRAYSCALE)``,
  ``mmspg/evaluation/functional/wsol_mask.py``).
"""
import os
import os.path as osp
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import cv2
import numpy as np

__all__ = [
    'sample_files', 'missing_files', 'sample_task', 'check_sample',
    'summarize', 'init_loaders', 'check_task', 'BOX_TOLERANCE'
]

#: boxes may reach this many pixels past the image border (our choice: the
#: annotation tools of CUB and ILSVRC write x1 = width for full-width boxes)
BOX_TOLERANCE = 1.0


def _is_local(path: str) -> bool:
    return '://' not in path


def sample_files(info: dict) -> List[str]:
    """The files one data info names: its image and mask files."""
    files = [info['img_path']] if info.get('img_path') else []
    files += list(info.get('gt_mask_paths') or [])
    if info.get('ignore_mask_path'):
        files.append(info['ignore_mask_path'])
    return files


def missing_files(paths: Iterable[str], num_threads: int = 16) -> List[str]:
    """The local paths of ``paths`` that are not files (others are skipped).

    Args:
        paths (Iterable[str]): file paths; ``scheme://`` paths are skipped.
        num_threads (int): concurrent ``os.stat`` calls.

    Returns:
        list[str]: the missing ones, in input order.
    """
    local = [p for p in paths if _is_local(p)]
    if num_threads <= 1 or len(local) < 1000:
        return [p for p in local if not osp.isfile(p)]
    with ThreadPoolExecutor(num_threads) as pool:
        found = pool.map(osp.isfile, local, chunksize=256)
        return [p for p, ok in zip(local, found) if not ok]


def sample_task(info: dict, split: str) -> dict:
    """The picklable part of a data info that :func:`check_sample` needs."""
    boxes = info.get('ori_gt_bboxes', info.get('gt_bboxes'))
    return dict(
        split=split,
        image_id=info.get('image_id', info.get('img_path')),
        img_path=info.get('img_path'),
        img_size=info.get('img_size'),
        boxes=None if boxes is None else np.asarray(boxes).tolist(),
        masks=list(info.get('gt_mask_paths') or []) +
        ([info['ignore_mask_path']] if info.get('ignore_mask_path') else []))


def _problem(task: dict, kind: str, message: str) -> Tuple[str, str, str]:
    return (kind, f"{task['split']}: {task['image_id']}", message)


def _boxes_outside(boxes: Sequence[Sequence[float]], w: int,
                   h: int) -> List[str]:
    bad = []
    for box in boxes:
        x0, y0, x1, y1 = box
        if not (-BOX_TOLERANCE <= x0 < x1 <= w + BOX_TOLERANCE
                and -BOX_TOLERANCE <= y0 < y1 <= h + BOX_TOLERANCE):
            bad.append('[' + ', '.join(f'{v:g}' for v in box) + ']')
    return bad


def check_sample(task: dict, loader) -> List[Tuple[str, str, str]]:
    """Every problem of one sample, as ``(kind, where, message)``.

    Kinds: ``missing`` (no image file), ``unreadable`` (the loading
    transform fails: truncated or corrupt file), ``size`` (decoded size is
    not the annotated ``img_size``), ``box`` (a box outside the image),
    ``mask missing`` and ``mask unreadable``.

    Args:
        task (dict): from :func:`sample_task`.
        loader (callable): the config's loading transform (``results`` dict
            with ``img_path`` in, ``img`` and ``ori_shape`` out).

    Returns:
        list[tuple[str, str, str]]: empty when the sample is fine.
    """
    problems = []
    path = task['img_path']
    if path and _is_local(path) and not osp.isfile(path):
        problems.append(_problem(task, 'missing', f'no file {path}'))
    elif path:
        try:
            results = loader(dict(img_path=path))
            if results is None:
                raise ValueError('the loading transform returned None')
            h, w = results.get('ori_shape', results['img'].shape[:2])
        except Exception as e:  # noqa: BLE001  reported, not raised
            problems.append(
                _problem(
                    task, 'unreadable', f'{path}: {type(e).__name__}: '
                    f'{str(e).splitlines()[0] if str(e) else ""}'))
        else:
            size = task.get('img_size')
            if size is not None and tuple(size) != (w, h):
                problems.append(
                    _problem(
                        task, 'size', f'{path} decodes to {w}x{h}, the '
                        f'annotation says {size[0]}x{size[1]}'))
            bad = _boxes_outside(task.get('boxes') or [], w, h)
            if bad:
                problems.append(
                    _problem(
                        task, 'box', f'box(es) {", ".join(bad)} outside '
                        f'the {w}x{h} image {path}'))
    for mask in task.get('masks') or []:
        if _is_local(mask) and not osp.isfile(mask):
            problems.append(_problem(task, 'mask missing', f'no file {mask}'))
        elif cv2.imread(mask, cv2.IMREAD_GRAYSCALE) is None:
            problems.append(
                _problem(task, 'mask unreadable',
                         f'{mask} does not decode as a grey-level image'))
    return problems


def summarize(problems: Sequence[Tuple[str, str, str]],
              per_kind: Optional[int] = 20) -> str:
    """One text summary: counts per kind, then up to ``per_kind`` of each
    (None: all)."""
    by_kind: Dict[str, List[Tuple[str, str]]] = {}
    for kind, where, message in problems:
        by_kind.setdefault(kind, []).append((where, message))
    lines = [
        f'{len(problems)} problem(s): ' +
        ', '.join(f'{len(v)} {k}' for k, v in sorted(by_kind.items()))
    ]
    for kind, items in sorted(by_kind.items()):
        lines.append(f'[{kind}] {len(items)}')
        shown = items if per_kind is None else items[:per_kind]
        lines += [f'  {where}: {message}' for where, message in shown]
        if len(shown) < len(items):
            lines.append(f'  ... {len(items) - len(shown)} more')
    return os.linesep.join(lines)


# the loading transform of each split, per worker process (init_loaders)
_LOADERS: Dict[str, object] = {}


def init_loaders(loader_cfgs: Dict[str, dict]) -> None:
    """Build each split's loading transform in this process (a pool
    initializer: transforms are built once per worker, not per file)."""
    from mmengine.registry import init_default_scope

    from mmspg.registry import TRANSFORMS
    init_default_scope('mmspg')
    cv2.setNumThreads(0)  # one decode per worker process
    _LOADERS.clear()
    for split, cfg in loader_cfgs.items():
        _LOADERS[split] = TRANSFORMS.build(cfg)


def check_task(task: dict) -> List[Tuple[str, str, str]]:
    """:func:`check_sample` with the loader :func:`init_loaders` built for
    the task's split."""
    return check_sample(task, _LOADERS[task['split']])
