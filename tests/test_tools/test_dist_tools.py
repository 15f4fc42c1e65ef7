"""2-process runs of tools/dist_train.sh and tools/dist_test.sh (torchrun;
gloo on a machine without CUDA). Select with ``pytest -m dist``."""
import pickle
import re
import sys

import pytest
import torch


def _top1(output, expect_iters):
    # "Epoch(test) [2/2]    accuracy/top1: 100.0000" -- the iteration count
    # tells how many processes shared the 12 test images (batch 4)
    match = re.search(
        rf'Epoch\(test\) \[{expect_iters}/{expect_iters}\]\s+'
        r'accuracy/top1: ([\d.]+)', output)
    assert match, output[-3000:]
    return float(match.group(1))


def _predictions(path):
    with open(path, 'rb') as f:
        return {r['sample_idx']: r for r in pickle.load(f)}


@pytest.mark.dist
def test_dist_train_and_test_on_cpu(tools, toy_root, tmp_path):
    opts = ['--cfg-options', *tools.toy.toy_cfg_options(toy_root)]
    work_dir = tmp_path / 'dist_train'
    proc = tools.run_tool([
        'bash', 'tools/dist_train.sh', tools.toy.TOY_CONFIG, '2', '--work-dir',
        str(work_dir), *opts
    ],
                          PORT=tools.free_port())
    out = proc.stdout
    assert proc.returncode == 0, out[-3000:]
    if not torch.cuda.is_available():
        assert "dist_cfg: {'backend': 'gloo'}" in out
    assert 'Distributed training: True' in out
    assert 'world size 2, batch 4 per process, 8 in total, lr 0.05' in out
    # 16 training images, batch 4 per process: 2 iterations per epoch
    assert 'Epoch(train) [3][2/2]' in out
    ckpt = work_dir / 'epoch_3.pth'
    assert ckpt.is_file()

    single_out = tmp_path / 'single.pkl'
    single = tools.run_tool([
        sys.executable, 'tools/test.py', tools.toy.TOY_CONFIG,
        str(ckpt), '--work-dir',
        str(tmp_path / 'single'), '--out',
        str(single_out), *opts
    ])
    assert single.returncode == 0, single.stdout[-3000:]

    dist_out = tmp_path / 'dist.pkl'
    dist = tools.run_tool([
        'bash', 'tools/dist_test.sh', tools.toy.TOY_CONFIG,
        str(ckpt), '2', '--work-dir',
        str(tmp_path / 'dist_test'), '--out',
        str(dist_out), *opts
    ],
                          PORT=tools.free_port())
    assert dist.returncode == 0, dist.stdout[-3000:]

    assert _top1(dist.stdout, 2) == _top1(single.stdout, 3)
    one, two = _predictions(single_out), _predictions(dist_out)
    assert sorted(one) == sorted(two) == list(range(12))
    for idx in one:
        assert torch.equal(one[idx]['pred_label'], two[idx]['pred_label'])
        # batches differ (4 vs 2x3 images): float noise only
        torch.testing.assert_close(
            one[idx]['pred_score'], two[idx]['pred_score'], rtol=0, atol=1e-5)
