"""Generate the synthetic CUB-layout demo data set.

Example:
    python tools/misc/generate_demo_data.py data/synthetic_cub --seed 0

The folder gets the official CUB-200-2011 layout (images/, images.txt,
image_class_labels.txt, train_test_split.txt, bounding_boxes.txt,
classes.txt), the WSOL benchmark metadata under metadata/{train,test}/ and
synthetic_cub.json with the arguments. ``SyntheticCUBDataset`` makes the same
data on first use; this tool makes it ahead of time and prints statistics.
"""
import argparse
import os.path as osp
import shutil
import sys
import time

import numpy as np
from PIL import Image

from mmspg.datasets.demo import (DEFAULT_CFG, SYNTHETIC_META_FILE,
                                 ensure_synthetic_cub)


def parse_args():
    parser = argparse.ArgumentParser(
        description='Generate the synthetic CUB-layout WSOL demo data.')
    parser.add_argument(
        'out_dir',
        nargs='?',
        default='data/synthetic_cub',
        help='output folder (default: data/synthetic_cub)')
    parser.add_argument('--seed', type=int, default=DEFAULT_CFG['seed'])
    parser.add_argument(
        '--num-classes', type=int, default=DEFAULT_CFG['num_classes'])
    parser.add_argument(
        '--train-per-class', type=int, default=DEFAULT_CFG['train_per_class'])
    parser.add_argument(
        '--test-per-class', type=int, default=DEFAULT_CFG['test_per_class'])
    parser.add_argument(
        '--force',
        action='store_true',
        help='delete and regenerate an existing synthetic data folder '
        f'(only a folder holding {SYNTHETIC_META_FILE} is deleted)')
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    cfg = dict(
        seed=args.seed,
        num_classes=args.num_classes,
        train_per_class=args.train_per_class,
        test_per_class=args.test_per_class)
    if args.force and osp.isdir(args.out_dir):
        if not osp.isfile(osp.join(args.out_dir, SYNTHETIC_META_FILE)):
            print(
                f'{args.out_dir} holds no {SYNTHETIC_META_FILE}; not '
                f'deleting it.',
                file=sys.stderr)
            return 1
        shutil.rmtree(args.out_dir)
    start = time.perf_counter()
    if not ensure_synthetic_cub(args.out_dir, **cfg):
        print(f'{args.out_dir} already holds this data set; use --force to '
              f'regenerate it.')
        return 0
    elapsed = time.perf_counter() - start
    # ensure_synthetic_cub generates into a temp folder and may find
    # another process's result, so the statistics are read from the files.
    _print_stats(args.out_dir, elapsed)
    return 0


def _print_stats(root: str, elapsed: float) -> None:
    sizes, fracs, total = [], [], 0
    with open(osp.join(root, 'images.txt')) as f:
        paths = dict(line.split() for line in f if line.strip())
    with open(osp.join(root, 'bounding_boxes.txt')) as f:
        for line in f:
            i, x, y, w, h = line.split()
            path = osp.join(root, 'images', paths[i])
            with Image.open(path) as img:
                iw, ih = img.size
            sizes.append((iw, ih))
            fracs.append(float(w) * float(h) / (iw * ih))
            total += osp.getsize(path)
    sizes, fracs = np.array(sizes), np.array(fracs)
    print(f'Wrote {len(sizes)} images ({total / 1e6:.1f} MB) to {root} in '
          f'{elapsed:.1f} s.')
    print(f'Image sides: width {sizes[:, 0].min()}-{sizes[:, 0].max()}, '
          f'height {sizes[:, 1].min()}-{sizes[:, 1].max()} px.')
    print(
        'Box area / image area: min {:.3f}, median {:.3f}, max {:.3f}.'.format(
            fracs.min(), np.median(fracs), fracs.max()))


if __name__ == '__main__':
    sys.exit(main())
