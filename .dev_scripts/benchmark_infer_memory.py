"""Peak memory of ``tools/infer.py`` on one very large image.

Runs ``tools/infer.py`` in a child process on a generated W x H JPEG and
reports the child's peak resident set size (``resource.getrusage(
RUSAGE_CHILDREN).ru_maxrss``), next to the peak of a child that only imports
what infer.py imports (the fixed cost). Each measurement is a fresh child, so
the figures do not depend on each other.

Example (the figures of docs/benchmarks.md)::

    python .dev_scripts/benchmark_infer_memory.py \\
        --config configs/demo/spg_demo.py --size 6000 4000

Extra arguments after ``--`` go to tools/infer.py (e.g. ``-- --show-seeds
--save-maps`` or ``-- --max-overlay-side 0`` for the unbounded overlay).

``--stages`` instead runs the steps of infer.py in this process and prints
the peak of Python/numpy allocations (``tracemalloc``) of each step: where
the memory goes.
"""
import argparse
import os
import os.path as osp
import subprocess
import sys
import tempfile

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def peak_rss_mib(cmd):
    """Run ``cmd`` in a fresh child process; its peak RSS in MiB."""
    code = ('import resource, subprocess, sys; '
            'rc = subprocess.run(sys.argv[1:]).returncode; '
            'print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); '
            'sys.exit(rc)')
    out = subprocess.run(
        [sys.executable, '-c', code] + cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        check=True)
    return int(out.stdout.strip().splitlines()[-1]) / 1024  # KiB on Linux


def stages(args, image_path):
    """tracemalloc peak of each step of infer.py on one image."""
    import tracemalloc

    import mmcv

    from mmspg.apis import WSOLInferencer, init_localizer
    from mmspg.apis.geometry import fit_for_drawing
    checkpoint = None if args.checkpoint == 'none' else args.checkpoint
    inferencer = WSOLInferencer(
        init_localizer(args.config, checkpoint, device='cpu'),
        pretrained=False)
    tracemalloc.start()

    def report(name):
        current, peak = tracemalloc.get_traced_memory()
        print(f'{name:44s} peak {peak / 2**20:7.0f} MiB, '
              f'held after {current / 2**20:6.0f} MiB')
        tracemalloc.reset_peak()

    image = mmcv.imread(image_path)
    report('decode the image')
    result = next(inferencer.iter_results([image], topk=1))
    report('network + top-1 map at the original size')
    inferencer.draw(image, result)
    report('overlay at the original size (old default)')
    small, drawn, _ = fit_for_drawing(image, result, None, 2048)
    inferencer.draw(small, drawn)
    report('overlay at --max-overlay-side 2048')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--config', default='configs/demo/spg_demo.py')
    parser.add_argument('--checkpoint', default='none')
    parser.add_argument(
        '--size', type=int, nargs=2, default=[6000, 4000], metavar=('W', 'H'))
    parser.add_argument(
        '--stages',
        action='store_true',
        help='per-step tracemalloc peaks, in process')
    parser.add_argument('extra', nargs='*', help='arguments of infer.py')
    args = parser.parse_args()

    import cv2
    import numpy as np
    with tempfile.TemporaryDirectory() as tmp:
        w, h = args.size
        rng = np.random.default_rng(0)
        small = rng.integers(
            0, 256, (max(1, h // 8), max(1, w // 8), 3), dtype=np.uint8)
        image = osp.join(tmp, 'big.jpg')
        cv2.imwrite(image, cv2.resize(small, (w, h)))
        if args.stages:
            return stages(args, image)
        imports = peak_rss_mib([
            sys.executable, '-c',
            'import cv2, mmcv, numpy, torch, mmengine, mmspg.apis'
        ])
        infer = peak_rss_mib([
            sys.executable,
            osp.join(ROOT, 'tools', 'infer.py'), args.config, args.checkpoint,
            image, '--out-dir',
            osp.join(tmp, 'out'), '--device', 'cpu'
        ] + args.extra)
    print(f'image {w} x {h}; infer.py {" ".join(args.extra)}')
    print(f'peak RSS, imports only: {imports:.0f} MiB')
    print(f'peak RSS, infer.py:     {infer:.0f} MiB '
          f'(+{infer - imports:.0f} MiB for the image)')


if __name__ == '__main__':
    os.environ.setdefault('PYTHONPATH', ROOT)
    main()
