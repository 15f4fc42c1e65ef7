from .epoch_seeded_loop import (EpochSeededTrainLoop, epoch_seed,
                                seed_everything)
from .wsol_runner import WSOLRunner

__all__ = [
    'EpochSeededTrainLoop', 'epoch_seed', 'seed_everything', 'WSOLRunner'
]

# The checkpoint and distributed helpers moved to mmspg.utils; their old
# import path warns for one release.
_MOVED = ('CheckpointMismatchError', 'check_checkpoint_fits',
          'find_state_dict_mismatch', 'load_checkpoint_strict',
          'SAFE_GLOBAL_REASONS', 'UnsafeCheckpointError',
          'CorruptCheckpointError', 'load_from_local_checked',
          'register_checkpoint_safe_globals', 'safe_global_names',
          'stale_temp_checkpoints', 'accelerator_available',
          'setup_cpu_distributed', 'teardown_distributed')


def __getattr__(name: str):
    if name in _MOVED:
        import warnings

        import mmspg.utils
        warnings.warn(
            f'mmspg.engine.runner.{name} moved to mmspg.utils.{name}; the '
            'old path will be removed in the next release.',
            DeprecationWarning,
            stacklevel=2)
        return getattr(mmspg.utils, name)
    if name == 'build_runner':
        import warnings
        warnings.warn(
            'mmspg.engine.runner.build_runner is deprecated: build with '
            "mmengine's Runner.from_cfg (or RUNNERS.build when the config "
            'sets runner_type), as tools/train.py does.',
            DeprecationWarning,
            stacklevel=2)
        return _build_runner
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')


def _build_runner(cfg):
    from mmengine.runner import Runner

    from mmspg.registry import RUNNERS
    if 'runner_type' in cfg:
        return RUNNERS.build(cfg)
    return Runner.from_cfg(cfg)
