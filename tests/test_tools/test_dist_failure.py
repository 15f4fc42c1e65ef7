"""A rank that fails ends a 2-process run (tools/dist_train.sh and
tools/dist_test.sh; gloo on a machine without CUDA) at once: non-zero exit,
its traceback in the output, no process left behind.

Before mmspg.utils.abort_run, the failing rank waited in the barrier of its
``finally`` while the other waited in the gradient all-reduce: the job did
not end in 300 s and the error was never printed.
"""
import os
import re
import subprocess
import time

import pytest
import torch

FAIL_RE = re.compile(r'RaiseOnRankHook: simulated failure on rank 1 after '
                     r'\d+ (train|test) iterations at t=([\d.]+)')
HOOK_DIR = os.path.join('tests', 'data', 'toy_configs')


def _failing_config(tools, tmp_path, **hook):
    cfg = tmp_path / 'fail_cfg.py'
    cfg.write_text(
        f'_base_ = [{tools.toy.TOY_CONFIG!r}]\n'
        "custom_imports = dict(imports=['mmspg', 'failing_hook'], "
        'allow_failed_imports=False)\n'
        f'custom_hooks = [dict(type="RaiseOnRankHook", **{hook!r})]\n'
        'train_cfg = dict(max_epochs=50)\n')
    return str(cfg)


def _run_and_check(tools, args, mode):
    env = dict(
        PORT=tools.free_port(),
        PYTHONPATH=os.pathsep.join([
            tools.repo,
            os.path.join(tools.repo, HOOK_DIR),
            os.environ.get('PYTHONPATH', '')
        ]))
    proc = tools.run_tool(args, timeout=240, **env)
    ended = time.time()
    out = proc.stdout
    assert proc.returncode != 0, out[-3000:]
    match = FAIL_RE.search(out)
    # the failing rank's own traceback is in the output
    assert match and match.group(1) == mode, out[-3000:]
    assert 'Traceback (most recent call last)' in out
    assert ended - float(match.group(2)) < 30, out[-3000:]
    # no process of this run is left (the work dir is unique to it)
    left = subprocess.run(['pgrep', '-f', args[-1]],
                          stdout=subprocess.PIPE,
                          text=True).stdout.split()
    assert not left, left
    return out


@pytest.mark.dist
def test_failing_rank_ends_dist_train(tools, toy_root, tmp_path):
    cfg = _failing_config(tools, tmp_path, rank=1, after_iter=3)
    _run_and_check(tools, [
        'bash', 'tools/dist_train.sh', cfg, '2', '--cfg-options',
        *tools.toy.toy_cfg_options(toy_root),
        f'work_dir={tmp_path / "train_wd"}'
    ], 'train')


@pytest.mark.dist
def test_failing_rank_ends_dist_test(tools, toy_root, tmp_path):
    from mmengine.config import Config

    from mmspg.registry import MODELS
    cfg = _failing_config(tools, tmp_path, rank=1, after_iter=1)
    model = MODELS.build(Config.fromfile(tools.toy.TOY_CONFIG).model)
    ckpt = tmp_path / 'toy.pth'
    torch.save(dict(state_dict=model.state_dict(), meta=dict()), ckpt)
    _run_and_check(tools, [
        'bash', 'tools/dist_test.sh', cfg,
        str(ckpt), '2', '--cfg-options', *tools.toy.toy_cfg_options(toy_root),
        f'work_dir={tmp_path / "test_wd"}'
    ], 'test')


@pytest.mark.skipif(torch.cuda.is_available(), reason='needs a CPU machine')
def test_dist_train_without_cuda_is_refused(tools, tmp_path):
    proc = tools.run_tool([
        'bash', 'tools/dist_train.sh', tools.toy.TOY_CONFIG, '1', '--work-dir',
        str(tmp_path / 'wd')
    ],
                          timeout=120,
                          PORT=tools.free_port(),
                          MMSPG_ALLOW_CPU='')
    assert proc.returncode != 0
    assert 'CUDA is not usable here' in proc.stdout, proc.stdout[-3000:]
    assert 'MMSPG_ALLOW_CPU=1' in proc.stdout
    assert 'Epoch(train)' not in proc.stdout  # before any work
