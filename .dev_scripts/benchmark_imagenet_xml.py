"""Time the parse of the ILSVRC2012 validation boxes by
``ImageNetWSOLDataset`` on generated files.

Writes ``--num`` val XML files (one or two objects each, the layout of
ILSVRC2012_bbox_val_v3.tgz) and as many empty ``.JPEG`` files (the parse
lists images but never opens them) under ``--root``, then times
``load_data_list()`` of the val split (folder scan, and with an
``ann_file`` list in mmpretrain's format), best of ``--repeat``.

Example::

    python .dev_scripts/benchmark_imagenet_xml.py --num 50000
"""
import argparse
import os
import os.path as osp
import random
import shutil
import tempfile
import time

WNIDS = [f'n{1440764 + i:08d}' for i in range(1000)]


def write_layout(root: str, num: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    for sub in ('val', 'val_ann', 'train'):
        os.makedirs(osp.join(root, sub), exist_ok=True)
    for wnid in WNIDS:  # class order from the train folders
        os.makedirs(osp.join(root, 'train', wnid), exist_ok=True)
    lines = []
    for i in range(1, num + 1):
        stem = f'ILSVRC2012_val_{i:08d}'
        label = rng.randrange(len(WNIDS))
        w, h = rng.randint(200, 500), rng.randint(200, 500)
        objs = ''
        for _ in range(rng.choice((1, 1, 2))):
            x1, y1 = rng.randint(0, w // 2), rng.randint(0, h // 2)
            x2, y2 = rng.randint(x1 + 1, w), rng.randint(y1 + 1, h)
            objs += (f'<object><name>{WNIDS[label]}</name><pose>Unspecified'
                     '</pose><truncated>0</truncated><difficult>0</difficult>'
                     f'<bndbox><xmin>{x1}</xmin><ymin>{y1}</ymin><xmax>{x2}'
                     f'</xmax><ymax>{y2}</ymax></bndbox></object>')
        with open(osp.join(root, 'val_ann', stem + '.xml'), 'w') as f:
            f.write(f'<annotation><folder>val</folder><filename>{stem}'
                    '</filename><source><database>ILSVRC_2012</database>'
                    f'</source><size><width>{w}</width><height>{h}</height>'
                    f'<depth>3</depth></size><segmented>0</segmented>{objs}'
                    '</annotation>')
        open(osp.join(root, 'val', stem + '.JPEG'), 'wb').close()
        lines.append(f'{stem}.JPEG {label}\n')
    with open(osp.join(root, 'val.txt'), 'w') as f:
        f.writelines(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--num', type=int, default=50000)
    parser.add_argument('--repeat', type=int, default=3)
    parser.add_argument(
        '--root',
        default=None,
        help='where to write (a temporary folder if unset)')
    args = parser.parse_args()

    from mmspg.datasets import ImageNetWSOLDataset
    root = args.root or tempfile.mkdtemp(prefix='imagenet_xml_')
    try:
        start = time.perf_counter()
        write_layout(root, args.num)
        print(f'wrote {args.num} XML + image files in '
              f'{time.perf_counter() - start:.1f} s')
        for name, kwargs in (('folder scan', {}), ('ann_file',
                                                   dict(ann_file='val.txt'))):
            best = float('inf')
            for _ in range(args.repeat):
                ds = ImageNetWSOLDataset(
                    root, split='val', lazy_init=True, **kwargs)
                start = time.perf_counter()
                data = ds.load_data_list()
                best = min(best, time.perf_counter() - start)
            assert len(data) == args.num
            print(f'val parse ({name}): {best:.2f} s for {args.num} images '
                  f'({1e6 * best / args.num:.0f} us/image), best of '
                  f'{args.repeat}')
    finally:
        if args.root is None:
            shutil.rmtree(root)


if __name__ == '__main__':
    main()
