"""tools/test.py's test-time plug-ins: ``--loc-normalize`` /
``--norm-percentile`` (score-map normalisation) and ``--bagcams LAYER``
re-score a checkpoint without training."""
import copy
import os.path as osp
import sys

import numpy as np
import pytest
import torch
from mmengine.config import Config

DEMO = 'configs/demo/cam_demo.py'
REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _merged(tools, monkeypatch, config, *argv):
    monkeypatch.setenv('LOCAL_RANK', '0')
    monkeypatch.setattr(sys, 'argv', ['test.py', config, 'ckpt.pth', *argv])
    test = tools.load_tool('test')
    args = test.parse_args()
    return test.merge_args(Config.fromfile(args.config), args)


def test_options_set_the_model(tools, monkeypatch):
    demo = osp.join(REPO, DEMO)
    cfg = _merged(tools, monkeypatch, demo, '--loc-normalize', 'ivr',
                  '--norm-percentile', '0.3', '--bagcams', 'backbone.layer3')
    assert cfg.model.loc_normalize == dict(type='ivr', percentile=0.3)
    assert cfg.model.test_localizer == dict(
        type='BagCAMs', layer='backbone.layer3')
    cfg = _merged(tools, monkeypatch, demo, '--loc-normalize', 'max')
    assert cfg.model.loc_normalize == dict(type='max')
    assert 'test_localizer' not in cfg.model
    cfg = _merged(tools, monkeypatch, demo)
    assert 'loc_normalize' not in cfg.model  # the head's own


def test_bad_combinations_are_clear_errors(tools, monkeypatch):
    demo = osp.join(REPO, DEMO)
    with pytest.raises(SystemExit, match='--norm-percentile needs'):
        _merged(tools, monkeypatch, demo, '--norm-percentile', '0.3')
    with pytest.raises(SystemExit, match='--norm-percentile needs'):
        _merged(tools, monkeypatch, demo, '--loc-normalize', 'max',
                '--norm-percentile', '0.3')
    # the toy config is a plain ImageClassifier
    with pytest.raises(SystemExit, match="model.type='WSOLClassifier'"):
        _merged(tools, monkeypatch, tools.toy.TOY_CONFIG, '--bagcams',
                'backbone.layer3')


def _tiny(data_root) -> dict:
    opts = {}
    for split in ('train', 'val', 'test'):
        opts.update({
            f'{split}_dataloader.dataset.data_root':
            str(data_root),
            f'{split}_dataloader.dataset.generate_cfg.num_classes':
            2,
            f'{split}_dataloader.dataset.generate_cfg.train_per_class':
            1,
            f'{split}_dataloader.dataset.generate_cfg.test_per_class':
            2,
            f'{split}_dataloader.num_workers':
            0,
            f'{split}_dataloader.persistent_workers':
            False,
            f'{split}_dataloader.dataset.generate':
            True,
        })
    opts.update({
        'model.data_preprocessor.num_classes': 2,
        'model.head.num_classes': 2
    })
    return opts


@pytest.fixture(scope='module')
def checkpoint(tmp_path_factory):
    """An untrained cam_demo model (the maps need no training)."""
    from mmengine.registry import init_default_scope

    from mmspg.registry import MODELS
    root = tmp_path_factory.mktemp('plugins')
    cfg = Config.fromfile(osp.join(REPO, DEMO))
    cfg.merge_from_dict(_tiny(root / 'data'))
    init_default_scope('mmspg')
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    path = root / 'untrained.pth'
    torch.save(dict(state_dict=model.state_dict(), meta=dict()), path)
    return root, path, cfg, model.eval()


def test_rescore_a_checkpoint(tools, checkpoint):
    """One run with both plug-ins gives the maps of the model built with
    them in-process (whose semantics the model tests check)."""
    import mmengine
    from mmengine.runner import Runner

    from mmspg.registry import MODELS
    root, ckpt, cfg, _ = checkpoint
    out = root / 'preds.pkl'
    words = [f'{k}={v}' for k, v in _tiny(root / 'data').items()]
    proc = tools.run_tool([
        sys.executable, 'tools/test.py', DEMO,
        str(ckpt), '--work-dir',
        str(root / 'wd'), '--out',
        str(out), '--dump-scoremaps',
        str(root / 'maps'), '--loc-normalize', 'ivr', '--norm-percentile',
        '0.3', '--bagcams', 'backbone.layer3', '--cfg-options', *words
    ])
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert 'wsol/maxboxacc' in proc.stdout
    preds = mmengine.load(str(out))
    assert len(preds) == 4

    cfg.model.loc_normalize = dict(type='ivr', percentile=0.3)
    cfg.model.test_localizer = dict(type='BagCAMs', layer='backbone.layer3')
    model = MODELS.build(cfg.model)
    model.load_state_dict(torch.load(ckpt)['state_dict'])
    model.eval()
    plain = checkpoint[3]
    loader = Runner.build_dataloader(cfg.test_dataloader)
    expected, before = [], []
    with torch.no_grad():
        for batch in loader:
            # predict fills the batch's data samples: one copy each
            expected += model.test_step(copy.deepcopy(batch))
            before += plain.test_step(copy.deepcopy(batch))
    assert len(expected) == 4
    from mmspg.evaluation.functional import scoremap_path
    from mmspg.evaluation.metrics.sample_fields import benchmark_scoremap
    for p, e, b in zip(preds, expected, before):
        assert p['img_path'] == e.img_path
        # --out keeps no maps (bounded); --dump-scoremaps writes them
        assert 'gt_loc_map' not in p
        dumped = np.load(
            scoremap_path(str(root / 'maps' / 'scoremaps'), p['image_id']))
        # the dump re-applies the model's IVR after its resize to 224
        np.testing.assert_allclose(
            dumped,
            benchmark_scoremap(e.gt_loc_map.numpy(), e.loc_normalizer),
            atol=1e-5)
        # and they are not the plain CAM maps
        assert float((e.gt_loc_map - b.gt_loc_map).abs().max()) > 0.05
