"""Helpers of mmspg's engine: checkpoint safety, fit checks, atomic writes,
auto-resume selection, CPU distributed runs, module registration.

Importing this package allow-lists the globals mmengine checkpoints need
under ``torch.load(weights_only=True)`` and registers the atomic checkpoint
backend (see ``docs/architecture.md``, "Engine").
"""
from .atomic_backend import (ATOMIC_BACKEND, AtomicLocalBackend,
                             remove_stale_temp_checkpoints,
                             stale_temp_checkpoints)
from .checkpoint_convert import (CHECKPOINT_CONVERTERS, convert_checkpoint,
                                 extract_state_dict)
from .checkpoint_fit import (CheckpointMismatchError, check_checkpoint_fits,
                             find_state_dict_mismatch, fit_for_fine_tuning,
                             load_checkpoint_strict)
from .checkpoint_resume import (checkpoint_candidates, find_resume_checkpoint,
                                resolve_auto_resume)
from .checkpoint_safety import (SAFE_GLOBAL_REASONS, CorruptCheckpointError,
                                UnsafeCheckpointError, load_from_local_checked,
                                register_checkpoint_safe_globals,
                                safe_global_names)
from .checkpoint_url import (load_from_http_checked,
                             load_from_torchvision_checked)
from .cpu_distributed import (ALLOW_CPU_ENV, accelerator_available,
                              cpu_requested, cuda_unusable_reason,
                              setup_cpu_distributed, teardown_distributed)
from .run_exit import abort_run, finish_process, shutdown_loader_workers
from .run_setup import batch_size_warning, log_run_summary, run_summary
from .setup_env import register_all_modules
from .stop_signals import STOP_SIGNALS, install_stop_handlers
from .work_dir_claim import (CLAIM_NAME, WorkDirBusyError, WorkDirClaim,
                             claim_work_dir, claim_work_dir_of_run,
                             launcher_rank)

# before any torch.load of a checkpoint in a process that imported mmspg
register_checkpoint_safe_globals()

__all__ = [
    'ATOMIC_BACKEND', 'AtomicLocalBackend', 'remove_stale_temp_checkpoints',
    'stale_temp_checkpoints', 'CheckpointMismatchError',
    'check_checkpoint_fits', 'find_state_dict_mismatch', 'fit_for_fine_tuning',
    'load_checkpoint_strict', 'checkpoint_candidates',
    'find_resume_checkpoint', 'resolve_auto_resume', 'SAFE_GLOBAL_REASONS',
    'CorruptCheckpointError', 'UnsafeCheckpointError',
    'load_from_local_checked', 'register_checkpoint_safe_globals',
    'safe_global_names', 'CHECKPOINT_CONVERTERS', 'convert_checkpoint',
    'extract_state_dict', 'load_from_http_checked',
    'load_from_torchvision_checked', 'accelerator_available',
    'setup_cpu_distributed', 'teardown_distributed', 'register_all_modules',
    'STOP_SIGNALS', 'install_stop_handlers', 'CLAIM_NAME', 'WorkDirBusyError',
    'WorkDirClaim', 'claim_work_dir', 'claim_work_dir_of_run', 'launcher_rank',
    'abort_run', 'ALLOW_CPU_ENV', 'cpu_requested', 'cuda_unusable_reason',
    'finish_process', 'batch_size_warning', 'log_run_summary', 'run_summary',
    'shutdown_loader_workers'
]
