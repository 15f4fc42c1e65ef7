"""Faults of whole runs through the tools: a held work dir, a diverged
run, a signal to the distributed launcher."""
import glob
import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from mmspg.utils import CLAIM_NAME

DEMO = 'configs/demo/spg_demo.py'


def _tiny_demo(data_root, num_classes=3, head_classes=None):
    """Options for a few-second demo run on generated data."""
    opts = []
    for split in ('train', 'val', 'test'):
        opts += [
            f'{split}_dataloader.dataset.data_root={data_root}',
            f'{split}_dataloader.dataset.generate=True',
            f'{split}_dataloader.dataset.generate_cfg.num_classes='
            f'{num_classes}',
            f'{split}_dataloader.dataset.generate_cfg.train_per_class=8',
            f'{split}_dataloader.dataset.generate_cfg.test_per_class=1',
            f'{split}_dataloader.num_workers=0',
            f'{split}_dataloader.persistent_workers=False',
        ]
    head = num_classes if head_classes is None else head_classes
    return opts + [
        f'model.data_preprocessor.num_classes={head}',
        f'model.head.num_classes={head}', 'train_cfg.max_epochs=1',
        'train_cfg.val_interval=1', 'train_dataloader.batch_size=4',
        'default_hooks.logger.interval=1'
    ]


def test_second_run_on_a_held_work_dir_refuses(tools, tmp_path):
    work_dir = tmp_path / 'wd'
    work_dir.mkdir()
    # a live holder on this host: the test process
    (work_dir / CLAIM_NAME).write_text(
        json.dumps(
            dict(
                host=socket.gethostname(),
                pid=os.getpid(),
                start='2026-12-07T10:00:00+00:00',
                token='t')))
    proc = tools.run_tool([
        sys.executable, 'tools/train.py', tools.toy.TOY_CONFIG, '--work-dir',
        str(work_dir), '--cfg-options', *tools.toy.toy_cfg_options(tmp_path)
    ],
                          timeout=120)
    assert proc.returncode != 0
    assert 'is in use by a live training run' in proc.stdout
    assert f'PID {os.getpid()}' in proc.stdout
    assert '2026-12-07T10:00:00+00:00' in proc.stdout
    # refused before anything was written (no config dump, no log dir)
    assert os.listdir(work_dir) == [CLAIM_NAME]


def test_diverged_demo_stops_in_the_first_epoch(tools, tmp_path):
    work_dir = tmp_path / 'wd'
    proc = tools.run_tool([
        sys.executable, 'tools/train.py', DEMO, '--work-dir',
        str(work_dir), '--cfg-options', *_tiny_demo(tmp_path / 'data'),
        'optim_wrapper.optimizer.lr=1e6'
    ])
    assert proc.returncode != 0, proc.stdout[-3000:]
    assert 'NonFiniteLossError: Training diverged at epoch 1' in proc.stdout
    assert 'loss_cls=' in proc.stdout  # each term is named
    assert not glob.glob(str(work_dir / '*.pth'))
    assert not (work_dir / CLAIM_NAME).exists()  # released on the error


def _pids_with(marker):
    pids = []
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open(f'/proc/{entry}/cmdline', 'rb') as f:
                cmd = f.read()
        except OSError:
            continue
        if marker.encode() in cmd:
            pids.append(int(entry))
    return pids


@pytest.mark.dist
@pytest.mark.skipif(not os.path.isdir('/proc'), reason='needs /proc')
def test_sigterm_to_dist_train_stops_every_rank(tools, tmp_path):
    work_dir = tmp_path / 'sigterm_wd'
    out = open(tmp_path / 'out.txt', 'w')
    env = dict(
        os.environ,
        OMP_NUM_THREADS='1',
        PYTHON=sys.executable,
        PORT=str(tools.free_port()),
        MMSPG_ALLOW_CPU='1')  # a CPU run of the GPU launcher, on purpose
    data = tools.toy.make_toy_data(tmp_path / 'data')
    proc = subprocess.Popen([
        'bash', 'tools/dist_train.sh', tools.toy.TOY_CONFIG, '2', '--work-dir',
        str(work_dir), '--cfg-options', *tools.toy.toy_cfg_options(data),
        'train_cfg.max_epochs=1000'
    ],
                            cwd=tools.repo,
                            env=env,
                            stdout=out,
                            stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 240
        while time.time() < deadline and proc.poll() is None:
            logs = glob.glob(str(work_dir / '*' / '*.log'))
            if logs and 'Epoch(train)' in open(logs[0]).read():
                break
            time.sleep(0.5)
        assert proc.poll() is None, open(tmp_path / 'out.txt').read()[-3000:]
        assert len(_pids_with(str(work_dir))) >= 3  # torchrun + 2 ranks
        proc.send_signal(signal.SIGTERM)
        stopped = time.time()
        while _pids_with(str(work_dir)) and time.time() - stopped < 10:
            time.sleep(0.2)
        left = _pids_with(str(work_dir))
        assert not left, f'still running 10 s after SIGTERM: {left}'
    finally:
        for pid in _pids_with(str(work_dir)):
            os.kill(pid, signal.SIGKILL)
        proc.wait(timeout=30)
        out.close()
    log = open(glob.glob(str(work_dir / '*' / '*.log'))[0]).read()
    assert log.count('Received SIGTERM: training stops now') == 1
    assert not (work_dir / CLAIM_NAME).exists()
