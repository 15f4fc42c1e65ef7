"""A quiet log (issue 24): the demo's training log repeats no warning, and
shows none of the dependency warnings that mmspg filters or fixes at the
source (``mmspg/dependency_warnings.py``; loader memory pinned only where
an accelerator exists)."""
import collections
import re
import sys

from mmspg.datasets import generate_synthetic_cub
from mmspg.utils import accelerator_available

GENERATE = dict(
    seed=0, train_per_class=2, test_per_class=1, min_side=64, max_side=96)


def _demo_options(root):
    opts = [
        'train_cfg.max_epochs=2', 'train_cfg.val_interval=1',
        'train_dataloader.batch_size=16', 'train_dataloader.num_workers=1',
        'val_dataloader.num_workers=0', 'test_dataloader.num_workers=0',
        'val_dataloader.persistent_workers=False',
        'test_dataloader.persistent_workers=False'
    ]
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        opts.append(f'{loader}.dataset.data_root={root}')
        opts += [
            f'{loader}.dataset.generate_cfg.{k}={v}'
            for k, v in GENERATE.items()
        ]
    return opts


def _warning_lines(log):
    """Each warning line of ``log`` without its timestamp: Python warnings
    (``file:line: XWarning: ...``) and mmengine's ``- WARNING -`` lines."""
    lines = []
    for line in log.splitlines():
        if re.search(r'\w+Warning: ', line) or ' - WARNING - ' in line:
            lines.append(re.sub(r'^\d\d/\d\d \d\d:\d\d:\d\d - ', '', line))
    return lines


def test_warning_lines_parsed():
    log = ('12/07 12:16:01 - mmengine - WARNING - "FileClient" will go\n'
           '/x/dataloader.py:759: UserWarning: pin\n  super().__init__()\n'
           '12/07 12:17:01 - mmengine - INFO - Epoch(train) [1][1/1]\n')
    assert _warning_lines(log) == [
        'mmengine - WARNING - "FileClient" will go',
        '/x/dataloader.py:759: UserWarning: pin'
    ]


def test_demo_log_repeats_no_warning(tools, tmp_path):
    root = tmp_path / 'spg_demo'
    generate_synthetic_cub(str(root), **GENERATE)
    proc = tools.run_tool([
        sys.executable, 'tools/train.py', 'configs/demo/spg_demo.py',
        '--work-dir',
        str(tmp_path / 'work'), '--cfg-options', *_demo_options(root)
    ])
    assert proc.returncode == 0, proc.stdout[-3000:]
    log = proc.stdout
    assert re.search(r'Epoch\(val\) \[2\]', log)  # two epochs, two tests
    warnings = _warning_lines(log)
    repeated = {
        w: n
        for w, n in collections.Counter(warnings).items() if n > 1
    }
    assert not repeated, repeated
    for gone in ('pkg_resources is deprecated', 'MultiScaleDeformableAttn',
                 'MultiScaleDeformableAttention'):
        assert gone not in log, gone
    if not accelerator_available():
        assert "'pin_memory' argument is set as true" not in log
