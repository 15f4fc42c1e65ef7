"""``WSOLCheckpointHook``: mmengine's ``CheckpointHook`` that never deletes a
checkpoint before its replacement is on disk.

mmengine 0.10.7's ``CheckpointHook`` removes files before it writes the one
that replaces them (``mmengine/hooks/checkpoint_hook.py``):

* ``_save_best_checkpoint`` removes the previous ``best_*.pth`` and then
  saves the new best, so a kill in between leaves no best checkpoint at all
  (and resuming does not bring it back: the message hub already names the new
  one);
* ``_save_checkpoint_with_step`` removes the oldest ``epoch_*.pth`` beyond
  ``max_keep_ckpts`` before it saves the new one, so with
  ``max_keep_ckpts=1`` a kill in between leaves no checkpoint to resume from.

This hook runs the same code but defers every removal until the new
checkpoint has been saved (with ``WSOLRunner``, atomically: written to a
temporary file, flushed, renamed). At every instant at least one loadable best
checkpoint and one loadable ``epoch_*.pth`` exist once the first was written;
a kill between the save and the removal leaves one older file behind, which is
the cost of that guarantee. The decision and the wording are ours (mmspg);
it takes exactly ``CheckpointHook``'s arguments. mmengine's log line "The
previous best checkpoint ... is removed" appears when the removal is
scheduled; the file goes once the new checkpoint is saved.
"""
from typing import Any, List

from mmengine.hooks import CheckpointHook

from mmspg.registry import HOOKS

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
    """``CheckpointHook`` that writes the new checkpoint before it removes
    the old one (best and ``max_keep_ckpts`` rotation). Config::

        default_hooks = dict(checkpoint=dict(
            type='WSOLCheckpointHook', interval=1, max_keep_ckpts=3,
            save_best='wsol/maxboxacc_v2', rule='greater'))
    """

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
        self._deferring(super()._save_checkpoint_with_step, runner, step,
                        meta)
