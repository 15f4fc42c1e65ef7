from .checkpoint_fit import (CheckpointMismatchError, check_checkpoint_fits,
                             find_state_dict_mismatch, load_checkpoint_strict)
from .checkpoint_safety import (SAFE_GLOBAL_REASONS, CorruptCheckpointError,
                                UnsafeCheckpointError,
                                load_from_local_checked,
                                register_checkpoint_safe_globals,
                                safe_global_names)
from .cpu_distributed import (accelerator_available, setup_cpu_distributed,
                              teardown_distributed)
from .epoch_seeded_loop import (EpochSeededTrainLoop, epoch_seed,
                                seed_everything)
from .wsol_runner import WSOLRunner, build_runner, stale_temp_checkpoints

# Importing mmspg (which imports this package) makes mmengine checkpoints
# loadable under torch.load(weights_only=True).
register_checkpoint_safe_globals()

__all__ = [
    'CheckpointMismatchError', 'check_checkpoint_fits',
    'find_state_dict_mismatch', 'load_checkpoint_strict',
    'SAFE_GLOBAL_REASONS', 'UnsafeCheckpointError',
    'CorruptCheckpointError',
    'load_from_local_checked', 'register_checkpoint_safe_globals',
    'safe_global_names', 'stale_temp_checkpoints', 'accelerator_available',
    'setup_cpu_distributed', 'teardown_distributed', 'build_runner',
    'EpochSeededTrainLoop', 'epoch_seed', 'seed_everything', 'WSOLRunner'
]
