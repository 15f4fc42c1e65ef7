"""``WSOLRunner``: mmengine's Runner with crash-safe checkpoints and resume.

Config: ``runner_type = 'mmspg.WSOLRunner'`` (mmspg's ``tools/train.py`` and
``tools/test.py`` also use it when ``runner_type`` is not set). Differences
from ``mmengine.runner.Runner``, each for resumable training:

* ``save_checkpoint`` is atomic on local disks: the checkpoint is written to a
  hidden temporary file in the same folder, flushed to disk (``fsync``) and
  renamed over the final name (``os.replace``). ``CheckpointHook`` updates
  ``last_checkpoint`` only after ``save_checkpoint`` returns, so a crash while
  saving leaves the previous checkpoint and ``last_checkpoint`` intact and no
  truncated file under a checkpoint name.
  Why a Runner subclass rather than an atomic file backend: the backend
  (``LocalBackend.put``) serves every file mmengine writes, and replacing the
  registered ``'local'`` backend would change writes of every program that
  imports mmspg; the runner is chosen per config and the change stays where
  checkpoints are made.
* ``load_checkpoint`` (``load_from``, ``tools/test.py CHECKPOINT``, resume)
  defaults to ``strict=True`` and checks the weights with
  :func:`check_checkpoint_fits` before loading any of them: missing,
  unexpected and mis-shaped keys are all named in one error, instead of
  mmengine's warning.
* ``train_cfg=dict(by_epoch=True, ...)`` builds :class:`EpochSeededTrainLoop`
  so that a run resumed at an epoch boundary is bit-identical to an
  uninterrupted one.
* auto-resume (``resume=True`` without a path) falls back to the newest
  ``epoch_*.pth``/``iter_*.pth`` of ``work_dir`` when ``last_checkpoint`` is
  empty or names a file that is gone (``CheckpointHook`` with
  ``max_keep_ckpts`` deletes the oldest checkpoint before it saves the new
  one, and writes ``last_checkpoint`` non-atomically).
"""
import copy
import os
import os.path as osp
import re
from typing import Callable, Dict, Optional, Union

from mmengine.dist import master_only
from mmengine.fileio import get_file_backend
from mmengine.fileio.backends import LocalBackend
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner
from mmengine.runner.base_loop import BaseLoop
from mmengine.runner.checkpoint import (_load_checkpoint,
                                        _load_checkpoint_to_model,
                                        find_latest_checkpoint)

from mmspg.registry import RUNNERS
from .checkpoint_fit import check_checkpoint_fits

__all__ = ['WSOLRunner', 'build_runner']

_CKPT_NAME = re.compile(r'^(epoch|iter)_(\d+)\.pth$')


def _fsync_dir(path: str) -> None:
    """Persist a rename in ``path`` (POSIX; a no-op where dirs can't open)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@RUNNERS.register_module()
class WSOLRunner(Runner):
    """mmengine ``Runner`` with atomic checkpoints, strict loading and exact
    epoch-boundary resume. Takes exactly ``Runner``'s arguments."""

    def build_train_loop(self, loop: Union[BaseLoop, Dict]) -> BaseLoop:
        """Use ``EpochSeededTrainLoop`` for ``dict(by_epoch=True, ...)``."""
        if isinstance(loop, dict) and 'type' not in loop and loop.get(
                'by_epoch', False):
            loop = copy.deepcopy(loop)
            loop.pop('by_epoch')
            loop['type'] = 'mmspg.EpochSeededTrainLoop'  # any default scope
        return super().build_train_loop(loop)

    @master_only
    def save_checkpoint(self,
                        out_dir: str,
                        filename: str,
                        file_client_args: Optional[dict] = None,
                        save_optimizer: bool = True,
                        save_param_scheduler: bool = True,
                        meta: Optional[dict] = None,
                        by_epoch: bool = True,
                        backend_args: Optional[dict] = None):
        """Save a checkpoint as ``Runner.save_checkpoint``, atomically.

        On a local disk the file appears under ``out_dir/filename`` only
        once it is complete and on disk; other storage (``backend_args`` for
        s3/petrel, whose uploads are atomic per object) is written as
        mmengine does.
        """
        kwargs = dict(
            file_client_args=file_client_args,
            save_optimizer=save_optimizer,
            save_param_scheduler=save_param_scheduler,
            meta=meta,
            by_epoch=by_epoch,
            backend_args=backend_args)
        local = file_client_args is None and isinstance(
            get_file_backend(out_dir, backend_args=backend_args), LocalBackend)
        if not local:
            return super().save_checkpoint(out_dir, filename, **kwargs)

        final_path = osp.join(out_dir, filename)
        # Same folder, so os.replace is a rename on one file system; hidden
        # and unlike *.pth so nothing mistakes it for a checkpoint.
        tmp_name = f'.{osp.basename(filename)}.tmp-{os.getpid()}'
        tmp_path = osp.join(osp.dirname(final_path), tmp_name)
        try:
            super().save_checkpoint(
                osp.dirname(final_path), tmp_name, **kwargs)
            with open(tmp_path, 'rb+') as f:
                os.fsync(f.fileno())
            os.replace(tmp_path, final_path)
        except BaseException:
            # also on KeyboardInterrupt: leave no partial file behind
            if osp.exists(tmp_path):
                os.remove(tmp_path)
            raise
        _fsync_dir(osp.dirname(final_path))

    def load_checkpoint(self,
                        filename: str,
                        map_location: Union[str, Callable] = 'cpu',
                        strict: bool = True,
                        revise_keys: list = [(r'^module.', '')]):
        """Load a checkpoint into the model; see ``Runner.load_checkpoint``.

        With ``strict=True`` (default here; mmengine's is False) the weights
        are checked first and a :class:`CheckpointMismatchError` names every
        missing, unexpected or mis-shaped key before any weight is copied.
        """
        checkpoint = _load_checkpoint(filename, map_location=map_location)
        # hooks may rename keys (e.g. converters), so check what they leave
        self.call_hook('after_load_checkpoint', checkpoint=checkpoint)
        model = self.model.module if is_model_wrapper(
            self.model) else self.model
        if strict:
            check_checkpoint_fits(model, checkpoint, filename, revise_keys)
        checkpoint = _load_checkpoint_to_model(
            model, checkpoint, strict, revise_keys=revise_keys)
        self._has_loaded = True
        self.logger.info(f'Load checkpoint from {filename}')
        return checkpoint

    def _newest_intact_checkpoint(self) -> Optional[str]:
        """The highest-numbered ``epoch_N.pth``/``iter_N.pth`` in work_dir."""
        found = []
        for name in os.listdir(self.work_dir):
            match = _CKPT_NAME.match(name)
            if match:
                found.append((int(match.group(2)), name))
        if not found:
            return None
        return osp.join(self.work_dir, max(found)[1])

    def load_or_resume(self) -> None:
        """As ``Runner.load_or_resume``, with a robust auto-resume."""
        if self._has_loaded:
            return None
        if self._resume and self._load_from is None:
            resume_from = find_latest_checkpoint(self.work_dir)
            if not resume_from or not osp.isfile(resume_from):
                fallback = self._newest_intact_checkpoint()
                if resume_from or fallback:
                    self.logger.warning(
                        f'last_checkpoint in {self.work_dir} names '
                        f'"{resume_from}", which does not exist; resuming '
                        f'from the newest checkpoint found: {fallback}.')
                resume_from = fallback
            if resume_from is None:
                self.logger.info('No checkpoint found in '
                                 f'{self.work_dir}; training from scratch.')
                return None
            self.logger.info(f'Auto resumed from {resume_from}.')
            self._warn_inexact_resume()
            self.resume(resume_from)
            self._has_loaded = True
            return None
        if self._resume:
            self._warn_inexact_resume()
        return super().load_or_resume()

    def _warn_inexact_resume(self) -> None:
        loader = self._train_dataloader
        num_workers = getattr(loader, 'num_workers', None)
        persistent = getattr(loader, 'persistent_workers', None)
        if isinstance(loader, dict):
            num_workers = loader.get('num_workers', 0)
            persistent = loader.get('persistent_workers', False)
        if num_workers and persistent:
            self.logger.warning(
                'train_dataloader uses persistent_workers=True: the workers '
                'of a resumed run start their random streams afresh, so '
                'augmentations (and thus weights) after resume differ from an '
                'uninterrupted run. Set persistent_workers=False for '
                'bit-identical resume.')


def build_runner(cfg) -> Runner:
    """Build the runner named by ``cfg.runner_type`` (``WSOLRunner`` when
    unset), as mmpretrain's tools do with ``RUNNERS.build``."""
    cfg.setdefault('runner_type', 'mmspg.WSOLRunner')
    return RUNNERS.build(cfg)
