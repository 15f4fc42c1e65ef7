from .checkpoint_safety import (SAFE_GLOBAL_REASONS, UnsafeCheckpointError,
                                load_from_local_checked,
                                register_checkpoint_safe_globals,
                                safe_global_names)

# Importing mmspg (which imports this package) makes mmengine checkpoints
# loadable under torch.load(weights_only=True).
register_checkpoint_safe_globals()

__all__ = [
    'SAFE_GLOBAL_REASONS', 'UnsafeCheckpointError', 'load_from_local_checked',
    'register_checkpoint_safe_globals', 'safe_global_names'
]
