"""tools/analysis_tools/compare_methods.py: real train+test runs of a tiny
demo config over two seeds; the table's numbers are those of the runs."""
import json
import os.path as osp
import sys

import numpy as np
import pytest

DEMO = 'configs/demo/spg_demo.py'


def _tiny_options(data_root):
    opts = []
    for split in ('train', 'val', 'test'):
        opts += [
            f'{split}_dataloader.dataset.data_root={data_root}',
            f'{split}_dataloader.dataset.generate=True',
            f'{split}_dataloader.dataset.generate_cfg.num_classes=3',
            f'{split}_dataloader.dataset.generate_cfg.train_per_class=4',
            f'{split}_dataloader.dataset.generate_cfg.test_per_class=2',
            f'{split}_dataloader.num_workers=0',
            f'{split}_dataloader.persistent_workers=False',
        ]
    return opts + [
        'model.data_preprocessor.num_classes=3', 'model.head.num_classes=3',
        'train_cfg.max_epochs=1', 'train_cfg.val_interval=1',
        'train_dataloader.batch_size=4'
    ]


def _run_tool(cmd, repo, env, timeout):
    """Run compare_methods; its output, after checking it succeeded."""
    import subprocess
    proc = subprocess.run(
        cmd,
        cwd=repo,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout)
    assert proc.returncode == 0, proc.stdout[-3000:]
    return proc.stdout


@pytest.fixture(scope='module')
def compared(tmp_path_factory):
    """One config, seeds 0 and 1, through the real tools (~35 s)."""
    root = tmp_path_factory.mktemp('compare')
    repo = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
    cmd = [
        sys.executable, 'tools/analysis_tools/compare_methods.py', DEMO,
        '--names', 'spg', '--seeds', '0', '1', '--work-dir',
        str(root / 'runs'), '--out',
        str(root / 'table.md'), '--plot',
        str(root / 'curves.png'), '--cfg-options',
        *_tiny_options(root / 'data')
    ]
    import os
    env = dict(os.environ, OMP_NUM_THREADS='1')
    return root, _run_tool(cmd, repo, env, 600), cmd, repo, env


def test_table_is_the_mean_and_std_of_the_runs(compared):
    root, stdout, *_ = compared
    runs = []
    for seed in (0, 1):
        with open(root / 'runs' / 'spg' / f'seed_{seed}' / 'result.json') as f:
            runs.append(json.load(f))
        # each run tested its own last checkpoint, with its own seed
        assert runs[-1]['seed'] == seed
        assert runs[-1]['checkpoint'].endswith('epoch_1.pth')
        with open(root / 'runs' / 'spg' / f'seed_{seed}' / 'compare.log') as f:
            assert f'randomness.seed={seed}' in f.read()
    with open(root / 'table.json') as f:
        table = json.load(f)
    row = table['spg']
    assert row['seeds'] == [0, 1]
    for key in ('top1_cls', 'gt_known_loc', 'maxboxacc', 'maxboxacc_v2'):
        values = [r['metrics'][f'wsol/{key}'] for r in runs]
        m = row['metrics'][key]
        assert m['values'] == values
        assert m['n'] == 2
        assert m['mean'] == pytest.approx(np.mean(values))
        assert m['std'] == pytest.approx(np.std(values, ddof=1))
        assert f'{m["mean"]:.2f} +- {m["std"]:.2f}' in stdout
    assert 'pxap' not in row['metrics']  # box data: no PxAP column
    # wall time and load of each run, and their columns in the table
    for r in runs:
        assert r['train_seconds'] > 0 and r['test_seconds'] > 0
        assert set(r['load_average']) == {'start', 'end'}
    assert row['train_seconds'] == [r['train_seconds'] for r in runs]
    mean_min = np.mean([r['train_seconds'] for r in runs]) / 60
    with open(root / 'table.md') as f:
        md = f.read()
    assert md.splitlines()[0].startswith('| config | seeds | Top-1 Cls')
    assert md.splitlines()[0].endswith('| Train min | Max load |')
    assert f'| {mean_min:.1f} | {row["max_load"]:.1f} |' in md
    assert 'PxAP' not in md
    # the curve's maximum is the run's MaxBoxAcc (same maps, same core)
    for r in runs:
        curve = r['curves']['gt_known_loc']
        assert len(curve) == len(r['curves']['cam_threshold']) == 1000
        assert max(curve) == pytest.approx(r['metrics']['wsol/maxboxacc'])
    assert (root / 'curves.png').stat().st_size > 0


def test_collect_only_reuses_finished_runs(compared):
    root, _, cmd, repo, env = compared
    # a third seed that never ran is simply absent from the table
    cmd = [c for c in cmd]
    cmd[cmd.index('--seeds') + 1:cmd.index('--seeds') + 3] = ['0', '1', '7']
    out = root / 'again.md'
    cmd[cmd.index('--out') + 1] = str(out)
    stdout = _run_tool(cmd + ['--collect-only'], repo, env, 120)
    assert 'seed 7' not in stdout  # nothing was run
    with open(root / 'table.md') as f, open(out) as g:
        assert f.read() == g.read()


def test_test_only_retests_without_training(compared):
    """--test-only tests the checkpoint a run has (same numbers with the
    same evaluation, keeping the training time), trains nothing, and with a
    changed test setting gives that setting's numbers."""
    import glob
    root, _, cmd, repo, env = compared
    run = root / 'runs' / 'spg' / 'seed_0'
    with open(run / 'result.json') as f:
        before = json.load(f)
    ckpts = {
        p: osp.getmtime(p)
        for p in glob.glob(str(run / 'train' / '*.pth'))
    }
    assert ckpts
    cmd = [c for c in cmd]
    cmd[cmd.index('--seeds') + 1:cmd.index('--seeds') + 3] = ['0']
    cmd[cmd.index('--out') + 1] = str(root / 'retest.md')
    cmd[cmd.index('--plot') + 1] = str(root / 'retest.png')
    stdout = _run_tool(cmd + ['--test-only'], repo, env, 300)
    assert 'spg seed 0' in stdout  # it ran again
    assert {p: osp.getmtime(p) for p in ckpts} == ckpts  # but trained not
    with open(run / 'result.json') as f:
        again = json.load(f)
    assert again['metrics'] == before['metrics']
    assert again['train_seconds'] == before['train_seconds']
    # another test-time map (the official code's resize): other numbers,
    # from the same checkpoint
    stdout = _run_tool(cmd + ['model.head.loc_resize=bilinear', '--test-only'],
                       repo, env, 300)
    with open(run / 'result.json') as f:
        bilinear = json.load(f)
    assert bilinear['checkpoint'] == before['checkpoint']
    assert bilinear['metrics']['wsol/top1_cls'] == \
        before['metrics']['wsol/top1_cls']
    assert bilinear['curves'] != before['curves']
    assert {p: osp.getmtime(p) for p in ckpts} == ckpts


def test_aggregate_and_errors(tools):
    cm = tools.load_tool('analysis_tools/compare_methods')
    results = {
        'a': [
            dict(seed=0, metrics={
                'wsol/top1_cls': 50.0,
                'wsol/pxap': 10.
            }),
            dict(seed=1, metrics={'wsol/top1_cls': 70.0})
        ],
        'b': [dict(seed=0, metrics={'wsol/top1_cls': 60.0})],
    }
    table = cm.aggregate(results)
    assert table['a']['metrics']['top1_cls']['mean'] == 60.0
    assert table['a']['metrics']['top1_cls']['std'] == pytest.approx(
        np.std([50, 70], ddof=1))
    assert table['a']['metrics']['pxap']['n'] == 1
    assert table['b']['metrics']['top1_cls']['std'] is None  # one run
    text = cm.format_table(table)
    assert '| b | 0 | 60.00 (n=1) | - |' in text  # no PxAP for b
    assert '| a | 0,1 | 60.00 +- 14.14 | 10.00 (n=1) |' in text
    assert table['a']['metrics']['top1_cls']['seeds'] == [0, 1]
    assert table['a']['metrics']['pxap']['seeds'] == [0]
    # a plug-in's change is paired by seed: seeds 1 and 2 against 1 and 2
    table = cm.aggregate({
        'a': [
            dict(seed=s, metrics={'wsol/maxboxacc_v2': v})
            for s, v in ((0, 50.), (1, 60.), (2, 70.))
        ],
        'a @ ivr': [
            dict(seed=s, metrics={'wsol/maxboxacc_v2': v})
            for s, v in ((2, 71.), (1, 63.))
        ],
    })
    text = cm.format_headline(table, ['a'], ['ivr', 'pas'], 'maxboxacc_v2')
    assert text.splitlines() == [
        '| MaxBoxAccV2 | as trained | ivr | pas |',
        '| --- | --- | --- | --- |',
        '| a | 60.00 +- 10.00 | 67.00 +- 5.66 (+2.00) | - |'
    ]
    assert cm.format_headline(table, ['a'], ['ivr'], 'pxap') == ''
    with pytest.raises(SystemExit):
        cm.parse_args([DEMO, DEMO, '--work-dir', 'w'])  # same names
    with pytest.raises(SystemExit):
        cm.parse_args([DEMO, '--names', 'a', 'b', '--work-dir', 'w'])


def test_rescore_tests_each_checkpoint_with_a_plug_in(compared):
    """--rescore tests a run's checkpoint again with each test-time plug-in
    (tools/test.py --loc-normalize / --bagcams), beside the run's own
    result, which it leaves alone; the headline table reads the rescores."""
    import glob
    root, _, cmd, repo, env = compared
    run = root / 'runs' / 'spg' / 'seed_0'
    own = run / 'result.json'
    with open(own) as f:
        before = json.load(f)
    stamp = osp.getmtime(own)
    cmd = [c for c in cmd]
    cmd[cmd.index('--seeds') + 1:cmd.index('--seeds') + 3] = ['0']
    cmd[cmd.index('--out') + 1] = str(root / 'rescored.md')
    cmd[cmd.index('--plot') + 1] = str(root / 'rescored.png')
    rescore = ['--rescore', 'ivr:0.3', 'bagcams:backbone.layer3']
    # --rescore must come before --cfg-options (which takes the rest)
    at = cmd.index('--cfg-options')
    stdout = _run_tool(cmd[:at] + rescore + cmd[at:], repo, env, 300)
    assert 'spg seed 0 ...' not in stdout  # the run itself is not redone
    assert osp.getmtime(own) == stamp
    specs = {
        'ivr:0.3': 'ivr_0.3',
        'bagcams:backbone.layer3': 'bagcams_backbone.layer3'
    }
    again = {}
    for spec, folder in specs.items():
        with open(run / 'rescore' / folder / 'result.json') as f:
            again[spec] = json.load(f)
        assert again[spec]['rescore'] == spec
        assert again[spec]['checkpoint'] == before['checkpoint']
        # the same classifier: only the maps change
        assert again[spec]['metrics']['wsol/top1_cls'] == \
            before['metrics']['wsol/top1_cls']
    # the plug-in reached the tested model (the config tools/test.py ran)
    dumped = {
        spec:
        ''.join(
            open(p).read() for p in glob.glob(
                str(run / 'rescore' / folder / 'test' / '**' / '*.py'),
                recursive=True))
        for spec, folder in specs.items()
    }
    assert "type='ivr'" in dumped['ivr:0.3']
    assert 'percentile=0.3' in dumped['ivr:0.3']
    assert "type='BagCAMs'" in dumped['bagcams:backbone.layer3']
    assert "layer='backbone.layer3'" in dumped['bagcams:backbone.layer3']
    # one row per plug-in, and the headline table of MaxBoxAccV2
    with open(root / 'rescored.json') as f:
        table = json.load(f)
    lines = open(root / 'rescored.md').read().splitlines()
    head = lines.index('| MaxBoxAccV2 | as trained | ivr:0.3 | '
                       'bagcams:backbone.layer3 |')
    v0 = before['metrics']['wsol/maxboxacc_v2']
    cells = [f'{v0:.2f} (n=1)'] + [
        f'{v:.2f} (n=1; {v - v0:+.2f})' for v in
        (again['ivr:0.3']['metrics']['wsol/maxboxacc_v2'],
         again['bagcams:backbone.layer3']['metrics']['wsol/maxboxacc_v2'])
    ]
    assert lines[head + 2] == '| spg | ' + ' | '.join(cells) + ' |'
    assert '| GT-known Loc | as trained | ivr:0.3 | ' \
        'bagcams:backbone.layer3 |' in lines
    assert table['spg @ ivr:0.3']['seeds'] == [0]
    # a second call finds the rescores and runs nothing
    stdout = _run_tool(cmd[:at] + rescore + cmd[at:], repo, env, 120)
    assert '@ ivr:0.3 ...' not in stdout
    assert '@ bagcams:backbone.layer3 ...' not in stdout


@pytest.mark.parametrize('spec,args', [
    ('minmax', ['--loc-normalize', 'minmax']),
    ('max', ['--loc-normalize', 'max']),
    ('pas', ['--loc-normalize', 'pas']),
    ('pas:0.8', ['--loc-normalize', 'pas', '--norm-percentile', '0.8']),
    ('ivr', ['--loc-normalize', 'ivr']),
    ('bagcams:head.convs.1', ['--bagcams', 'head.convs.1']),
])
def test_rescore_spec_to_test_arguments(tools, spec, args):
    cm = tools.load_tool('analysis_tools/compare_methods')
    assert cm.rescore_args(spec) == args


@pytest.mark.parametrize('spec,words', [
    ('cam', 'expected one of minmax, max, pas, ivr'),
    ('bagcams', 'bagcams needs its layer'),
    ('max:0.5', 'only pas and ivr take a percentile'),
    ('ivr:high', "percentile 'high' is not a number"),
    ('ivr:45', 'percentile must be a number in [0, 1)'),
    ('pas:1', 'percentile must be a number in [0, 1)'),
])
def test_rescore_spec_errors_name_the_spec(tools, capsys, spec, words):
    cm = tools.load_tool('analysis_tools/compare_methods')
    with pytest.raises(SystemExit):
        cm.parse_args([DEMO, '--work-dir', 'w', '--rescore', spec])
    err = capsys.readouterr().err
    assert f'--rescore {spec!r}' in err and words in err
    with pytest.raises(SystemExit):
        cm.parse_args([DEMO, '--work-dir', 'w', '--rescore', 'ivr', 'ivr'])
