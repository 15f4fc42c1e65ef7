"""Check the data a config names before training on it.

    python tools/misc/check_data.py CONFIG [--splits train val test]
        [--nproc 8] [--report problems.txt] [--cfg-options ...]

For every split the config names (``train_dataloader``, ``val_dataloader``,
``test_dataloader``; a split whose dataset equals another's is checked
once), it builds the dataset (so the annotation files are parsed as in
training) and checks each sample in parallel with a progress bar
(``mmspg.utils.data_check``): the image exists, decodes with the split's own
loading transform, has its annotated size, and its boxes lie inside it; mask
files exist and decode. It prints one summary of every problem (counts per
kind and examples; ``--report`` writes all of them) and exits with 1 when
there is any, 0 otherwise.
"""
import argparse
import json
import os
import sys
import time

from mmengine.config import Config, DictAction
from mmengine.registry import init_default_scope
from mmengine.utils import track_parallel_progress, track_progress

SPLITS = ('train', 'val', 'test')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Check that the data of a config exist, decode, have '
        'their annotated sizes and boxes inside the images.')
    parser.add_argument('config', help='config file')
    parser.add_argument(
        '--splits',
        nargs='+',
        choices=SPLITS,
        default=list(SPLITS),
        help='splits to check (default: every split the config names)')
    parser.add_argument(
        '--nproc',
        type=int,
        default=min(8,
                    os.cpu_count() or 1),
        help='worker processes (default: min(8, CPUs))')
    parser.add_argument(
        '--report', help='write every problem to this text file')
    parser.add_argument(
        '--show',
        type=int,
        default=20,
        help='problems printed per kind (default 20; all go to --report)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, as tools/train.py')
    return parser.parse_args(argv)


def _dataset_cfgs(cfg, splits):
    """{split: dataset config}, a dataset named by several splits once."""
    seen, out = [], {}
    for split in splits:
        loader = cfg.get(f'{split}_dataloader')
        if not loader or not loader.get('dataset'):
            continue
        key = json.dumps(
            loader['dataset'].to_dict(), sort_keys=True, default=str)
        if key in seen:
            continue
        seen.append(key)
        out[split] = loader['dataset']
    return out


def _loader_cfg(dataset_cfg):
    """The split's loading transform: the first step of its pipeline."""
    pipeline = dataset_cfg.get('pipeline') or []
    if pipeline and 'Load' in str(pipeline[0].get('type', '')):
        return pipeline[0]
    return dict(type='LoadImageFromFile')


def collect(cfg, splits):
    """Build each split's dataset; return the tasks, the loader configs and
    the problems of splits whose annotations do not load."""
    from mmspg.registry import DATASETS
    from mmspg.utils.data_check import sample_task
    tasks, loaders, problems = [], {}, []
    for split, ds_cfg in _dataset_cfgs(cfg, splits).items():
        try:
            dataset = DATASETS.build(ds_cfg)
        except Exception as e:  # noqa: BLE001  reported with the others
            problems.append(('annotations', split, f'{type(e).__name__}: {e}'))
            continue
        loaders[split] = _loader_cfg(ds_cfg)
        before = len(tasks)
        tasks += [
            sample_task(dataset.get_data_info(i), split)
            for i in range(len(dataset))
        ]
        print(f'check_data: {split}: {len(tasks) - before} samples '
              f'({type(dataset).__name__})')
    return tasks, loaders, problems


def main(argv=None):
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    import mmspg  # noqa: F401
    from mmspg.utils.data_check import check_task, init_loaders, summarize
    init_default_scope(cfg.get('default_scope', 'mmspg'))
    tasks, loaders, problems = collect(cfg, args.splits)
    start = time.time()
    if tasks and args.nproc > 1:
        results = track_parallel_progress(
            check_task,
            tasks,
            args.nproc,
            initializer=init_loaders,
            initargs=(loaders, ),
            chunksize=32)
    elif tasks:
        init_loaders(loaders)
        results = track_progress(check_task, tasks)
    else:
        results = []
    elapsed = time.time() - start
    for found in results:
        problems += found
    files = sum(1 + len(t['masks']) for t in tasks)
    print(f'\ncheck_data: {len(tasks)} samples, {files} files in '
          f'{elapsed:.2f} s ({files / max(elapsed, 1e-9):.0f} files/s, '
          f'{args.nproc} processes)')
    if args.report:
        with open(args.report, 'w') as f:
            f.write(summarize(problems, per_kind=None) + '\n')
    if problems:
        print(summarize(problems, per_kind=args.show))
        return 1
    print('check_data: no problem found')
    return 0


if __name__ == '__main__':
    sys.exit(main())
