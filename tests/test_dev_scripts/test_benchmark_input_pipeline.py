""".dev_scripts/benchmark_input_pipeline.py: the protocol input pipelines,
PIL against OpenCV, per loader worker (docs/benchmarks.md, "Input
pipeline")."""
import importlib.util
import os.path as osp
import re

import pytest

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


@pytest.fixture(scope='module')
def script():
    path = osp.join(REPO, '.dev_scripts', 'benchmark_input_pipeline.py')
    spec = importlib.util.spec_from_file_location('bench_input', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_arguments(script):
    args = script.parse_args([])
    assert args.sizes == [(500, 375), (1600, 1200)]
    assert args.target == 2000 and args.protocols == ['benchmark', 'official']
    args = script.parse_args(['--sizes', '7x5', '40X30', '--num', '3'])
    assert args.sizes == [(7, 5), (40, 30)] and args.num == 3
    for bad in (['--sizes', '500'], ['--sizes',
                                     '0x5'], ['--num',
                                              '0'], ['--protocols', 'ours']):
        with pytest.raises(SystemExit):
            script.parse_args(bad)


def test_workers_and_table(script):
    assert script.workers_needed(500.0, 2000) == 4
    assert script.workers_needed(499.0, 2000) == 5
    table = script.format_table([
        dict(
            protocol='benchmark',
            split='test',
            size='500x375',
            variant='protocol',
            rate=123.45)
    ], 2000)
    assert table.splitlines()[0].endswith('| workers for 2000 img/s |')
    assert table.splitlines()[2] == ('| benchmark | test | 500x375 | '
                                     'protocol | 123.5 | 17 |')


def test_variants(script):
    steps = [
        dict(type='LoadImageFromFileWSOL', imdecode_backend='pillow'),
        dict(type='Resize', scale=(224, 224), backend='pillow'),
        dict(type='PackInputs')
    ]
    assert script.variant_steps(steps, 'protocol') == steps
    fast = script.variant_steps(steps, 'fast_decode')
    assert fast[0]['fast_decode'] is True and fast[1] == steps[1]
    opencv = script.variant_steps(steps, 'opencv')
    assert opencv[0]['imdecode_backend'] == 'cv2'
    assert opencv[1]['backend'] == 'cv2'
    assert steps[1]['backend'] == 'pillow'  # the input is not changed
    with pytest.raises(ValueError, match='variant'):
        script.variant_steps(steps, 'turbo')


def test_runs_every_pipeline(dev_script):
    out = dev_script('benchmark_input_pipeline', '--sizes', '40x30', '--num',
                     '2', '--repeat', '1', '--target', '100')
    assert out.returncode == 0, out.stdout[-2000:]
    rows = re.findall(
        r'^\| (benchmark|official) \| (train|test) \| 40x30 '
        r'\| (\w+) \| ([\d.]+) \| (\d+) \|$', out.stdout, re.M)
    assert len(rows) == 2 * 2 * 3
    assert {r[2] for r in rows} == {'protocol', 'fast_decode', 'opencv'}
    assert 'NOT the protocol' in out.stdout  # fast_decode's warning
