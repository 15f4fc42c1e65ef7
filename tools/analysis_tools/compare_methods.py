"""Train and test several configs over several seeds; one table, one plot.

Every (config, seed) run goes through the project's own tools, as a user
would run them::

    python tools/train.py CONFIG --work-dir RUN/train \\
        --cfg-options randomness.seed=SEED [OPTIONS]
    python tools/test.py CONFIG CHECKPOINT --work-dir RUN/test \\
        --out RUN/metrics.json --out-item metrics \\
        --dump-scoremaps RUN/scoremaps --cfg-options randomness.seed=SEED ...

(``--test-only`` skips the training and tests the checkpoint a run
already has, e.g. after a change of the evaluation) and ends with
``RUN/result.json`` (its test metrics and, for box data, the
localization-vs-threshold curves re-computed from the dumped score maps by
the core behind ``tools/eval_scoremaps.py``). ``RUN`` is
``WORK_DIR/<name>/seed_<SEED>``; a run whose ``result.json`` exists is not
run again (``--force`` re-runs it), so an interrupted comparison resumes,
and ``--collect-only`` tabulates whatever has finished. Runs go seed by
seed (every config with the first seed, then the second...), so a
comparison stopped early still covers every config.

The table gives, per config, the mean +- sample standard deviation (ddof 1)
over its finished seeds ("(n=1)" instead of a spread for a single run) of
Top-1 Cls, Top-1 Loc, GT-known Loc, MaxBoxAcc, MaxBoxAccV2 and PxAP, each
column where at least one run has the metric (``wsol/<key>``), then the
mean wall minutes of training and the highest load average seen at a run's
start or end (``result.json`` keeps ``train_seconds``, ``test_seconds`` and
``load_average`` of each run). The tested checkpoint is the last one by
default (the WSOL benchmark's ``--eval_checkpoint_type last``,
clovaai/wsolevaluation config.py line 183); ``--checkpoint best`` takes
the ``best_*.pth`` the config's ``save_best`` kept. The plot draws, per
config, the mean GT-known Loc (box accuracy at IoU 0.5 of the largest
contour) against the score-map threshold, with a band of +- one standard
deviation over seeds.

``--rescore SPEC ...`` tests each run's checkpoint again with a test-time
plug-in of tools/test.py, one SPEC each: ``minmax``, ``max``, ``pas``,
``ivr`` (score-map normalisations, ``--loc-normalize``; ``pas:0.8`` or
``ivr:0.45`` give ``--norm-percentile``) or ``bagcams:LAYER``
(``--bagcams LAYER``). Each lands in ``RUN/rescore/<SPEC>/result.json``,
beside the run's own ``result.json`` (which it leaves alone), and makes a
row ``<name> @ <SPEC>``; the output then ends with a table per headline
metric (MaxBoxAccV2 and GT-known Loc, or PxAP on mask data) of every config
under every SPEC, each SPEC cell with its mean change against the run's own
test over the same seeds (same checkpoints, so free of the seed spread). A
run without a checkpoint is trained first.

Example (the ablation table of docs/benchmarks.md)::

    python tools/analysis_tools/compare_methods.py \\
        configs/demo/spg_demo.py configs/demo/spg-plain_demo.py \\
        --seeds 0 1 2 --work-dir work_dirs/compare_demo \\
        --out work_dirs/compare_demo/table.md \\
        --plot work_dirs/compare_demo/curves.png
"""
import argparse
import glob
import json
import os
import os.path as osp
import subprocess
import sys
import time
from typing import Dict, List, Optional, Sequence

import numpy as np

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

# (metric key without the 'wsol/' prefix, column title)
COLUMNS = (
    ('top1_cls', 'Top-1 Cls'),
    ('top1_loc', 'Top-1 Loc'),
    ('gt_known_loc', 'GT-known Loc'),
    ('maxboxacc', 'MaxBoxAcc'),
    ('maxboxacc_v2', 'MaxBoxAccV2'),
    ('pxap', 'PxAP'),
)
CURVE_KEY = 'maxboxacc'  # the IoU-0.5 largest-contour curve: GT-known Loc


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Train and test configs over seeds; print one table '
        '(mean +- std) and plot the localization-vs-threshold curves')
    parser.add_argument('configs', nargs='+', help='config files')
    parser.add_argument(
        '--names',
        nargs='+',
        help='one name per config (default: the '
        'config file name without .py)')
    parser.add_argument(
        '--seeds',
        nargs='+',
        type=int,
        default=[0, 1, 2],
        help='randomness.seed of each run (default: 0 1 2)')
    parser.add_argument(
        '--work-dir',
        required=True,
        help='root of the runs: WORK_DIR/<name>/seed_<seed>/')
    parser.add_argument(
        '--checkpoint',
        choices=['last', 'best'],
        default='last',
        help="checkpoint to test: 'last' (default, the WSOL benchmark's "
        "choice) or the 'best' one kept by save_best")
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        default=[],
        metavar='KEY=VALUE',
        help='passed to both tools/train.py and tools/test.py of every run')
    parser.add_argument(
        '--no-curves',
        action='store_true',
        help='neither dump score maps nor compute the threshold curves')
    parser.add_argument(
        '--force',
        action='store_true',
        help='re-run runs that already have a result.json')
    parser.add_argument(
        '--collect-only',
        action='store_true',
        help='run nothing; tabulate the runs that have finished')
    parser.add_argument(
        '--test-only',
        action='store_true',
        help='do not train: test again the checkpoint each run already has '
        'in RUN/train (after a change of the evaluation or of the '
        'test-time maps); re-runs runs that have a result.json, keeping '
        'their training time')
    parser.add_argument(
        '--out',
        help='write the table (Markdown) here; a '
        'JSON of the same numbers goes beside it')
    parser.add_argument('--plot', help='PNG of the threshold curves')
    parser.add_argument(
        '--rescore',
        nargs='+',
        default=[],
        metavar='SPEC',
        help='also test every checkpoint with each test-time plug-in: '
        'minmax | max | pas[:PERCENTILE] | ivr[:PERCENTILE] | '
        'bagcams:LAYER (tools/test.py --loc-normalize/--norm-percentile/'
        '--bagcams); results in RUN/rescore/SPEC/')
    args = parser.parse_args(argv)
    if args.names is not None and len(args.names) != len(args.configs):
        parser.error(f'--names: got {len(args.names)} names for '
                     f'{len(args.configs)} configs')
    names = args.names or [
        osp.splitext(osp.basename(c))[0] for c in args.configs
    ]
    if len(set(names)) != len(names):
        parser.error(f'two configs have the same name {names}; give '
                     '--names')
    if args.test_only and args.collect_only:
        parser.error('--test-only and --collect-only exclude each other')
    if len(set(args.seeds)) != len(args.seeds):
        parser.error(f'--seeds repeats a seed: {args.seeds}')
    args.names = names
    for spec in args.rescore:
        try:
            rescore_args(spec)
        except ValueError as err:
            parser.error(str(err))
    if len(set(args.rescore)) != len(args.rescore):
        parser.error(f'--rescore repeats a SPEC: {args.rescore}')
    return args


def rescore_args(spec: str) -> List[str]:
    """tools/test.py arguments of one ``--rescore`` SPEC, checked by the
    normalisers' own builder (``build_scoremap_norm``), so that a bad SPEC
    stops the comparison before any training.

    >>> rescore_args('ivr:0.45')
    ['--loc-normalize', 'ivr', '--norm-percentile', '0.45']
    >>> rescore_args('bagcams:backbone.layer3')
    ['--bagcams', 'backbone.layer3']
    """
    from mmspg.evaluation.functional.scoremap_norm import (SCOREMAP_NORMS,
                                                           build_scoremap_norm)
    kind, sep, value = spec.partition(':')
    if kind == 'bagcams':
        if not value:
            raise ValueError(f'--rescore {spec!r}: bagcams needs its layer, '
                             'e.g. bagcams:backbone.layer3')
        return ['--bagcams', value]
    if kind not in SCOREMAP_NORMS:
        raise ValueError(
            f'--rescore {spec!r}: expected one of '
            f'{", ".join(SCOREMAP_NORMS)}, pas:PERCENTILE, ivr:PERCENTILE '
            'or bagcams:LAYER')
    if not sep:
        return ['--loc-normalize', kind]
    if kind not in ('pas', 'ivr'):
        raise ValueError(f'--rescore {spec!r}: only pas and ivr take a '
                         'percentile')
    try:
        percentile = float(value)
    except ValueError:
        raise ValueError(f'--rescore {spec!r}: the percentile {value!r} is '
                         'not a number') from None
    try:
        build_scoremap_norm(dict(type=kind, percentile=percentile))
    except ValueError as err:
        raise ValueError(f'--rescore {spec!r}: {err}') from None
    return ['--loc-normalize', kind, '--norm-percentile', value]


def run_dir(work_dir: str, name: str, seed: int) -> str:
    return osp.join(work_dir, name, f'seed_{seed}')


def _run(cmd: List[str], log_path: str) -> None:
    """Run a tool, its output appended to ``log_path``; raise on failure
    naming the command and the log."""
    os.makedirs(osp.dirname(log_path), exist_ok=True)
    with open(log_path, 'a') as log:
        log.write('$ ' + ' '.join(cmd) + '\n')
        log.flush()
        proc = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT)
    if proc.returncode != 0:
        with open(log_path) as f:
            tail = f.read()[-2000:]
        raise RuntimeError(
            f'compare_methods: `{" ".join(cmd)}` failed with exit code '
            f'{proc.returncode}; full log in {log_path}. Its end:\n{tail}')


def find_checkpoint(train_dir: str, which: str) -> str:
    """The checkpoint of a finished training run.

    Args:
        train_dir (str): ``--work-dir`` of tools/train.py.
        which (str): ``'last'`` (the path in ``last_checkpoint``, else the
            newest ``epoch_*.pth`` / ``iter_*.pth``) or ``'best'``
            (the single ``best_*.pth``).
    """
    if which == 'best':
        found = sorted(glob.glob(osp.join(train_dir, 'best_*.pth')))
        if len(found) != 1:
            raise FileNotFoundError(
                f'compare_methods: expected one best_*.pth in {train_dir}, '
                f'found {found}; does the config set save_best?')
        return found[0]
    pointer = osp.join(train_dir, 'last_checkpoint')
    if osp.isfile(pointer):
        with open(pointer) as f:
            path = f.read().strip()
        if osp.isfile(path):
            return path
    found = glob.glob(osp.join(train_dir, 'epoch_*.pth')) + glob.glob(
        osp.join(train_dir, 'iter_*.pth'))
    if not found:
        raise FileNotFoundError(
            f'compare_methods: no checkpoint in {train_dir}')
    return max(
        found,
        key=lambda p: int(''.join(c for c in osp.basename(p)
                                  if c.isdigit()) or 0))


def curves_from_dump(dump_dir: str) -> Optional[Dict]:
    """Box-accuracy curves of the score maps dumped by tools/test.py, or
    None where the dump holds no boxes (mask data sets)."""
    from mmspg.evaluation.functional.wsol_layout import \
        evaluate_scoremap_folder
    metadata = osp.join(dump_dir, 'metadata')
    if not osp.isfile(osp.join(metadata, 'localization.txt')):
        return None
    result = evaluate_scoremap_folder(
        metadata, osp.join(dump_dir, 'scoremaps'), with_curves=True)
    curves = result.get('curves', {})
    if 'cam_threshold' not in curves or CURVE_KEY not in curves:
        return None
    return dict(
        cam_threshold=curves['cam_threshold'], gt_known_loc=curves[CURVE_KEY])


def run_one(config: str, name: str, seed: int, args) -> Dict:
    """Train, test and (optionally) compute curves of one run; write and
    return its ``result.json`` content."""
    rdir = run_dir(args.work_dir, name, seed)
    log = osp.join(rdir, 'compare.log')
    opts = [f'randomness.seed={seed}', *args.cfg_options]
    train_dir = osp.join(rdir, 'train')
    # Wall time and load average are recorded so that a table made on a
    # shared machine says how quiet each run was (docs/benchmarks.md).
    load_before = os.getloadavg()[0]
    if args.test_only:
        # The training of the earlier run is what is tested, so its time
        # and load stay the run's.
        previous = load_result(args.work_dir, name, seed) or {}
        timing = {
            k: previous[k]
            for k in ('train_seconds', 'load_average') if k in previous
        }
    else:
        timing = {}
        t0 = time.perf_counter()
        _run([
            sys.executable,
            osp.join(REPO, 'tools', 'train.py'), config, '--work-dir',
            train_dir, '--cfg-options', *opts
        ], log)
        timing['train_seconds'] = round(time.perf_counter() - t0, 1)
    ckpt = find_checkpoint(train_dir, args.checkpoint)
    metrics, test_seconds, curves = test_checkpoint(
        config, ckpt, rdir, opts, log, with_curves=not args.no_curves)
    if not args.test_only:
        timing['load_average'] = dict(
            start=round(load_before, 2), end=round(os.getloadavg()[0], 2))
    result = dict(
        config=config,
        name=name,
        seed=seed,
        checkpoint=ckpt,
        metrics=metrics,
        test_seconds=round(test_seconds, 1),
        curves=curves,
        **timing)
    with open(osp.join(rdir, 'result.json'), 'w') as f:
        json.dump(result, f)
    return result


def test_checkpoint(config: str,
                    ckpt: str,
                    out_dir: str,
                    opts: List[str],
                    log: str,
                    with_curves: bool,
                    test_args: Sequence[str] = ()) -> tuple:
    """Run tools/test.py on ``ckpt`` (outputs under ``out_dir``); its
    metrics, wall seconds and curves (None without ``with_curves``)."""
    metrics_file = osp.join(out_dir, 'metrics.json')
    dump_dir = osp.join(out_dir, 'scoremaps')
    test_cmd = [
        sys.executable,
        osp.join(REPO, 'tools', 'test.py'), config, ckpt, '--work-dir',
        osp.join(out_dir, 'test'), '--out', metrics_file, '--out-item',
        'metrics', *test_args
    ]
    if with_curves:
        test_cmd += ['--dump-scoremaps', dump_dir]
    t0 = time.perf_counter()
    _run(test_cmd + ['--cfg-options', *opts], log)
    test_seconds = time.perf_counter() - t0
    with open(metrics_file) as f:
        metrics = json.load(f)
    return (metrics, test_seconds,
            curves_from_dump(dump_dir) if with_curves else None)


def rescore_dir(work_dir: str, name: str, seed: int, spec: str) -> str:
    # ':' is kept out of paths (Windows, and PATH-like variables)
    return osp.join(
        run_dir(work_dir, name, seed), 'rescore', spec.replace(':', '_'))


def rescore_one(config: str, name: str, seed: int, spec: str, checkpoint: str,
                args) -> Dict:
    """Test a run's checkpoint with the test-time plug-in ``spec``; write
    and return ``RUN/rescore/<SPEC>/result.json``."""
    out_dir = rescore_dir(args.work_dir, name, seed, spec)
    opts = [f'randomness.seed={seed}', *args.cfg_options]
    metrics, test_seconds, _ = test_checkpoint(
        config,
        checkpoint,
        out_dir,
        opts,
        osp.join(out_dir, 'compare.log'),
        with_curves=False,
        test_args=rescore_args(spec))
    result = dict(
        config=config,
        name=name,
        seed=seed,
        rescore=spec,
        checkpoint=checkpoint,
        metrics=metrics,
        test_seconds=round(test_seconds, 1))
    with open(osp.join(out_dir, 'result.json'), 'w') as f:
        json.dump(result, f)
    return result


def _load_json(path: str) -> Optional[Dict]:
    if not osp.isfile(path):
        return None
    with open(path) as f:
        return json.load(f)


def load_rescore(work_dir: str, name: str, seed: int,
                 spec: str) -> Optional[Dict]:
    return _load_json(
        osp.join(rescore_dir(work_dir, name, seed, spec), 'result.json'))


def load_result(work_dir: str, name: str, seed: int) -> Optional[Dict]:
    return _load_json(osp.join(run_dir(work_dir, name, seed), 'result.json'))


def mean_std(values: Sequence[float]) -> tuple:
    """Mean and sample standard deviation (ddof 1; None for one value,
    whose spread is unknown)."""
    values = np.asarray(values, dtype=np.float64)
    std = float(values.std(ddof=1)) if len(values) > 1 else None
    return float(values.mean()), std


def aggregate(results: Dict[str, List[Dict]]) -> Dict[str, Dict]:
    """Per config name: seeds, and per metric the per-run values, mean and
    std (keys of ``COLUMNS``, read from ``wsol/<key>``)."""
    table = {}
    for name, runs in results.items():
        row = dict(seeds=[r['seed'] for r in runs], metrics={})
        for key, _ in COLUMNS:
            values = [
                r['metrics'][f'wsol/{key}'] for r in runs
                if f'wsol/{key}' in r['metrics']
            ]
            if values:
                mean, std = mean_std(values)
                row['metrics'][key] = dict(
                    values=values,
                    seeds=[
                        r['seed'] for r in runs
                        if f'wsol/{key}' in r['metrics']
                    ],
                    mean=mean,
                    std=std,
                    n=len(values))
        timed = [r for r in runs if 'train_seconds' in r]
        if timed:
            row['train_seconds'] = [r['train_seconds'] for r in timed]
            row['max_load'] = max(
                max(r['load_average'].values()) for r in timed)
        table[name] = row
    return table


def format_table(table: Dict[str, Dict]) -> str:
    """Markdown table of :func:`aggregate`'s output."""
    keys = [(k, t) for k, t in COLUMNS
            if any(k in row['metrics'] for row in table.values())]
    timed = any('train_seconds' in row for row in table.values())
    titles = [t
              for _, t in keys] + (['Train min', 'Max load'] if timed else [])
    lines = [
        '| config | seeds | ' + ' | '.join(titles) + ' |',
        '| --- | --- | ' + ' | '.join('---' for _ in titles) + ' |'
    ]
    for name, row in table.items():
        cells = [format_cell(row['metrics'].get(key)) for key, _ in keys]
        if timed and 'train_seconds' in row:
            # wall minutes of tools/train.py per run (mean over seeds), and
            # the highest 1-min load average seen at a run's start or end:
            # on 2 cores a run alone shows about 1.5 (docs/benchmarks.md)
            cells += [
                f'{np.mean(row["train_seconds"]) / 60:.1f}',
                f'{row["max_load"]:.1f}'
            ]
        elif timed:
            cells += ['-', '-']
        seeds = ','.join(str(s) for s in row['seeds']) or 'none'
        lines.append(f'| {name} | {seeds} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def _paired_change(base: Dict, other: Dict) -> Optional[float]:
    """Mean over the seeds both have of ``other - base`` (one metric of
    :func:`aggregate`), or None without a common seed: the change a
    plug-in makes on the same checkpoints, free of the seed spread."""
    a = dict(zip(base['seeds'], base['values']))
    b = dict(zip(other['seeds'], other['values']))
    common = [seed for seed in b if seed in a]
    if not common:
        return None
    return float(np.mean([b[seed] - a[seed] for seed in common]))


def format_cell(m: Optional[Dict], change: Optional[float] = None) -> str:
    """One table cell of a metric of :func:`aggregate`: ``mean +- std``,
    ``mean (n=1)`` for one run, ``-`` without the metric; a ``change``
    (a plug-in's, :func:`_paired_change`) is added in the brackets."""
    if m is None:
        return '-'
    cell = f'{m["mean"]:.2f}'
    notes = []
    if m['std'] is None:
        notes.append('n=1')
    else:
        cell += f' +- {m["std"]:.2f}'
    if change is not None:
        notes.append(f'{change:+.2f}')
    return cell + (f' ({"; ".join(notes)})' if notes else '')


def format_headline(table: Dict[str, Dict], names: Sequence[str],
                    specs: Sequence[str], key: str) -> str:
    """Markdown table of one metric (a key of ``COLUMNS``): a row per
    config, a column for its own test and one per ``--rescore`` SPEC (the
    rows of ``table`` named ``<name> @ <SPEC>``), each SPEC cell with the
    mean change against its own test over the same seeds in brackets.
    Empty when no row has the metric."""
    if not any(key in row['metrics'] for row in table.values()):
        return ''
    lines = [
        f'| {dict(COLUMNS)[key]} | ' + ' | '.join(['as trained', *specs]) +
        ' |',
        '| --- | ' + ' | '.join('---' for _ in range(len(specs) + 1)) + ' |'
    ]
    for name in names:
        base = table.get(name, {}).get('metrics', {}).get(key)
        cells = [format_cell(base)]
        for spec in specs:
            m = table.get(f'{name} @ {spec}', {}).get('metrics', {}).get(key)
            change = None if (m is None or base is None) else \
                _paired_change(base, m)
            cells.append(format_cell(m, change))
        lines.append(f'| {name} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def plot_curves(results: Dict[str, List[Dict]], path: str) -> bool:
    """Mean GT-known Loc vs threshold per config (+- 1 std band); False if
    no run has curves."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 4.5))
    drawn = False
    for name, runs in results.items():
        curves = [r['curves'] for r in runs if r.get('curves')]
        if not curves:
            continue
        t = np.asarray(curves[0]['cam_threshold'])
        acc = np.stack([np.asarray(c['gt_known_loc']) for c in curves])
        mean = acc.mean(0)
        line, = ax.plot(
            t,
            mean,
            label=f'{name} (n={len(curves)}, max '
            f'{mean.max():.1f})')
        if len(curves) > 1:
            std = acc.std(0, ddof=1)
            ax.fill_between(
                t, mean - std, mean + std, alpha=0.2, color=line.get_color())
        drawn = True
    if drawn:
        ax.set_xlabel('score-map threshold')
        ax.set_ylabel('GT-known Loc (%), IoU 0.5')
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
        fig.tight_layout()
        os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
        fig.savefig(path, dpi=100)
    plt.close(fig)
    return drawn


def main(argv=None) -> Dict[str, Dict]:
    args = parse_args(argv)
    for config in args.configs:
        if not osp.isfile(config):
            raise SystemExit(f'compare_methods: config {config} not found')
    results: Dict[str, List[Dict]] = {n: [] for n in args.names}
    rescored: Dict[str, List[Dict]] = {
        f'{n} @ {s}': []
        for n in args.names
        for s in args.rescore
    }
    for seed in args.seeds:
        for config, name in zip(args.configs, args.names):
            result = None if (args.force or args.test_only) else \
                load_result(args.work_dir, name, seed)
            if result is None and not args.collect_only:
                print(f'compare_methods: {name} seed {seed} ...', flush=True)
                result = run_one(config, name, seed, args)
            if result is not None:
                results[name].append(result)
            for spec in args.rescore:
                again = None if (args.force or args.test_only) else \
                    load_rescore(args.work_dir, name, seed, spec)
                if again is None and result is not None and \
                        not args.collect_only:
                    print(
                        f'compare_methods: {name} seed {seed} @ {spec} ...',
                        flush=True)
                    again = rescore_one(config, name, seed, spec,
                                        result['checkpoint'], args)
                if again is not None:
                    rescored[f'{name} @ {spec}'].append(again)
    results.update(rescored)
    table = aggregate(results)
    text = format_table(table)
    if args.rescore:
        # the headline metric of each data kind (boxes: MaxBoxAccV2 and
        # GT-known Loc; masks: PxAP), one table each
        for key in ('maxboxacc_v2', 'gt_known_loc', 'pxap'):
            headline = format_headline(table, args.names, args.rescore, key)
            if headline:
                text += '\n\n' + headline
    print(text)
    if args.out:
        os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
        with open(args.out, 'w') as f:
            f.write(text + '\n')
        with open(osp.splitext(args.out)[0] + '.json', 'w') as f:
            json.dump(table, f, indent=1)
    if args.plot and not plot_curves(results, args.plot):
        print('compare_methods: no run has curves; no plot written')
    return table


if __name__ == '__main__':
    main()
