"""Check that a checkpoint's weights fit a model before loading them.

mmengine's ``load_checkpoint`` (``strict=False``, the default of
``Runner.load_checkpoint``) only logs a warning for missing or unexpected keys
and torch raises for mis-shaped ones only after part of the model has been
overwritten. A mis-typed ``load_from`` or a checkpoint of another model then
trains or evaluates silently from random weights. :func:`check_checkpoint_fits`
raises one error naming every missing, unexpected and mis-shaped key first;
:func:`fit_for_fine_tuning` keeps what fits for a fine-tuning ``load_from``
and logs the rest. ``WSOLCheckpointHook.after_load_checkpoint`` calls them
before mmengine copies any weight.
"""
import logging
import re
from collections import OrderedDict
from typing import Dict, List, Sequence, Tuple

import torch.nn as nn
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper

__all__ = [
    'CheckpointMismatchError', 'find_state_dict_mismatch',
    'check_checkpoint_fits', 'load_checkpoint_strict', 'fit_for_fine_tuning'
]

# Shown per category; the counts are always complete.
_MAX_LISTED = 30


class CheckpointMismatchError(RuntimeError):
    """The keys or shapes of a checkpoint do not fit the model."""


def _revise(state_dict: Dict, revise_keys: Sequence[Tuple[str, str]]) -> Dict:
    # Same renaming as mmengine's _load_checkpoint_to_model.
    for pattern, replacement in revise_keys:
        state_dict = OrderedDict((re.sub(pattern, replacement, k), v)
                                 for k, v in state_dict.items())
    return state_dict


def find_state_dict_mismatch(
    model: nn.Module, state_dict: Dict
) -> Tuple[List[str], List[str], List[Tuple[str, tuple, tuple]]]:
    """Compare a state dict with a model's own.

    Args:
        model (nn.Module): the model (a wrapper such as DDP is unwrapped).
        state_dict (dict): name -> tensor, already renamed.

    Returns:
        tuple: ``(missing, unexpected, mis_shaped)``; ``missing`` omits BN
        ``num_batches_tracked`` counters (mmengine ignores them too);
        ``mis_shaped`` holds ``(key, checkpoint_shape, model_shape)``.
    """
    if is_model_wrapper(model):
        model = model.module
    own = model.state_dict()
    missing = [
        k for k in own
        if k not in state_dict and not k.endswith('num_batches_tracked')
    ]
    unexpected = [k for k in state_dict if k not in own]
    mis_shaped = []
    for key, value in state_dict.items():
        if key in own and hasattr(value, 'shape') and hasattr(
                own[key], 'shape') and tuple(value.shape) != tuple(
                    own[key].shape):
            mis_shaped.append((key, tuple(value.shape), tuple(own[key].shape)))
    return missing, unexpected, mis_shaped


def _listing(title: str, items: List[str]) -> str:
    shown = items[:_MAX_LISTED]
    more = len(items) - len(shown)
    text = f'  {title} ({len(items)}): ' + ', '.join(shown)
    return text + (f', ... and {more} more' if more > 0 else '')


def check_checkpoint_fits(
    model: nn.Module,
    checkpoint: Dict,
    filename: str,
    revise_keys: Sequence[Tuple[str, str]] = ((r'^module\.', ''), )
) -> None:
    """Raise if the checkpoint's weights do not fit the model exactly.

    Args:
        model (nn.Module): the model the weights are meant for.
        checkpoint (dict): a loaded checkpoint, with a ``state_dict`` entry or
            being a state dict itself.
        filename (str): where it came from, for the message.
        revise_keys: ``(pattern, replacement)`` renamings applied to the
            checkpoint's keys first, as mmengine does (strips ``module.``).

    Raises:
        CheckpointMismatchError: naming the missing, unexpected and
            mis-shaped keys.
    """
    if not isinstance(checkpoint, dict):
        raise CheckpointMismatchError(
            f'Checkpoint "{filename}" holds a {type(checkpoint).__name__}, '
            'not a dict of weights.')
    state_dict = checkpoint.get('state_dict', checkpoint)
    state_dict = _revise(state_dict, revise_keys)
    missing, unexpected, mis_shaped = find_state_dict_mismatch(
        model, state_dict)
    if not (missing or unexpected or mis_shaped):
        return
    lines = [
        f'Checkpoint "{filename}" does not fit the model '
        f'{type(model.module if is_model_wrapper(model) else model).__name__}'
        ' (nothing was loaded):'
    ]
    if missing:
        lines.append(_listing('missing in the checkpoint', missing))
    if unexpected:
        lines.append(_listing('unexpected in the checkpoint', unexpected))
    if mis_shaped:
        lines.append(
            _listing('mis-shaped (checkpoint vs model)',
                     [f'{k} {list(c)} vs {list(m)}'
                      for k, c, m in mis_shaped]))
    lines.append(
        'Check that load_from / the checkpoint argument matches the config. '
        'To initialise only part of the model from a checkpoint, use '
        "init_cfg=dict(type='Pretrained', checkpoint=..., prefix=...) on that "
        'part instead of load_from.')
    raise CheckpointMismatchError('\n'.join(lines))


def load_checkpoint_strict(
    model: nn.Module,
    filename: str,
    map_location='cpu',
    revise_keys: Sequence[Tuple[str, str]] = ((r'^module\.', ''), )
) -> Dict:
    """Load a checkpoint into a model only if it fits exactly.

    The strict counterpart of mmengine's ``load_checkpoint`` (which
    mmpretrain's ``get_model`` and ``BaseInferencer`` call non-strictly, so a
    checkpoint of another model only warns and inference runs on randomly
    initialised layers). The file is read with mmengine's loaders (for local
    files mmspg's weights-only, corruption-aware loader), checked with
    :func:`check_checkpoint_fits`, and only then copied into the model.

    Args:
        model (nn.Module): the model.
        filename (str): checkpoint path or URL.
        map_location: as for ``torch.load``.
        revise_keys: key renamings applied first, as mmengine does.

    Returns:
        dict: the loaded checkpoint.

    Raises:
        CheckpointMismatchError: naming the missing, unexpected and
            mis-shaped keys (nothing was loaded).
    """
    from mmengine.runner.checkpoint import (_load_checkpoint,
                                            _load_checkpoint_to_model)
    checkpoint = _load_checkpoint(filename, map_location=map_location)
    if is_model_wrapper(model):
        model = model.module
    check_checkpoint_fits(model, checkpoint, filename, revise_keys)
    return _load_checkpoint_to_model(
        model, checkpoint, strict=True, revise_keys=list(revise_keys))


def fit_for_fine_tuning(model: nn.Module,
                        checkpoint: Dict,
                        filename: str,
                        revise_keys: Sequence[Tuple[str,
                                                    str]] = ((r'^module\.',
                                                              ''), ),
                        logger='current') -> Dict:
    """Keep the weights of ``checkpoint`` that fit ``model``; log the rest.

    For a fine-tuning ``load_from`` (e.g. an mmpretrain classifier's backbone
    under an SPG head): the weights skipped (not in the model, mis-shaped)
    and the model's weights left at their initial values are logged, with
    complete counts.

    Args:
        model (nn.Module): the model (a wrapper such as DDP is unwrapped).
        checkpoint (dict): a loaded checkpoint, with a ``state_dict`` entry or
            being a state dict itself.
        filename (str): where it came from, for the messages.
        revise_keys: key renamings applied first, as mmengine does.
        logger: where to log (mmengine's ``print_log`` argument).

    Returns:
        dict: the fitting weights, already renamed (keys as in the model).

    Raises:
        CheckpointMismatchError: not one weight fits (an unrelated
            checkpoint), or the checkpoint is no dict.
    """
    if not isinstance(checkpoint, dict):
        raise CheckpointMismatchError(
            f'Checkpoint "{filename}" holds a '
            f'{type(checkpoint).__name__}, not a dict of weights.')
    if is_model_wrapper(model):
        model = model.module
    original = checkpoint.get('state_dict', checkpoint)
    state_dict = _revise(original, revise_keys)
    missing, unexpected, mis_shaped = find_state_dict_mismatch(
        model, state_dict)
    skipped = set(unexpected) | {k for k, _, _ in mis_shaped}
    fitting = OrderedDict(
        (k, v) for k, v in state_dict.items() if k not in skipped)
    # BN version numbers etc. (mmengine keeps them the same way)
    fitting._metadata = getattr(original, '_metadata', OrderedDict())
    if not fitting:
        raise CheckpointMismatchError(
            f'load_from "{filename}": not one of its {len(state_dict)} '
            f'weights fits the model {type(model).__name__} (e.g. '
            f'{", ".join(list(state_dict)[:3])}); is it a checkpoint of this '
            'model family? Nothing was loaded.')
    lines = [
        f'load_from "{filename}" (fine-tuning, non-strict): loaded '
        f'{len(fitting)} of the checkpoint\'s {len(state_dict)} '
        'weights.'
    ]
    if unexpected:
        lines.append(_listing('skipped, not in the model', unexpected))
    if mis_shaped:
        lines.append(
            _listing('skipped, mis-shaped', [
                f'{k} {list(c)} vs model {list(m)}' for k, c, m in mis_shaped
            ]))
    if missing:
        lines.append(
            _listing('missing, kept at their initial values', missing))
    print_log(
        '\n'.join(lines),
        logger=logger,
        level=logging.WARNING if len(lines) > 1 else logging.INFO)
    return fitting
