import json
import sys

import pytest
import torch
from mmengine.config import Config


def _merged(tools, monkeypatch, *argv, cfg=None):
    monkeypatch.setenv('LOCAL_RANK', '0')
    monkeypatch.setattr(sys, 'argv',
                        ['test.py', tools.toy.TOY_CONFIG, 'ckpt.pth', *argv])
    test = tools.load_tool('test')
    args = test.parse_args()
    if cfg is None:
        cfg = Config.fromfile(args.config)
    return test.merge_args(cfg, args)


@pytest.mark.parametrize(
    'evaluator',
    [
        dict(type='WSOLMetric'),
        [dict(type='Accuracy'), dict(type='PxAPMetric')],
        dict(type='Evaluator', metrics=[dict(type='mmspg.WSOLMetric')]),
        dict(type='WSOLEvaluator'),  # deprecated, one release
    ])
def test_dump_scoremaps_adds_a_dump_metric(tools, monkeypatch, evaluator):
    cfg = Config.fromfile(tools.toy.TOY_CONFIG)
    cfg.test_evaluator = evaluator
    before = json.dumps(evaluator, sort_keys=True)
    cfg = _merged(tools, monkeypatch, '--dump-scoremaps', 'out/maps', cfg=cfg)
    metrics = cfg.test_evaluator
    if isinstance(metrics, dict):
        metrics = metrics.get('metrics', [metrics])
    dumps = [m for m in metrics if m['type'].endswith('DumpWSOLScoreMaps')]
    assert [d['out_dir'] for d in dumps] == ['out/maps']
    # the metrics that were there are kept as they were
    kept = [m for m in metrics if m not in dumps]
    original = json.loads(before)
    if isinstance(original, dict):
        original = original.get('metrics', [original])
    assert json.loads(json.dumps(kept, sort_keys=True)) == original


def test_dump_scoremaps_needs_a_wsol_metric(tools, monkeypatch):
    with pytest.raises(SystemExit, match='WSOLMetric or PxAPMetric'):
        _merged(tools, monkeypatch, '--dump-scoremaps', 'out')


def test_checkpoint_and_show_dir(tools, monkeypatch):
    cfg = Config.fromfile(tools.toy.TOY_CONFIG)
    cfg.default_hooks.visualization = dict(
        type='WSOLVisualizationHook', enable=False)
    cfg = _merged(tools, monkeypatch, '--show-dir', 'vis', cfg=cfg)
    assert cfg.load_from == 'ckpt.pth'
    vis = cfg.default_hooks.visualization
    assert vis.enable is True and vis.out_dir == 'vis'
    # the toy config has no visualization hook: a clear error
    with pytest.raises(SystemExit, match='visualization hook'):
        _merged(tools, monkeypatch, '--show-dir', 'vis')


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    """A 1-epoch toy checkpoint (in-process, mmengine's Runner)."""
    import mmspg_toy_data as toy
    root = toy.make_toy_data(tmp_path_factory.mktemp('data'))
    cfg = toy.load_toy_cfg(root)
    work_dir = tmp_path_factory.mktemp('trained')
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        toy.build_runner(cfg, work_dir, **{'train_cfg.max_epochs': 1}).train()
    finally:
        torch.set_num_threads(before)
    return root, work_dir / 'epoch_1.pth'


def test_mismatched_checkpoint_fails_early(tools, trained, tmp_path):
    root, ckpt_path = trained
    ckpt = torch.load(ckpt_path)
    sd = ckpt['state_dict']
    sd['neck.unused.weight'] = torch.ones(2)
    sd.pop('head.layers.1.fc.bias')
    sd['backbone.conv1.weight'] = torch.zeros(8, 3, 5, 5)
    bad = tmp_path / 'bad.pth'
    torch.save(ckpt, bad)
    proc = tools.run_tool([
        sys.executable, 'tools/test.py', tools.toy.TOY_CONFIG,
        str(bad), '--work-dir',
        str(tmp_path / 'wd'), '--cfg-options', *tools.toy.toy_cfg_options(root)
    ])
    assert proc.returncode != 0
    out = proc.stdout
    assert 'CheckpointMismatchError' in out
    assert str(bad) in out
    assert 'neck.unused.weight' in out
    assert 'head.layers.1.fc.bias' in out
    assert 'backbone.conv1.weight [8, 3, 5, 5] vs [8, 3, 7, 7]' in out
    assert 'Epoch(test)' not in out  # stopped before evaluating


def test_out_metrics(tools, trained, tmp_path):
    root, ckpt_path = trained
    out = tmp_path / 'metrics.json'
    proc = tools.run_tool([
        sys.executable, 'tools/test.py', tools.toy.TOY_CONFIG,
        str(ckpt_path), '--work-dir',
        str(tmp_path / 'wd'), '--out',
        str(out), '--out-item', 'metrics', '--cfg-options',
        *tools.toy.toy_cfg_options(root)
    ])
    assert proc.returncode == 0, proc.stdout[-3000:]
    metrics = json.loads(out.read_text())
    assert 0 <= metrics['accuracy/top1'] <= 100
