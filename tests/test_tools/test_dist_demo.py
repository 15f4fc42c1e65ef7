"""The demo config trained and tested by 2 processes (tools/dist_train.sh,
tools/dist_test.sh; gloo on a machine without CUDA) gives the same WSOL
metrics as a 1-process tools/test.py of the same checkpoint.

The data set is a small synthetic CUB with an odd number of test images, so
the 2-rank sampler pads one image that must not be counted twice.
"""
import json
import sys

import pytest

DEMO = 'configs/demo/spg_demo.py'
NUM_CLASSES = 5  # 5 x 3 = 15 test images: odd, so rank 1 gets a padded one


def _demo_options(data_root):
    gen = [
        f'{split}_dataloader.dataset.{key}'
        for split in ('train', 'val', 'test')
        for key in ('data_root', 'generate_cfg.num_classes',
                    'generate_cfg.train_per_class',
                    'generate_cfg.test_per_class')
    ]
    values = [str(data_root), str(NUM_CLASSES), '4', '3']
    opts = [f'{k}={values[i % 4]}' for i, k in enumerate(gen)]
    opts += [
        f'{split}_dataloader.dataset.generate=True'
        for split in ('train', 'val', 'test')
    ]
    return opts + [
        f'model.head.num_classes={NUM_CLASSES}',
        f'model.data_preprocessor.num_classes={NUM_CLASSES}',
        'train_cfg.max_epochs=1',
        'train_cfg.val_interval=1',
        'train_dataloader.batch_size=4',
        # Batch 1 at test time: per-image outputs then do not depend on how
        # the images are split into batches across ranks.
        'test_dataloader.batch_size=1',
        'val_dataloader.batch_size=1',
        'train_dataloader.num_workers=0',
        'val_dataloader.num_workers=0',
        'test_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        'val_dataloader.persistent_workers=False',
        'test_dataloader.persistent_workers=False',
        'default_hooks.checkpoint.save_best=None',
    ]


def _wsol_metrics(path):
    with open(path) as f:
        metrics = json.load(f)
    wsol = {k: v for k, v in metrics.items() if k.startswith('wsol/')}
    assert 'wsol/maxboxacc_v2' in wsol and 'wsol/top1_loc' in wsol, metrics
    return wsol


@pytest.mark.dist
def test_demo_dist_train_and_test_match_single_process(tools, tmp_path):
    opts = _demo_options(tmp_path / 'spg_demo_data')
    work_dir = tmp_path / 'dist_train'
    train = tools.run_tool([
        'bash', 'tools/dist_train.sh', DEMO, '2', '--work-dir',
        str(work_dir), '--cfg-options', *opts
    ],
                           PORT=tools.free_port())
    assert train.returncode == 0, train.stdout[-3000:]
    assert 'Distributed training: True' in train.stdout
    # 20 training images, 4 per process and iteration: 3 iterations
    assert 'Epoch(train) [1][3/3]' in train.stdout
    assert 'wsol/maxboxacc_v2' in train.stdout
    ckpt = work_dir / 'epoch_1.pth'
    assert ckpt.is_file()

    single_json = tmp_path / 'single.json'
    single = tools.run_tool([
        sys.executable, 'tools/test.py', DEMO,
        str(ckpt), '--work-dir',
        str(tmp_path / 'single'), '--out',
        str(single_json), '--out-item', 'metrics', '--cfg-options', *opts
    ])
    assert single.returncode == 0, single.stdout[-3000:]
    assert 'WSOL results on 15 images' in single.stdout
    single_wsol = _wsol_metrics(single_json)

    dist_json = tmp_path / 'dist.json'
    dist = tools.run_tool([
        'bash', 'tools/dist_test.sh', DEMO,
        str(ckpt), '2', '--work-dir',
        str(tmp_path / 'dist_test'), '--out',
        str(dist_json), '--out-item', 'metrics', '--cfg-options', *opts
    ],
                          PORT=tools.free_port())
    assert dist.returncode == 0, dist.stdout[-3000:]
    # 15 images on 2 ranks: 8 iterations each, the padded image dropped
    assert 'Epoch(test) [8/8]' in dist.stdout
    assert 'WSOL results on 15 images' in dist.stdout

    assert _wsol_metrics(dist_json) == _wsol_metrics(single_json)

    # The 2-process validation during training scored the checkpoint it
    # saved: SyncBuffersHook (configs/_base_/default_runtime.py) averages
    # the ranks' BatchNorm statistics before it, as rank 0 saves them.
    with open(work_dir / 'last_validation.json') as f:
        record = json.load(f)
    assert record['epoch'] == 1
    val = {k: v for k, v in record['metrics'].items() if k in single_wsol}
    assert val == single_wsol
