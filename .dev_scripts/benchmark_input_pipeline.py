"""Throughput of the protocol input pipelines per loader worker, PIL
against OpenCV, on generated photo-sized JPEGs.

Writes ``--num`` photo-like JPEGs of each of ``--sizes`` under ``--root``
(a temporary folder if unset) and times, in this one process with one
thread (what one dataloader worker has), each protocol's train and test
pipeline up to ``PackInputs`` (random crop and flip included), from the
recipes' bases:

- ``benchmark``: configs/_base_/datasets/cub_common.py (every WSOL-benchmark
  recipe: resize 256 then crop 224 / resize 224);
- ``official``: configs/_base_/datasets/cub_spg-official_bs20.py (short
  side 356, crop 321).

Each in three variants:

- ``protocol``: as the recipe has it, PIL decode and PIL bilinear resize;
- ``fast_decode``: ``LoadImageFromFileWSOL(fast_decode=True)``, OpenCV
  decode and PIL resize: NOT the protocol (CMYK JPEGs one level off);
- ``opencv``: OpenCV decode and OpenCV bilinear resize (the pipelines
  before issue 21): NOT the protocol, for reference only.

Prints img/s per worker (best of ``--repeat`` passes, in the process's
CPU time) and the loader workers needed to feed ``--target`` img/s (e.g.
one GPU at 2,000 img/s), each worker on a core of its own.

Example::

    python .dev_scripts/benchmark_input_pipeline.py \\
        --sizes 500x375 1600x1200 --num 20 --repeat 3
"""
import argparse
import copy
import math
import os
import os.path as osp
import shutil
import tempfile
import time
from typing import List, Optional, Sequence, Tuple

import numpy as np

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
BASES = {
    'benchmark': 'configs/_base_/datasets/cub_common.py',
    'official': 'configs/_base_/datasets/cub_spg-official_bs20.py',
}
VARIANTS = ('protocol', 'fast_decode', 'opencv')
RESIZES = ('Resize', 'BoxAwareResizeEdge')


def parse_size(text: str) -> Tuple[int, int]:
    """'500x375' -> (500, 375) (width, height)."""
    try:
        w, h = (int(v) for v in text.lower().split('x'))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f'size must be WIDTHxHEIGHT, e.g. 500x375, got {text!r}')
    if w < 1 or h < 1:
        raise argparse.ArgumentTypeError(f'size must be positive: {text!r}')
    return w, h


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--sizes',
        nargs='+',
        type=parse_size,
        default=[(500, 375), (1600, 1200)],
        help='image sizes WIDTHxHEIGHT')
    parser.add_argument('--num', type=int, default=20, help='images per size')
    parser.add_argument(
        '--repeat', type=int, default=3, help='passes; the best is kept')
    parser.add_argument(
        '--target',
        type=float,
        default=2000.0,
        help='img/s the loader must deliver (one GPU)')
    parser.add_argument(
        '--protocols',
        nargs='+',
        choices=sorted(BASES),
        default=['benchmark', 'official'])
    parser.add_argument(
        '--root',
        default=None,
        help='where to write the images (a temporary folder if unset)')
    args = parser.parse_args(argv)
    if args.num < 1 or args.repeat < 1 or args.target <= 0:
        parser.error('--num and --repeat must be >= 1, --target > 0')
    return args


def workers_needed(rate: float, target: float) -> int:
    """Loader workers of ``rate`` img/s each that deliver ``target``."""
    return math.ceil(target / rate)


def variant_steps(steps: List[dict], variant: str) -> List[dict]:
    """The pipeline ``steps`` in one of :data:`VARIANTS`."""
    steps = copy.deepcopy(steps)
    if variant == 'fast_decode':
        steps[0]['fast_decode'] = True
    elif variant == 'opencv':
        steps[0]['imdecode_backend'] = 'cv2'
        for step in steps:
            if step['type'] in RESIZES:
                step['backend'] = 'cv2'
    elif variant != 'protocol':
        raise ValueError(f'unknown variant {variant!r}')
    return steps


def format_table(rows: List[dict], target: float) -> str:
    """Markdown table of rows with protocol, split, size, variant and rate
    (img/s per worker)."""
    lines = [
        '| protocol | split | image | variant | img/s per worker | '
        f'workers for {target:g} img/s |', '| --- | --- | --- | --- | ---: | '
        '---: |'
    ]
    for r in rows:
        lines.append(f"| {r['protocol']} | {r['split']} | {r['size']} | "
                     f"{r['variant']} | {r['rate']:.1f} | "
                     f"{workers_needed(r['rate'], target)} |")
    return '\n'.join(lines)


def write_photos(root: str, size: Tuple[int, int], num: int) -> List[str]:
    """``num`` photo-like JPEGs (gradients, edges, noise; quality 90)."""
    from PIL import Image
    w, h = size
    paths = []
    for i in range(num):
        rng = np.random.RandomState(i)
        y, x = np.mgrid[0:h, 0:w].astype(np.float32)
        img = np.stack([
            255 * x / max(w - 1, 1), 255 * y / max(h - 1, 1), 255 *
            ((x // (8 + i) + y // 8) % 2)
        ], -1)
        img += rng.normal(0, 20, img.shape)
        path = osp.join(root, f'{w}x{h}_{i:03d}.jpg')
        Image.fromarray(np.clip(img, 0, 255).astype(np.uint8)).save(
            path, quality=90)
        paths.append(path)
    return paths


def time_pipelines(pipelines: List[List[dict]], paths: List[str],
                   repeat: int) -> List[float]:
    """img/s of each pipeline over ``paths``: the best of ``repeat`` passes,
    the pipelines' passes interleaved so that a change of the machine's
    load hits them alike, timed in this process's CPU time
    (``time.process_time``: what one worker on a core of its own gets,
    whatever else runs on a shared machine)."""
    from mmengine.dataset import Compose
    built = [Compose(steps) for steps in pipelines]

    def one_pass(pipeline):
        start = time.process_time()
        for i, path in enumerate(paths):
            out = pipeline(
                dict(
                    img_path=path,
                    gt_bboxes=np.array([[1, 1, 20, 20]], np.float32),
                    gt_label=0,
                    image_id=osp.basename(path),
                    sample_idx=i))
            assert out is not None and 'inputs' in out
        return time.process_time() - start

    for pipeline in built:  # warm-up: first-call costs are not throughput
        one_pass(pipeline)
    best = [float('inf')] * len(built)
    for _ in range(repeat):
        for k, pipeline in enumerate(built):
            best[k] = min(best[k], one_pass(pipeline))
    return [len(paths) / max(t, 1e-9) for t in best]


def main(argv: Optional[Sequence[str]] = None) -> None:
    args = parse_args(argv)
    import cv2
    import torch
    from mmengine.config import Config
    from mmengine.registry import init_default_scope

    import mmspg  # noqa: F401  registers the transforms
    cv2.setNumThreads(1)
    torch.set_num_threads(1)
    init_default_scope('mmspg')
    root = args.root or tempfile.mkdtemp(prefix='input_pipeline_')
    os.makedirs(root, exist_ok=True)
    rows = []
    try:
        photos = {
            size: write_photos(root, size, args.num)
            for size in args.sizes
        }
        for protocol in args.protocols:
            cfg = Config.fromfile(osp.join(REPO, BASES[protocol]))
            for split in ('train', 'test'):
                steps = cfg[f'{split}_pipeline']
                for size, paths in photos.items():
                    rates = time_pipelines(
                        [variant_steps(steps, v) for v in VARIANTS], paths,
                        args.repeat)
                    for variant, rate in zip(VARIANTS, rates):
                        rows.append(
                            dict(
                                protocol=protocol,
                                split=split,
                                size=f'{size[0]}x{size[1]}',
                                variant=variant,
                                rate=rate))
    finally:
        if args.root is None:
            shutil.rmtree(root, ignore_errors=True)
    print(f'{args.num} JPEGs per size, best of {args.repeat} passes, one '
          'process, one thread (one loader worker), CPU time')
    print(format_table(rows, args.target))


if __name__ == '__main__':
    main()
