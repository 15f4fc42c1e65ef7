"""Test (evaluate) a checkpoint with mmspg (mmpretrain's tools/test.py with
mmspg's additions).

Single process:  python tools/test.py CONFIG CHECKPOINT [--out results.pkl]
Distributed:     bash tools/dist_test.sh CONFIG CHECKPOINT NUM_PROCS [ARGS]
                 bash tools/slurm_test.sh PARTITION JOB CONFIG CKPT [ARGS]

mmspg's additions: ``--dump-scoremaps DIR`` writes the WSOL benchmark's score
maps (adds a ``DumpWSOLScoreMaps`` metric to ``test_evaluator``, as
``--out`` adds ``DumpWSOLPredictions``, mmengine's ``DumpResults``
without the per-pixel maps); CPU-only machines
run the distributed launchers with gloo
(``mmspg.utils.setup_cpu_distributed``); ``--loc-normalize``,
``--norm-percentile`` and ``--bagcams LAYER`` re-score a checkpoint with a
test-time plug-in (score-map normalisation, BagCAMs).
The config's ``WSOLCheckpointHook`` stops before evaluating when the
checkpoint's keys or shapes do not fit the model.
"""
import mmspg.dependency_warnings  # noqa: F401 isort: skip (first: filters
# two import warnings of mmengine/mmcv-lite, see there)
import argparse
import os
import os.path as osp

import mmengine
from mmengine.config import Config, ConfigDict, DictAction
from mmengine.registry import RUNNERS
from mmengine.runner import Runner

from mmspg.evaluation.functional import SCOREMAP_NORMS


def parse_args():
    parser = argparse.ArgumentParser(
        description='MMSPG test (and eval) a model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--work-dir',
        help='the directory to save the file containing evaluation metrics')
    parser.add_argument(
        '--out',
        help='the file to output results: predictions as .pkl (class '
        'scores, labels, boxes and ids; no maps, see --dump-scoremaps), or '
        'the metrics as .json/.yaml/.pkl with --out-item metrics')
    parser.add_argument(
        '--out-item',
        choices=['metrics', 'pred'],
        help='To output whether metrics or predictions. '
        'Defaults to output predictions.')
    parser.add_argument(
        '--dump-scoremaps',
        metavar='DIR',
        help='write the localization score maps in the WSOL benchmark '
        'layout under DIR (adds a DumpWSOLScoreMaps metric to '
        'test_evaluator)')
    # test-time plug-ins: a trained checkpoint is re-scored without training
    parser.add_argument(
        '--loc-normalize',
        choices=list(SCOREMAP_NORMS),
        help='score-map normalisation after the resize (Kim et al., ICCV '
        "2021; sets model.loc_normalize, which overrides the head's)")
    parser.add_argument(
        '--norm-percentile',
        type=float,
        help="percentile of --loc-normalize pas (default 0.9) or ivr "
        '(default 0.45)')
    parser.add_argument(
        '--bagcams',
        metavar='LAYER',
        help='localise with BagCAMs (Zhu et al., ECCV 2022) on the output '
        'of module LAYER, e.g. backbone.layer3 (sets model.test_localizer)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override some settings in the used config, the key-value pair '
        'in xxx=yyy format will be merged into config file. If the value to '
        'be overwritten is a list, it should be like key="[a,b]" or key=a,b '
        'It also allows nested list/tuple values, e.g. key="[(a,b),(c,d)]" '
        'Note that the quotation marks are necessary and that no white space '
        'is allowed.')
    parser.add_argument(
        '--show-dir',
        help='directory where the visualization images will be saved.')
    parser.add_argument(
        '--show',
        action='store_true',
        help='whether to display the prediction results in a window.')
    parser.add_argument(
        '--interval',
        type=int,
        default=1,
        help='visualize per interval samples.')
    parser.add_argument(
        '--wait-time',
        type=float,
        default=2,
        help='display time of every window. (second)')
    parser.add_argument(
        '--no-pin-memory',
        action='store_true',
        help='whether to disable the pin_memory option in dataloaders.')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    # When using PyTorch version >= 2.0.0, the `torch.distributed.launch`
    # will pass the `--local-rank` parameter to `tools/test.py` instead
    # of `--local_rank`.
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def add_scoremap_dump(cfg, dump_dir: str) -> int:
    """Add ``DumpWSOLScoreMaps(out_dir=dump_dir)`` to ``cfg.test_evaluator``
    (a metric dict, a list of them or an ``Evaluator`` dict); return how many
    WSOL metrics it has (the dump needs their ``gt_loc_map``)."""
    from mmspg.evaluation import wsol_metric_cfgs
    evaluator = cfg.get('test_evaluator')
    found = len(wsol_metric_cfgs(evaluator))
    if found:
        dump = dict(type='mmspg.DumpWSOLScoreMaps', out_dir=dump_dir)
        if isinstance(evaluator, dict) and 'metrics' in evaluator:
            metrics = evaluator['metrics']
            evaluator['metrics'] = (list(metrics) if isinstance(
                metrics, (list, tuple)) else [metrics]) + [dump]
        else:
            cfg.test_evaluator = (list(evaluator) if isinstance(
                evaluator, (list, tuple)) else [evaluator]) + [dump]
    return found


def set_test_time_options(cfg, args) -> None:
    """``--loc-normalize``/``--norm-percentile``/``--bagcams`` into
    ``cfg.model`` (a ``WSOLClassifier``: ``loc_normalize``,
    ``test_localizer``)."""
    if args.norm_percentile is not None and args.loc_normalize not in ('pas',
                                                                       'ivr'):
        raise SystemExit('tools/test.py: --norm-percentile needs '
                         '--loc-normalize pas or ivr')
    if args.loc_normalize is None and args.bagcams is None:
        return
    if str(cfg.model.get('type', '')).split('.')[-1] != 'WSOLClassifier':
        raise SystemExit(
            'tools/test.py: --loc-normalize/--bagcams need model.type='
            f"'WSOLClassifier' in {args.config}, got {cfg.model.get('type')}")
    if args.loc_normalize is not None:
        norm = dict(type=args.loc_normalize)
        if args.norm_percentile is not None:
            norm['percentile'] = args.norm_percentile
        cfg.model.loc_normalize = norm
    if args.bagcams is not None:
        cfg.model.test_localizer = dict(type='BagCAMs', layer=args.bagcams)


def merge_args(cfg, args):
    """Merge CLI arguments to config."""
    cfg.launcher = args.launcher

    # work_dir is determined in this priority: CLI > segment in file > filename
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])

    cfg.load_from = args.checkpoint

    # enable visualization
    if args.show or args.show_dir:
        vis_hook = cfg.get('default_hooks', {}).get('visualization')
        if vis_hook is None:
            raise SystemExit(
                'tools/test.py: --show/--show-dir need a visualization hook '
                f'in default_hooks of {args.config}')
        vis_hook.enable = True
        vis_hook.wait_time = args.wait_time
        vis_hook.interval = args.interval
        if args.show:
            vis_hook.show = True
        if args.show_dir:
            vis_hook.out_dir = args.show_dir

    # set dataloader args; pinned memory only where batches go to an
    # accelerator (without one, torch warns at every loader iterator)
    from mmspg.utils import accelerator_available
    default_dataloader_cfg = ConfigDict(
        pin_memory=accelerator_available(),
        collate_fn=dict(type='default_collate'),
    )
    if cfg.get('test_dataloader') is not None:
        dataloader_cfg = ConfigDict(default_dataloader_cfg)
        dataloader_cfg.update(cfg.test_dataloader)
        cfg.test_dataloader = dataloader_cfg
        if args.no_pin_memory:
            cfg.test_dataloader.pin_memory = False

    if args.out and args.out_item in ['pred', None]:
        # checked here so a wrong name fails before the model runs
        if not args.out.endswith(('.pkl', '.pickle')):
            raise SystemExit('tools/test.py: --out must end with .pkl for '
                             'predictions (or use --out-item metrics)')

    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)

    set_test_time_options(cfg, args)

    # after --cfg-options, which may replace test_evaluator
    if args.dump_scoremaps:
        if add_scoremap_dump(cfg, args.dump_scoremaps) == 0:
            raise SystemExit(
                'tools/test.py: --dump-scoremaps needs a WSOLMetric or '
                f'PxAPMetric in test_evaluator of {args.config}')
    return cfg


def main():
    args = parse_args()

    # load config (``custom_imports`` of mmspg configs import mmspg)
    cfg = Config.fromfile(args.config)
    import mmspg  # noqa: F401  (also for configs without custom_imports)
    from mmspg.utils import (abort_run, finish_process, install_stop_handlers,
                             launcher_rank, log_run_summary,
                             setup_cpu_distributed, shutdown_loader_workers)

    cfg = merge_args(cfg, args)

    # SIGTERM/SIGINT stop every rank at once with one log line
    install_stop_handlers('testing', log=launcher_rank() == 0)

    # CPU-only machines: gloo process group and DDP without device_ids
    setup_cpu_distributed(cfg, args.launcher)

    # build and test; a failure on one rank (building its datasets too)
    # ends the job: traceback, exit, no collective
    runner = None
    try:
        # build the runner from config, as mmpretrain's tools/test.py
        if 'runner_type' not in cfg:
            runner = Runner.from_cfg(cfg)
        else:
            runner = RUNNERS.build(cfg)
        log_run_summary(runner, 'test')  # device, world size, batch

        if args.out and args.out_item in ['pred', None]:
            # mmengine's DumpResults less the per-pixel maps: scores,
            # labels, boxes and ids, images x classes (maps:
            # --dump-scoremaps)
            from mmspg.evaluation import DumpWSOLPredictions
            runner.test_evaluator.metrics.append(
                DumpWSOLPredictions(out_file_path=args.out))

        metrics = runner.test()
    except BaseException:
        abort_run(runner)
        raise
    # The DDP-wrapped model keeps the process group alive: stop the loader
    # workers, release the runner, then destroy the group and skip the
    # interpreter's collections at exit (a run ends when its work does).
    shutdown_loader_workers(runner)
    del runner
    finish_process()

    if args.out and args.out_item == 'metrics':
        mmengine.dump(metrics, args.out)


if __name__ == '__main__':
    main()
