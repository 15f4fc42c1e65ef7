"""``NonFiniteCheckHook``: a diverged run stops, and saves nothing.

Why: mmengine trains on through a ``nan`` loss. A run with a learning rate
far too large (measured on the demo, ``lr=1e6``) logs ``nan`` from its first
iteration, ends with exit 0, saves checkpoints whose tensors are NaN and,
with ``max_keep_ckpts``, rotates the good checkpoints of a run that diverged
late out of the work dir. mmdet's ``CheckInvalidLossHook``
(``mmdet/engine/hooks/checkloss_hook.py``) asserts a finite total loss every
50 iterations; this hook (ours) checks every iteration and every loss term,
and checks each checkpoint before it is written.

* ``after_train_iter``: every numeric entry of the iteration's log
  variables (``loss`` and each term, e.g. SPG's ``loss_cls``,
  ``loss_b1``...) must be finite, else :class:`NonFiniteLossError` naming
  the epoch, the iteration and each term with its value. In a distributed
  run every rank learns whether any rank saw a non-finite value (one
  all-reduce of one number per iteration), so all ranks stop at the same
  iteration instead of some waiting for the others. The priority is above
  the checkpoint hook's, so an iteration-based save of that iteration never
  happens.
* ``before_save_checkpoint``: a checkpoint whose ``state_dict`` holds a
  non-finite float tensor is refused (the same error, naming the tensors):
  mmengine calls it before writing, and ``WSOLCheckpointHook`` removes old
  checkpoints (``max_keep_ckpts``, previous best) only after the new one
  was written, so the good checkpoints stay.

Under ``--amp`` the dynamic loss scale skips steps whose scaled
*gradients* overflow, which is normal; the *loss* value is not scaled
(torch's autocast runs cross-entropy in float32), so a non-finite loss is a
divergence there too.
"""
import math
from typing import Optional

import torch
from mmengine.dist import all_reduce, is_distributed
from mmengine.hooks import Hook

from mmspg.registry import HOOKS

__all__ = ['NonFiniteCheckHook', 'NonFiniteLossError']


class NonFiniteLossError(FloatingPointError):
    """Training produced a non-finite loss or non-finite weights."""


def _as_float(value) -> Optional[float]:
    if isinstance(value, torch.Tensor):
        if value.numel() != 1:
            return None
        return float(value.detach().float().item())
    if isinstance(value, (int, float)):
        return float(value)
    return None


@HOOKS.register_module()
class NonFiniteCheckHook(Hook):
    """Stop training at the first non-finite loss; refuse to save
    non-finite weights. Config (``default_runtime.py`` adds
    it)::

        default_hooks = dict(non_finite_check=dict(
            _scope_='mmspg', type='NonFiniteCheckHook'))

    Args:
        enable (bool): The config switch, off with
            ``default_hooks.non_finite_check.enable=False`` (mmengine
            refuses ``=None`` for a default hook it does not define itself).
            Defaults to True.
    """

    # above CheckpointHook (VERY_LOW) and LoggerHook (BELOW_NORMAL)
    priority = 'ABOVE_NORMAL'

    def __init__(self, enable: bool = True) -> None:
        self.enable = enable

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        """Raise :class:`NonFiniteLossError` if any rank's iteration logged
        a non-finite value (``outputs``: the model's log variables)."""
        if not self.enable:
            return
        values = {}
        for key, value in (outputs or {}).items():
            number = _as_float(value)
            if number is not None:
                values[key] = number
        bad = [k for k, v in values.items() if not math.isfinite(v)]
        if is_distributed():
            flag = torch.tensor([float(bool(bad))])
            all_reduce(flag, op='max')
            diverged = bool(flag.item())
        else:
            diverged = bool(bad)
        if not diverged:
            return
        terms = ', '.join(f'{k}={v:.6g}' for k, v in values.items())
        where = (f'epoch {runner.epoch + 1}, iteration {batch_idx + 1} of '
                 f'the epoch (global iteration {runner.iter + 1})')
        if bad:
            what = f'non-finite {", ".join(bad)} ({terms})'
        else:
            what = (f'a non-finite loss on another rank (this rank: '
                    f'{terms})')
        raise NonFiniteLossError(
            f'Training diverged at {where}: {what}. Stopped before any '
            'checkpoint of it was saved; the checkpoints on disk are those '
            'of before. Lower the learning rate '
            '(optim_wrapper.optimizer.lr), clip gradients '
            '(optim_wrapper.clip_grad) or check the data.')

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        """Refuse a checkpoint holding non-finite float tensors."""
        if not self.enable:
            return
        state = checkpoint.get('state_dict') or {}
        bad = [
            key for key, value in state.items()
            if isinstance(value, torch.Tensor) and value.is_floating_point()
            and not bool(torch.isfinite(value).all())
        ]
        if bad:
            shown = ', '.join(bad[:5]) + (', ...' if len(bad) > 5 else '')
            raise NonFiniteLossError(
                f'Training diverged: {len(bad)} of {len(state)} weight '
                f'tensors are non-finite at epoch {runner.epoch + 1} '
                f'(global iteration {runner.iter}): {shown}. The checkpoint '
                'was not saved and no older one was removed. Lower the '
                'learning rate (optim_wrapper.optimizer.lr) or clip '
                'gradients (optim_wrapper.clip_grad).')
