"""``WSOLCheckpointHook``: mmengine's ``CheckpointHook`` for crash-safe
training and checked loading.

Three additions to ``CheckpointHook``, all ours (mmspg), each for resumable
training (``docs/architecture.md``, "Engine"):

* **Atomic writes.** Unless ``backend_args`` names another backend, a local
  ``out_dir`` is written through :class:`mmspg.utils.AtomicLocalBackend`
  (``backend_args=dict(backend='mmspg_atomic_local')``): temporary file,
  ``fsync``, ``os.replace``. Temporary files of earlier saves whose process
  was killed are removed when training starts.
* **Replacement before removal.** mmengine 0.10.7's ``CheckpointHook``
  removes files before it writes the one that replaces them
  (``mmengine/hooks/checkpoint_hook.py``: ``_save_best_checkpoint`` removes
  the previous ``best_*.pth`` and then saves; ``_save_checkpoint_with_step``
  removes the oldest ``epoch_*.pth`` beyond ``max_keep_ckpts`` before it
  saves), so a kill in between leaves no best checkpoint, or with
  ``max_keep_ckpts=1`` none at all. This hook runs the same code but defers
  every removal until the new checkpoint is saved: at every instant one
  loadable best and one loadable ``epoch_*.pth`` exist once the first was
  written; a kill between save and removal leaves one older file behind.
  mmengine's log line "The previous best checkpoint ... is removed" appears
  when the removal is scheduled.
* **Checked loading** (``after_load_checkpoint``, which mmengine's
  ``Runner.load_checkpoint`` calls before it copies any weight, for
  ``load_from``, ``resume`` and ``tools/test.py CHECKPOINT`` alike): a resume
  or an evaluation stops with :class:`mmspg.utils.CheckpointMismatchError`
  naming every missing, unexpected and mis-shaped key, where mmengine only
  warns; a ``load_from`` in training fine-tunes: the weights that fit are
  loaded, the rest logged, and it stops only when not one weight fits.
"""
from typing import Any, List, Optional

from mmengine.dist import is_main_process
from mmengine.hooks import CheckpointHook
from mmengine.runner import BaseLoop

from mmspg.registry import HOOKS
from mmspg.utils import (ATOMIC_BACKEND, AtomicLocalBackend,
                         check_checkpoint_fits, fit_for_fine_tuning,
                         remove_stale_temp_checkpoints)

__all__ = ['WSOLCheckpointHook']


class _DeferredRemovals:
    """A file backend proxy that records ``remove``/``rmtree`` calls instead
    of running them; everything else is the wrapped backend's."""

    def __init__(self, backend: Any):
        self._backend = backend
        self.pending: List[tuple] = []

    def remove(self, filepath) -> None:
        self.pending.append(('remove', filepath))

    def rmtree(self, dir_path) -> None:
        self.pending.append(('rmtree', dir_path))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._backend, name)


@HOOKS.register_module()
class WSOLCheckpointHook(CheckpointHook):
    """``CheckpointHook`` with atomic local writes, the new checkpoint
    written before the old one is removed (best and ``max_keep_ckpts``
    rotation), stale temporary files removed and checked loading. Takes
    exactly ``CheckpointHook``'s arguments. Config::

        default_hooks = dict(checkpoint=dict(
            type='WSOLCheckpointHook', interval=1, max_keep_ckpts=3,
            save_best='wsol/maxboxacc_v2', rule='greater'))
    """

    def __init__(self,
                 *args,
                 out_dir: Optional[str] = None,
                 file_client_args: Optional[dict] = None,
                 backend_args: Optional[dict] = None,
                 **kwargs) -> None:
        # Object storage (an out_dir with a prefix such as s3://, or any
        # backend_args) keeps mmengine's backend: those uploads are atomic
        # per object already.
        if (backend_args is None and file_client_args is None
                and (out_dir is None or '://' not in str(out_dir))):
            backend_args = dict(backend=ATOMIC_BACKEND)
        super().__init__(
            *args,
            out_dir=out_dir,
            file_client_args=file_client_args,
            backend_args=backend_args,
            **kwargs)
        self._fine_tune = False

    def before_run(self, runner) -> None:
        """Decide how :meth:`after_load_checkpoint` treats this run's
        ``load_from``: fine-tuning in training without resume, strict
        otherwise."""
        super().before_run(runner)
        # mmengine exposes neither flag publicly: Runner.train() builds the
        # train loop before 'before_run'; test()/val() leave it a dict.
        training = isinstance(getattr(runner, '_train_loop', None), BaseLoop)
        self._fine_tune = training and not getattr(runner, '_resume', False)

    def before_train(self, runner) -> None:
        """As ``CheckpointHook``'s; then remove the temporary files of
        interrupted saves in the checkpoint folder (main process only)."""
        super().before_train(runner)
        if is_main_process() and isinstance(self.file_backend,
                                            AtomicLocalBackend):
            remove_stale_temp_checkpoints(self.out_dir, runner.logger)

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        """Check the loaded checkpoint against the model before mmengine
        copies any weight; for a fine-tuning ``load_from`` keep only the
        weights that fit (in place: mmengine loads this very dict)."""
        # hooks of higher priority (converters) have renamed keys already
        filename = getattr(runner, '_load_from', None) or 'the checkpoint'
        if not self._fine_tune:
            check_checkpoint_fits(runner.model, checkpoint, filename)
            return
        fitting = fit_for_fine_tuning(
            runner.model, checkpoint, filename, logger=runner.logger)
        if 'state_dict' in checkpoint:
            checkpoint['state_dict'] = fitting
        else:
            checkpoint.clear()
            checkpoint.update(fitting)

    def _in_use(self) -> set:
        """Paths the hook still refers to after a save (never removed)."""
        paths = {getattr(self, 'last_ckpt', None)}
        paths.add(getattr(self, 'best_ckpt_path', None))
        paths.update(getattr(self, 'best_ckpt_path_dict', {}).values())
        return {str(p) for p in paths if p is not None}

    def _deferring(self, method, *args) -> None:
        backend = self.file_backend
        if isinstance(backend, _DeferredRemovals):
            # nested: _save_best_checkpoint calls _save_checkpoint_with_step;
            # the outermost call removes after everything was saved
            return method(*args)
        proxy = _DeferredRemovals(backend)
        self.file_backend = proxy
        try:
            method(*args)
        finally:
            # on an exception nothing is removed: the old files stay
            self.file_backend = backend
        in_use = self._in_use()
        for op, path in proxy.pending:
            if str(path) in in_use:
                continue
            if op == 'remove' and backend.isfile(path):
                backend.remove(path)
            elif op == 'rmtree' and backend.isdir(path):
                backend.rmtree(path)

    def _save_best_checkpoint(self, runner, metrics) -> None:
        """As ``CheckpointHook``'s, removing the previous best only after the
        new best (and the epoch checkpoint it re-saves) is written."""
        self._deferring(super()._save_best_checkpoint, runner, metrics)

    def _save_checkpoint_with_step(self, runner, step, meta) -> None:
        """As ``CheckpointHook``'s, removing checkpoints beyond
        ``max_keep_ckpts`` only after the new one is written."""
        self._deferring(super()._save_checkpoint_with_step, runner, step, meta)
