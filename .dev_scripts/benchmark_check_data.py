"""Rate of the data checks on generated photo-sized JPEGs.

Writes N JPEGs (default 500 x 375, quality 90: about the mean ILSVRC image)
in the WSOL benchmark's metadata layout, then times

* ``tools/misc/check_data.py`` (decode with the config's loading transform,
  size and box checks) with ``--nproc`` processes, and
* the existence check ``DataFilesCheckHook`` runs when training starts
  (``get_data_info`` + ``os.stat`` of every file, one rank),

and extrapolates both to the 1,281,167 + 50,000 images of ILSVRC2012.

    python .dev_scripts/benchmark_check_data.py --num 2000 --nproc 2
"""
import argparse
import os
import os.path as osp
import re
import subprocess
import sys
import tempfile
import time

import cv2
import numpy as np

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
ILSVRC_FILES = 1_281_167 + 50_000


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--num', type=int, default=2000, help='images')
    parser.add_argument('--size', type=int, nargs=2, default=(500, 375))
    parser.add_argument('--nproc', type=int, default=2)
    parser.add_argument('--root', help='folder (default: a temporary one)')
    return parser.parse_args(argv)


def make_layout(root, num, size):
    """Images under <root>/images, metadata under <root>/metadata/test."""
    w, h = size
    rng = np.random.default_rng(0)
    meta = osp.join(root, 'metadata', 'test')
    os.makedirs(meta, exist_ok=True)
    base = cv2.GaussianBlur(
        rng.integers(0, 256, (h, w, 3), dtype=np.uint8), (0, 0), 3)
    lines = dict(ids=[], labels=[], sizes=[], loc=[])
    for i in range(num):
        image_id = f'test/{i % 10:03d}/{i:07d}.jpg'
        path = osp.join(root, 'images', image_id)
        os.makedirs(osp.dirname(path), exist_ok=True)
        img = np.roll(base, i * 7, axis=1)  # photo-like, not all equal
        cv2.imwrite(path, img, [cv2.IMWRITE_JPEG_QUALITY, 90])
        lines['ids'].append(image_id)
        lines['labels'].append(f'{image_id},{i % 10}')
        lines['sizes'].append(f'{image_id},{w},{h}')
        lines['loc'].append(f'{image_id},10,10,{w // 2},{h // 2}')
    for name, key in (('image_ids', 'ids'), ('class_labels', 'labels'),
                      ('image_sizes', 'sizes'), ('localization', 'loc')):
        with open(osp.join(meta, f'{name}.txt'), 'w') as f:
            f.write('\n'.join(lines[key]) + '\n')
    cfg = osp.join(root, 'check_cfg.py')
    with open(cfg, 'w') as f:
        f.write(f'''default_scope = 'mmspg'
custom_imports = dict(imports=['mmspg'], allow_failed_imports=False)
test_dataloader = dict(dataset=dict(
    type='WSOLMetadataDataset', metadata_root={meta!r},
    data_prefix={osp.join(root, 'images')!r},
    pipeline=[dict(type='LoadImageFromFileWSOL', on_error='raise')]))
''')
    return cfg


def time_existence(cfg_path):
    """Seconds of the start-of-run existence check over the dataset."""
    from mmengine.config import Config
    from mmengine.registry import init_default_scope

    import mmspg  # noqa: F401
    from mmspg.registry import DATASETS
    from mmspg.utils.data_check import missing_files, sample_files
    init_default_scope('mmspg')
    dataset = DATASETS.build(Config.fromfile(cfg_path).test_dataloader.dataset)
    start = time.time()
    paths = []
    for i in range(len(dataset)):
        paths += sample_files(dataset.get_data_info(i))
    assert not missing_files(paths)
    return len(paths), time.time() - start


def main(argv=None):
    args = parse_args(argv)
    root = args.root or tempfile.mkdtemp(prefix='check_data_bench_')
    cfg = make_layout(root, args.num, args.size)
    proc = subprocess.run([
        sys.executable,
        osp.join(REPO, 'tools', 'misc', 'check_data.py'), cfg, '--nproc',
        str(args.nproc)
    ],
                          stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT,
                          text=True)
    match = re.search(r'(\d+) files in ([\d.]+) s \((\d+) files/s',
                      proc.stdout)
    assert proc.returncode == 0 and match, proc.stdout[-2000:]
    rate = float(match.group(3))
    n, exist_s = time_existence(cfg)
    exist_rate = n / exist_s
    print(f'images: {args.num} JPEG {args.size[0]}x{args.size[1]} q90 '
          f'({os.cpu_count()} CPUs)')
    print(f'check_data.py --nproc {args.nproc}: {rate:.0f} files/s -> '
          f'ILSVRC2012 ({ILSVRC_FILES} files) {ILSVRC_FILES / rate / 60:.0f}'
          ' min (extrapolated)')
    print(f'existence check (one rank): {exist_rate:.0f} files/s -> '
          f'ILSVRC2012 {ILSVRC_FILES / exist_rate:.0f} s (extrapolated)')
    return rate, exist_rate


if __name__ == '__main__':
    main()
