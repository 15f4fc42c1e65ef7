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
  The temporary file is named ``.<name>.tmp-<host>-<pid>``; when a run
  starts, temporary files of earlier runs that were killed while saving are
  removed: only names of that pattern, only of this host, only when their
  process is no longer alive (a live process's save is never touched).
* ``load_checkpoint`` defaults to ``strict=True`` and checks the weights with
  :func:`check_checkpoint_fits` before loading any of them: missing,
  unexpected and mis-shaped keys are all named in one error, instead of
  mmengine's warning. This holds for ``--resume`` and for evaluating a
  checkpoint (``tools/test.py CHECKPOINT``, ``load_from`` in ``test()`` /
  ``val()``). ``load_from`` in ``train()`` fine-tunes: the weights that fit
  are loaded and the keys skipped (not in the model, mis-shaped) or missing
  (kept at their initial values) are logged; it still stops when not a
  single weight fits (a ``load_from`` of an unrelated model).
* auto-resume (``resume=True`` without a path) falls back to the newest
  readable ``epoch_*.pth``/``iter_*.pth`` of ``work_dir`` when
  ``last_checkpoint`` is empty, names a file that is gone (``CheckpointHook``
  writes ``last_checkpoint`` non-atomically) or names a corrupt file
  (truncated by a full disk, a copy, a save before atomic writes); each
  skipped file is named in a warning. A checkpoint refused as unsafe is never
  skipped.

The train loop is the config's ``train_cfg``; mmspg's configs choose
:class:`EpochSeededTrainLoop` there (``type='EpochSeededTrainLoop'``) so that
a run resumed at an epoch boundary is bit-identical to an uninterrupted one.
Checkpoints that replace older ones without a gap come from
:class:`mmspg.engine.hooks.WSOLCheckpointHook` (``default_hooks.checkpoint``).
"""
import errno
import os
import os.path as osp
import re
import socket
from collections import OrderedDict
from typing import Callable, List, Optional, Union

from mmengine.dist import master_only
from mmengine.fileio import get_file_backend
from mmengine.fileio.backends import LocalBackend
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner
from mmengine.runner.checkpoint import (_load_checkpoint,
                                        _load_checkpoint_to_model,
                                        find_latest_checkpoint)

from mmspg.registry import RUNNERS
from .checkpoint_fit import (CheckpointMismatchError, _revise,
                             check_checkpoint_fits, find_state_dict_mismatch,
                             upgrade_legacy_keys)
from .checkpoint_safety import CorruptCheckpointError

__all__ = ['WSOLRunner', 'build_runner', 'stale_temp_checkpoints']

_CKPT_NAME = re.compile(r'^(epoch|iter)_(\d+)\.pth$')
# ``.<checkpoint name>.tmp-<host>-<pid>``; ``.<name>.tmp-<pid>`` was written
# by earlier mmspg versions (no host: taken as this host).
_TMP_NAME = re.compile(r'^\..+\.pth\.tmp-(?:(?P<host>.+)-)?(?P<pid>\d+)$')
# Keys listed per category in the load_from log; counts are complete.
_MAX_LOGGED_KEYS = 30


def _host() -> str:
    # '-' separates host and pid in temp names; keep the pid parse unique
    return socket.gethostname().replace('-', '_') or 'localhost'


def _pid_alive(pid: int) -> bool:
    """Whether a process ``pid`` exists on this host (signal 0 probes)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except OSError as err:
        # EPERM: it exists but belongs to another user
        return err.errno == errno.EPERM
    return True


def stale_temp_checkpoints(folder: str) -> List[str]:
    """Temporary files of interrupted atomic saves in ``folder`` that no
    live process owns.

    Only names of ``WSOLRunner``'s pattern count; a file of another host
    (shared storage) or of a live process (a run saving right now) is kept,
    and so is one of this process.

    Args:
        folder (str): a work_dir.

    Returns:
        list[str]: paths that are safe to remove.
    """
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    stale = []
    for name in names:
        match = _TMP_NAME.match(name)
        if not match:
            continue
        host, pid = match.group('host'), int(match.group('pid'))
        if host is not None and host != _host():
            continue
        if pid == os.getpid() or _pid_alive(pid):
            continue
        path = osp.join(folder, name)
        if osp.isfile(path):
            stale.append(path)
    return stale


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
    """mmengine ``Runner`` with atomic checkpoints, checked loading and a
    robust auto-resume. Takes exactly ``Runner``'s arguments."""

    _training = False

    def train(self):
        """As ``Runner.train``; ``load_from`` is loaded for fine-tuning."""
        self._training = True
        try:
            return super().train()
        finally:
            self._training = False

    @master_only
    def _remove_stale_temp_checkpoints(self,
                                       folder: Optional[str] = None) -> None:
        """Remove the temporary files of dead saves in ``folder`` (default
        work_dir); each folder is scanned once per runner."""
        folder = osp.abspath(folder or self.work_dir)
        scanned = self.__dict__.setdefault('_scanned_for_temps', set())
        if folder in scanned:
            return
        scanned.add(folder)
        for path in stale_temp_checkpoints(folder):
            try:
                os.remove(path)
            except OSError as err:
                self.logger.warning(f'Could not remove {path}: {err}')
                continue
            self.logger.warning(
                f'Removed {path}: the temporary file of a checkpoint save '
                'that was interrupted (its process is gone).')

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
        # CheckpointHook(out_dir=...) may save outside work_dir
        self._remove_stale_temp_checkpoints(osp.dirname(final_path))
        # Same folder, so os.replace is a rename on one file system; hidden
        # and unlike *.pth so nothing mistakes it for a checkpoint.
        # host and pid let a later run tell a dead save from a live one
        tmp_name = f'.{osp.basename(filename)}.tmp-{_host()}-{os.getpid()}'
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
        With ``strict=False`` the weights that fit are loaded, the others are
        logged (see :meth:`_fit_for_fine_tuning`).
        """
        checkpoint = _load_checkpoint(filename, map_location=map_location)
        # hooks may rename keys (e.g. converters), so check what they leave
        self.call_hook('after_load_checkpoint', checkpoint=checkpoint)
        model = self.model.module if is_model_wrapper(
            self.model) else self.model
        if strict:
            check_checkpoint_fits(model, checkpoint, filename, revise_keys)
        else:
            checkpoint = self._fit_for_fine_tuning(model, checkpoint,
                                                   filename, revise_keys)
            revise_keys = []  # already applied
        checkpoint = _load_checkpoint_to_model(
            model, checkpoint, strict, revise_keys=revise_keys)
        self._has_loaded = True
        self.logger.info(f'Load checkpoint from {filename}')
        return checkpoint

    def _fit_for_fine_tuning(self, model, checkpoint: dict, filename: str,
                             revise_keys) -> dict:
        """Keep the weights of ``checkpoint`` that fit ``model``; log the
        rest. Raises when none fits (an unrelated checkpoint).

        Returns:
            dict: the checkpoint with a ``state_dict`` of fitting weights.
        """
        if not isinstance(checkpoint, dict):
            raise CheckpointMismatchError(
                f'Checkpoint "{filename}" holds a '
                f'{type(checkpoint).__name__}, not a dict of weights.')
        original = checkpoint.get('state_dict', checkpoint)
        state_dict = upgrade_legacy_keys(model,
                                         _revise(original, revise_keys))
        missing, unexpected, mis_shaped = find_state_dict_mismatch(
            model, state_dict)
        skipped = set(unexpected) | {k for k, _, _ in mis_shaped}
        fitting = OrderedDict(
            (k, v) for k, v in state_dict.items() if k not in skipped)
        # BN version numbers etc. (mmengine keeps them the same way)
        fitting._metadata = getattr(original, '_metadata', OrderedDict())
        if not fitting:
            raise CheckpointMismatchError(
                f'load_from "{filename}": not one of its '
                f'{len(state_dict)} weights fits the model '
                f'{type(model).__name__} (e.g. '
                f'{", ".join(list(state_dict)[:3])}); is it a checkpoint of '
                'this model family? Nothing was loaded.')

        def listing(keys):
            shown = ', '.join(keys[:_MAX_LOGGED_KEYS])
            more = len(keys) - _MAX_LOGGED_KEYS
            return shown + (f', ... and {more} more' if more > 0 else '')

        lines = [f'load_from "{filename}" (fine-tuning, non-strict): loaded '
                 f'{len(fitting)} of the checkpoint\'s {len(state_dict)} '
                 'weights.']
        if unexpected:
            lines.append(f'  skipped, not in the model ({len(unexpected)}): '
                         + listing(unexpected))
        if mis_shaped:
            lines.append(
                f'  skipped, mis-shaped ({len(mis_shaped)}): ' + listing([
                    f'{k} {list(c)} vs model {list(m)}'
                    for k, c, m in mis_shaped
                ]))
        if missing:
            lines.append(f'  missing, kept at their initial values '
                         f'({len(missing)}): ' + listing(missing))
        if len(lines) > 1:
            self.logger.warning('\n'.join(lines))
        else:
            self.logger.info(lines[0])
        out = dict(checkpoint) if 'state_dict' in checkpoint else {}
        out['state_dict'] = fitting
        return out

    def _checkpoint_candidates(self) -> List[str]:
        """``epoch_N.pth``/``iter_N.pth`` of work_dir, newest first."""
        found = []
        for name in os.listdir(self.work_dir):
            match = _CKPT_NAME.match(name)
            if match:
                found.append((int(match.group(2)), name))
        return [osp.join(self.work_dir, n) for _, n in sorted(found)[::-1]]

    def _auto_resume(self) -> None:
        """Resume from ``last_checkpoint``, else from the newest readable
        ``epoch_*.pth``/``iter_*.pth``; warn about each file skipped."""
        named = find_latest_checkpoint(self.work_dir)
        candidates = self._checkpoint_candidates()
        if named:
            if not osp.isfile(named):
                self.logger.warning(
                    f'last_checkpoint in {self.work_dir} names "{named}", '
                    'which does not exist; trying the newest checkpoint '
                    'found instead.')
            else:
                candidates = [named] + [
                    c for c in candidates
                    if osp.abspath(c) != osp.abspath(named)
                ]
        if not candidates:
            self.logger.info('No checkpoint found in '
                             f'{self.work_dir}; training from scratch.')
            return
        self._warn_inexact_resume()
        for path in candidates:
            try:
                # loads the file before it changes any state
                self.resume(path)
            except CorruptCheckpointError as err:
                self.logger.warning(f'Skipping it for auto-resume: {err}')
                continue
            self.logger.info(f'Auto resumed from {path}.')
            return
        raise CorruptCheckpointError(
            f'Auto-resume: every checkpoint in {self.work_dir} is corrupt '
            f'({", ".join(osp.basename(c) for c in candidates)}); see the '
            'warnings above. Move them away to train from scratch.')

    def load_or_resume(self) -> None:
        """As ``Runner.load_or_resume``, with a robust auto-resume, stale
        temporary files removed and a non-strict ``load_from`` in training.
        """
        if self._has_loaded:
            return None
        self._remove_stale_temp_checkpoints()
        if self._resume and self._load_from is None:
            self._auto_resume()
            self._has_loaded = True
            return None
        if self._resume:
            self._warn_inexact_resume()
            self.resume(self._load_from)
            self._has_loaded = True
            return None
        if self._load_from is not None:
            # fine-tuning in train(); evaluating elsewhere stays strict
            self.load_checkpoint(self._load_from, strict=not self._training)
            self._has_loaded = True
        return None

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
