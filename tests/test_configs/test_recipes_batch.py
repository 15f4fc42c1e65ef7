"""Every recipe says the total batch its learning rate is tuned for
(``auto_scale_lr.base_batch_size``), and that is the batch its name and
dataloader give: ``{gpus}xb{batch}`` in the name (mmpretrain's naming), one
process for the demo configs. tools/train.py warns when a launch trains at
another total batch (``mmspg.utils.batch_size_warning``)."""
import glob
import os.path as osp
import re

import pytest
from configs_testutils import recipe_of_short_name
from mmengine.config import Config

from mmspg.utils import batch_size_warning

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = sorted(
    osp.relpath(p, REPO)
    for p in glob.glob(osp.join(REPO, 'configs', '*', '*.py'))
    if '_base_' not in p)


def test_recipes_are_found():
    assert len(CONFIGS) > 50
    assert any('_2xb10_' in p for p in CONFIGS)


@pytest.mark.parametrize('path', CONFIGS)
def test_auto_scale_lr_is_the_recipe_total_batch(path):
    cfg = Config.fromfile(osp.join(REPO, path))
    batch = cfg.train_dataloader.batch_size
    # a short name carries the batch of the recipe it names
    name = recipe_of_short_name(osp.join(REPO, path)) or osp.basename(path)
    match = re.search(r'_(\d+)xb(\d+)_', name)
    if match:
        gpus, per_gpu = map(int, match.groups())
        assert batch == per_gpu, path
    else:
        assert path.startswith(osp.join('configs', 'demo')), path
        gpus = 1  # the demos train in one process
    assert cfg.auto_scale_lr.base_batch_size == gpus * batch, path
    assert not cfg.auto_scale_lr.get('enable', False), path
    lr = cfg.optim_wrapper.optimizer.lr
    summary = dict(
        world_size=gpus,
        batch_per_process=batch,
        total_batch=gpus * batch,
        lr=lr,
        base_batch_size=cfg.auto_scale_lr.base_batch_size,
        auto_scale_lr=False)
    # launched as named: no warning; on 8 GPUs: the warning
    assert batch_size_warning(summary) is None
    summary.update(world_size=8, total_batch=8 * batch)
    assert '--auto-scale-lr' in batch_size_warning(summary)
