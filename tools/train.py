"""Train a model with mmspg: mmpretrain's tools/train.py + mmspg's additions.

Single process:  python tools/train.py CONFIG [--work-dir DIR] [--resume [P]]
Distributed:     bash tools/dist_train.sh CONFIG NUM_PROCS [ARGS]
                 bash tools/slurm_train.sh PARTITION JOB CONFIG WORK_DIR [ARGS]

mmspg's additions: ``--resume`` without a path starts from the newest
readable checkpoint, past a corrupt or missing one
(``mmspg.utils.resolve_auto_resume``, before the runner is built); on
machines without CUDA the distributed launchers run with gloo on CPUs
(``mmspg.utils.setup_cpu_distributed``); ``--amp`` on a CPU stops with a
clear error instead of mmengine's assertion. Atomic checkpoints and checked
loading come from the config's ``WSOLCheckpointHook``.
"""
import mmspg.dependency_warnings  # noqa: F401 isort: skip (first: filters
# two import warnings of mmengine/mmcv-lite, see there)
import argparse
import os
import os.path as osp

from mmengine.config import Config, ConfigDict, DictAction
from mmengine.registry import RUNNERS
from mmengine.runner import Runner
from mmengine.utils import digit_version
from mmengine.utils.dl_utils import TORCH_VERSION


def parse_args():
    parser = argparse.ArgumentParser(description='Train a model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='If specify checkpoint path, resume from it, while if not '
        'specify, try to auto resume from the latest checkpoint '
        'in the work directory.')
    parser.add_argument(
        '--amp',
        action='store_true',
        help='enable automatic-mixed-precision training (needs CUDA)')
    parser.add_argument(
        '--no-validate',
        action='store_true',
        help='whether not to evaluate the checkpoint during training')
    parser.add_argument(
        '--auto-scale-lr',
        action='store_true',
        help='whether to auto scale the learning rate according to the '
        'actual batch size and the original batch size '
        '(auto_scale_lr.base_batch_size of the config).')
    parser.add_argument(
        '--no-pin-memory',
        action='store_true',
        help='whether to disable the pin_memory option in dataloaders.')
    parser.add_argument(
        '--no-persistent-workers',
        action='store_true',
        help='whether to disable the persistent_workers option in '
        'dataloaders.')
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
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    # When using PyTorch version >= 2.0.0, the `torch.distributed.launch`
    # will pass the `--local-rank` parameter to `tools/train.py` instead
    # of `--local_rank`.
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def merge_args(cfg, args):
    """Merge CLI arguments to config."""
    from mmspg.utils import accelerator_available

    if args.no_validate:
        cfg.val_cfg = None
        cfg.val_dataloader = None
        cfg.val_evaluator = None

    cfg.launcher = args.launcher

    # work_dir is determined in this priority: CLI > segment in file > filename
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])

    # enable automatic-mixed-precision training
    if args.amp is True:
        if not accelerator_available():
            # mmengine's AmpOptimWrapper asserts a CUDA/NPU/MLU/MUSA device
            # (its GradScaler is torch.cuda.amp's); bf16 autocast on the CPU
            # would need another optimizer wrapper, so refuse early.
            raise SystemExit(
                'tools/train.py: --amp needs a CUDA (or NPU/MLU/MUSA) device: '
                "mmengine's AmpOptimWrapper does not run on the CPU. Train "
                'without --amp here.')
        optim_wrapper = cfg.optim_wrapper.get('type', 'OptimWrapper')
        assert optim_wrapper in ['OptimWrapper', 'AmpOptimWrapper'], \
            '`--amp` is not supported custom optimizer wrapper type ' \
            f'`{optim_wrapper}.'
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')

    # resume training
    if args.resume == 'auto':
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume

    # enable auto scale learning rate
    if args.auto_scale_lr:
        if cfg.get('auto_scale_lr') is None or cfg.auto_scale_lr.get(
                'base_batch_size') is None:
            raise SystemExit(
                f'tools/train.py: --auto-scale-lr needs '
                f'auto_scale_lr = dict(base_batch_size=...) in {args.config}')
        cfg.auto_scale_lr.enable = True

    # set dataloader args; pinned memory only where batches go to an
    # accelerator (without one, torch warns at every loader iterator)
    default_dataloader_cfg = ConfigDict(
        pin_memory=accelerator_available(),
        persistent_workers=True,
        collate_fn=dict(type='default_collate'),
    )
    if digit_version(TORCH_VERSION) < digit_version('1.8.0'):
        default_dataloader_cfg.persistent_workers = False

    def set_default_dataloader_cfg(cfg, field):
        if cfg.get(field, None) is None:
            return
        dataloader_cfg = ConfigDict(default_dataloader_cfg)
        dataloader_cfg.update(cfg[field])
        cfg[field] = dataloader_cfg
        if args.no_pin_memory:
            cfg[field]['pin_memory'] = False
        if args.no_persistent_workers or not cfg[field].get('num_workers', 0):
            # torch's DataLoader refuses persistent workers without workers
            cfg[field]['persistent_workers'] = False

    set_default_dataloader_cfg(cfg, 'train_dataloader')
    set_default_dataloader_cfg(cfg, 'val_dataloader')
    set_default_dataloader_cfg(cfg, 'test_dataloader')

    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)

    return cfg


def build_runner(cfg):
    """mmengine's Runner, or the config's ``runner_type``, as mmpretrain's
    tools/train.py builds it."""
    if 'runner_type' not in cfg:
        return Runner.from_cfg(cfg)
    return RUNNERS.build(cfg)


def main():
    args = parse_args()

    # load config (``custom_imports`` of mmspg configs import mmspg, which
    # allow-lists checkpoint globals)
    cfg = Config.fromfile(args.config)
    import mmspg  # noqa: F401  (also for configs without custom_imports)
    from mmspg.utils import (abort_run, claim_work_dir_of_run, finish_process,
                             install_stop_handlers, log_run_summary,
                             resolve_auto_resume, setup_cpu_distributed,
                             shutdown_loader_workers)

    # merge cli arguments to config
    cfg = merge_args(cfg, args)

    # One live run per work dir: the main process claims it before anything
    # is written, until it exits; SIGTERM/SIGINT stop every rank at once
    # with one log line (mmspg/utils/work_dir_claim.py, stop_signals.py).
    claim = claim_work_dir_of_run(cfg.work_dir, 'tools/train.py')
    install_stop_handlers(
        'training', log=claim is not None, cleanup=claim and claim.release)

    # auto-resume: the newest checkpoint that loads, as cfg.load_from
    resolve_auto_resume(cfg)

    # CPU-only machines: gloo process group and DDP without device_ids
    setup_cpu_distributed(cfg, args.launcher)

    # build and train; a failure on one rank (building its datasets too)
    # ends the job: traceback, exit, no collective
    runner = None
    try:
        runner = build_runner(cfg)
        # device, world size, batch and lr first; a batch unlike the recipe's
        log_run_summary(runner, 'train')
        runner.train()
    except BaseException:
        abort_run(runner)
        raise
    # The DDP-wrapped model keeps the process group alive: stop the loader
    # workers, release the runner, then destroy the group and skip the
    # interpreter's collections at exit (a run ends when its work does).
    shutdown_loader_workers(runner)
    del runner
    finish_process()


if __name__ == '__main__':
    main()
