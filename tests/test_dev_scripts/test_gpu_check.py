""".dev_scripts/gpu_check.py: what a CPU can check (arguments, the table,
the configs it times, the loader row, the refusal without CUDA)."""
import importlib.util
import os.path as osp

import pytest
import torch

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


@pytest.fixture(scope='module')
def gpu_check():
    spec = importlib.util.spec_from_file_location(
        'gpu_check', osp.join(REPO, '.dev_scripts', 'gpu_check.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_arguments(gpu_check):
    args = gpu_check.parse_args([])
    assert args.out == osp.join('work_dirs', 'gpu_check.md')
    assert args.precisions == ('fp32', 'fp16', 'bf16')
    assert args.skip == [] and args.iters >= 1
    args = gpu_check.parse_args(
        ['--precisions', 'bf16', '--skip', 'ddp', 'loader', '--iters', '2'])
    assert args.precisions == ['bf16'] and args.skip == ['ddp', 'loader']
    for bad in (['--iters', '0'], ['--skip',
                                   'everything'], ['--precisions', 'fp8']):
        with pytest.raises(SystemExit):
            gpu_check.parse_args(bad)


def test_table(gpu_check, tmp_path):
    rows = [['train step', 'SPG (a|b)', 'batch 32, 224 px, fp16', '1.0 img/s'],
            ['DDP', 'toy', '2 GPU(s)', 'FAILED: x\ny']]
    path = tmp_path / 'sub' / 'table.md'
    text = gpu_check.write_table(rows, str(path), preamble='GPU check\n\n')
    assert path.read_text() == text
    lines = text.splitlines()
    assert lines[0] == 'GPU check'
    assert lines[2] == '| check | model / config | setting | result |'
    assert lines[3] == '| --- | --- | --- | --- |'
    assert lines[4] == ('| train step | SPG (a\\|b) | batch 32, 224 px, '
                        'fp16 | 1.0 img/s |')
    assert lines[5] == '| DDP | toy | 2 GPU(s) | FAILED: x y |'
    assert all(
        line.count(' | ') == 3 for line in lines[2:] if '\\|' not in line)


def test_models_exist_and_pair_spg_with_cam(gpu_check):
    names = [m[0] for m in gpu_check.MODELS]
    assert names == [
        'SPG benchmark', 'CAM benchmark', 'SPG official',
        'CAM official (SPG-plain)'
    ]
    for _, config, _ in gpu_check.MODELS:
        assert osp.isfile(osp.join(REPO, config)), config


def test_loader_row_on_the_cpu(gpu_check, tmp_path):
    row = gpu_check.loader_row(1, str(tmp_path))
    assert row[0] == 'loader' and row[3].endswith('img/s'), row
    assert float(row[3].split()[0]) > 0


@pytest.mark.skipif(torch.cuda.is_available(), reason='needs a CPU machine')
def test_refuses_without_cuda(gpu_check):
    with pytest.raises(SystemExit, match='CUDA is not available'):
        gpu_check.main([])
