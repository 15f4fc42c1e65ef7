"""The project's entry commands, ``python tools/train.py
configs/spg/spg_inception_cub.py`` and its ImageNet twin: short names that
load the recommended full-name recipe (the official-code protocol) and say
which in their first line; the CUB one trains through tools/train.py on
generated CUB-layout data."""
import os
import os.path as osp
import re
import subprocess
import sys

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

from mmspg.datasets import generate_synthetic_cub
from mmspg.registry import MODELS

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SHORT = {
    'configs/spg/spg_inception_cub.py':
    ('configs/spg/spg_inception-v3_2xb10_cub-321px.py', 'CUBWSOLDataset', 200),
    'configs/spg/spg_inception_imagenet.py':
    ('configs/spg/spg_inception-v3_2xb10_in1k-321px.py', 'ImageNetWSOLDataset',
     1000),
}


@pytest.mark.parametrize('short', sorted(SHORT))
def test_short_name_is_the_recipe_it_names(short):
    recipe, dataset, num_classes = SHORT[short]
    with open(osp.join(REPO, short)) as f:
        first = f.readline()
    # the first line names the recipe, and that is what it loads
    assert re.match(r'# = (\S+) ', first).group(1) == osp.basename(recipe)
    a = Config.fromfile(osp.join(REPO, short))
    b = Config.fromfile(osp.join(REPO, recipe))
    for key in ('model', 'train_dataloader', 'test_dataloader',
                'test_evaluator', 'optim_wrapper', 'param_scheduler',
                'train_cfg', 'auto_scale_lr', 'randomness'):
        assert a.get(key) == b.get(key), key
    assert a.train_dataloader.dataset.type == dataset
    # ... and it is the Inception-v3 SPG: all three SPG parts built
    init_default_scope(a.default_scope)
    a.model.backbone.init_cfg = None  # no download here
    model = MODELS.build(a.model)
    assert type(model.backbone).__name__ == 'SPGInceptionV3'
    assert a.model.backbone.variant == 'spg-official'
    head = model.head
    assert type(head).__name__ == 'SPGHead'
    assert head.with_spg_b and head.with_spg_c
    assert head.num_classes == num_classes


@pytest.fixture(scope='module')
def cub_root(tmp_path_factory):
    root = tmp_path_factory.mktemp('short_cub') / 'CUB_200_2011'
    generate_synthetic_cub(
        str(root),
        seed=1,
        num_classes=2,
        train_per_class=1,
        test_per_class=1,
        min_side=64,
        max_side=96)
    return str(root)


def test_cub_short_name_trains_with_tools_train(cub_root, tmp_path):
    """The README's command with only the data and the size changed: two
    classes, one iteration of batch 2 at the recipe's own 321 px crops."""
    work = tmp_path / 'work'
    opts = [
        f'train_dataloader.dataset.data_root={cub_root}',
        f'test_dataloader.dataset.data_root={cub_root}',
        'train_dataloader.batch_size=2', 'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        'model.head.num_classes=2', 'model.data_preprocessor.num_classes=2',
        'model.backbone.init_cfg=None', 'train_cfg.max_epochs=1',
        'default_hooks.logger.interval=1'
    ]
    env = dict(os.environ, OMP_NUM_THREADS='2')
    proc = subprocess.run([
        sys.executable, 'tools/train.py', 'configs/spg/spg_inception_cub.py',
        '--work-dir',
        str(work), '--cfg-options', *opts
    ],
                          cwd=REPO,
                          env=env,
                          stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT,
                          text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:]
    # one iteration, with every SPG loss logged
    assert re.search(r'Epoch\(train\) \[1\]\[1/1\]', proc.stdout)
    for loss in ('loss_cls', 'loss_b2', 'loss_b1', 'loss_c'):
        assert f'{loss}: ' in proc.stdout, loss
    ckpt = torch.load(
        str(work / 'epoch_1.pth'), map_location='cpu', weights_only=True)
    assert ckpt['meta']['iter'] == 1
    # the run's config is the recipe the short name loads (321 px crops)
    dumped = Config.fromfile(str(work / 'spg_inception_cub.py'))
    crops = [
        t.get('crop_size') for t in dumped.train_dataloader.dataset.pipeline
    ]
    assert 321 in crops
