"""Measure the start-up time of a command-line tool (default:
``tools/eval_scoremaps.py --help``) and which heavy packages it imports.

Example::

    python .dev_scripts/benchmark_startup.py --runs 5

Prints the median and min wall time of ``--runs`` fresh interpreter
starts, and whether torch / mmengine / mmpretrain / mmcv end up imported
when the tool's own imports have run.
"""
import argparse
import os.path as osp
import statistics
import subprocess
import sys
import time

HEAVY = ('torch', 'mmengine', 'mmpretrain', 'mmcv')
ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--tool', default=osp.join(ROOT, 'tools', 'eval_scoremaps.py'))
    parser.add_argument('--runs', type=int, default=5)
    return parser.parse_args(argv)


def heavy_imports(tool: str) -> list:
    """Heavy packages in ``sys.modules`` after importing ``tool`` as a
    module (its ``main`` is not run)."""
    code = ('import importlib.util, sys\n'
            f'spec = importlib.util.spec_from_file_location("t", {tool!r})\n'
            'm = importlib.util.module_from_spec(spec)\n'
            'spec.loader.exec_module(m)\n'
            f'print(",".join(p for p in {HEAVY!r} if p in sys.modules))')
    out = subprocess.run([sys.executable, '-c', code],
                         check=True,
                         capture_output=True,
                         text=True).stdout.strip()
    return [p for p in out.split(',') if p]


def main(argv=None):
    args = parse_args(argv)
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, args.tool, '--help'],
                       check=True,
                       stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    print(f'{osp.relpath(args.tool, ROOT)} --help: median '
          f'{statistics.median(times):.2f} s, min {min(times):.2f} s '
          f'over {args.runs} runs')
    print('heavy packages imported: '
          f'{", ".join(heavy_imports(args.tool)) or "none"}')


if __name__ == '__main__':
    main()
