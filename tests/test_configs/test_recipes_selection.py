"""Honest model selection in every shipped config: no config keeps a "best"
checkpoint (``save_best``) chosen on the split it reports."""
import glob
import os.path as osp

import pytest
from mmengine.config import Config

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = sorted(
    osp.relpath(p, REPO)
    for p in glob.glob(osp.join(REPO, 'configs', '*', '*.py'))
    if '_base_' not in p)
# keys that say which images a data set holds
SPLIT_KEYS = ('split', 'metadata_root', 'ann_file', 'data_prefix', 'data_root')


def _split(loader):
    ds = loader['dataset']
    return {k: ds.get(k) for k in SPLIT_KEYS} | {'type': ds.get('type')}


@pytest.mark.parametrize('path', CONFIGS)
def test_no_selection_on_the_reported_split(path):
    cfg = Config.fromfile(osp.join(REPO, path))
    hooks = cfg.get('default_hooks', {})
    save_best = hooks.get('checkpoint', {}).get('save_best')
    if not save_best:
        return
    assert cfg.get('val_dataloader'), \
        f'{path}: save_best={save_best!r} without a validation split'
    assert _split(cfg.val_dataloader) != _split(cfg.test_dataloader), (
        f'{path}: save_best={save_best!r} selects on the test split')


def test_default_runtime_selects_nothing():
    cfg = Config.fromfile(osp.join(REPO, 'configs/_base_/default_runtime.py'))
    assert 'save_best' not in cfg.default_hooks.checkpoint
