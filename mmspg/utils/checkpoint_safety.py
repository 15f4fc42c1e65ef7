"""Safe loading of mmengine checkpoints with ``torch.load(weights_only=True)``.

Since torch 2.6 ``torch.load`` defaults to ``weights_only=True``: it unpickles
only tensors, containers and plain Python values, plus the globals a program
allow-lists with ``torch.serialization.add_safe_globals``. mmengine 0.10.7
calls ``torch.load`` without ``weights_only`` (``load_from_local`` in
``mmengine/runner/checkpoint.py``) and so inherits that default, but its
checkpoints hold more than weights: the message hub's ``HistoryBuffer``
objects with numpy arrays and scalars inside. Resume and ``load_from``
therefore fail on a checkpoint mmengine itself wrote.

:func:`register_checkpoint_safe_globals` (run when :mod:`mmspg.utils` is
imported: by ``import mmspg`` once torch is loaded, and by mmengine itself
before it builds anything in the ``'mmspg'`` scope) allow-lists exactly what
an mmengine checkpoint needs, measured with ``torch.serialization.
get_unsafe_globals_in_checkpoint`` on checkpoints written by mmengine's
``Runner`` (see :data:`SAFE_GLOBAL_REASONS`), and nothing else:
``weights_only`` stays on, so a checkpoint carrying any other pickled object
is still refused.

It also registers :func:`load_from_local_checked` as mmengine's loader for
local paths (``CheckpointLoader.register_scheme``, mmengine's seam for
loaders). The allow-list alone would load every good checkpoint; the loader
is there for the bad ones: torch reports a truncated file and a hostile
pickle alike as an ``UnpicklingError`` that names neither the file nor the
difference and advises ``weights_only=False``. This one raises
:class:`CorruptCheckpointError` or :class:`UnsafeCheckpointError` with the
path, on every mmengine path (``load_from``, resume, ``load_checkpoint``),
and auto-resume skips only the corrupt ones.
"""
import os
import pickle
import re
import struct
import zipfile
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

import numpy as np
import torch
from mmengine.logging import HistoryBuffer
from mmengine.runner.checkpoint import CheckpointLoader

__all__ = [
    'SAFE_GLOBAL_REASONS', 'UnsafeCheckpointError', 'CorruptCheckpointError',
    'register_checkpoint_safe_globals', 'load_from_local_checked',
    'safe_global_names'
]

# numpy 2 moved ``numpy.core`` to ``numpy._core``; pickles name the module of
# the numpy that wrote them, so both spellings must resolve.
try:
    from numpy._core import multiarray as _np_multiarray
except ImportError:  # numpy < 2
    from numpy.core import multiarray as _np_multiarray

# dtypes whose arrays/scalars mmengine writes (log values are float64, counts
# int64, user-logged values may be any plain numeric type). ``type(np.dtype)``
# gives ``numpy.dtypes.Float64DType`` on numpy >= 1.25 and works on older numpy
# too. Object dtype is left out on purpose.
_NUMERIC_DTYPES = ('bool', 'int8', 'int16', 'int32', 'int64', 'uint8',
                   'uint16', 'uint32', 'uint64', 'float16', 'float32',
                   'float64', 'longdouble', 'complex64', 'complex128')

#: Why each allow-listed global is needed (name as a pickle refers to it).
SAFE_GLOBAL_REASONS: Dict[str, str] = {
    'mmengine.logging.history_buffer.HistoryBuffer':
    "the message hub's log_scalars (train/loss, train/lr, ...) are "
    'HistoryBuffer objects',
    'builtins.getattr':
    'HistoryBuffer pickles its statistics methods as getattr(HistoryBuffer, '
    "'min'|'max'|'current'|'mean'); allow-listed as a restricted getattr "
    'that resolves only those',
    'numpy._core.multiarray._reconstruct':
    'HistoryBuffer keeps its history in numpy arrays (numpy >= 2 pickles)',
    'numpy.core.multiarray._reconstruct':
    'the same written by numpy < 2',
    'numpy.ndarray':
    'the class of those arrays',
    'numpy.dtype':
    'the dtype of those arrays and scalars',
    'numpy.dtypes.<numeric>DType':
    'numpy >= 1.25 rebuilds a dtype as an instance of its per-type class '
    '(Float64DType, Int64DType, ...; numeric and bool only)',
    'numpy._core.multiarray.scalar':
    "numpy scalars, e.g. runtime_info['eta'] (np.float64) and metrics "
    'kept in the message hub (numpy >= 2 pickles)',
    'numpy.core.multiarray.scalar':
    'the same written by numpy < 2',
}


class UnsafeCheckpointError(pickle.UnpicklingError):
    """A checkpoint holds a pickled object that is not allow-listed."""


class CorruptCheckpointError(RuntimeError):
    """A file is not a readable torch checkpoint: empty, truncated, damaged,
    or another kind of file. Auto-resume skips such files; a checkpoint that
    is readable but holds a refused object raises
    :class:`UnsafeCheckpointError` instead and is never skipped."""


def _history_buffer_getattr(obj: Any, name: str) -> Any:
    """``getattr`` restricted to HistoryBuffer's statistics methods.

    ``HistoryBuffer.__getstate__`` stores ``HistoryBuffer._statistics_methods``
    (``{'min': HistoryBuffer.min, ...}``); pickle protocol 2 writes each of
    these functions as ``getattr(HistoryBuffer, 'min')``. Allow-listing the
    real ``builtins.getattr`` would let a checkpoint reach any attribute of
    any allow-listed object, so only these lookups are resolved.
    """
    if obj is HistoryBuffer and isinstance(
            name, str) and (name in HistoryBuffer._statistics_methods
                            or name in ('min', 'max', 'current', 'mean')):
        return getattr(obj, name)
    raise pickle.UnpicklingError(
        f'Unsupported global: GLOBAL builtins.getattr with arguments '
        f'({obj!r}, {name!r}): mmspg allows getattr in checkpoints only for '
        "HistoryBuffer's statistics methods")


def _safe_globals() -> List[Union[Callable, Tuple[Callable, str]]]:
    """The objects to allow-list; a tuple gives the name a pickle uses."""
    entries: List[Union[Callable, Tuple[Callable, str]]] = [
        HistoryBuffer,
        (_history_buffer_getattr, 'builtins.getattr'),
        np.ndarray,
        np.dtype,
    ]
    for module in ('numpy._core.multiarray', 'numpy.core.multiarray'):
        entries.append((_np_multiarray._reconstruct, f'{module}._reconstruct'))
        entries.append((_np_multiarray.scalar, f'{module}.scalar'))
    for name in _NUMERIC_DTYPES:
        dtype_cls = type(np.dtype(name))
        if dtype_cls is not np.dtype:  # numpy < 1.20 has no per-type class
            entries.append(dtype_cls)
    return entries


def safe_global_names() -> List[str]:
    """Names (as pickles refer to them) that mmspg allow-lists."""
    names = []
    for entry in _safe_globals():
        if isinstance(entry, tuple):
            names.append(entry[1])
        else:
            names.append(f'{entry.__module__}.{entry.__qualname__}')
    return sorted(set(names))


def _torch_has_safe_globals() -> bool:
    return hasattr(torch.serialization, 'add_safe_globals')


def _torch_accepts_named_globals() -> bool:
    # ``(obj, 'name')`` entries are understood since torch 2.6.
    from mmengine.utils import digit_version
    return digit_version(torch.__version__) >= digit_version('2.6.0')


_REGISTERED = False


def register_checkpoint_safe_globals() -> List[str]:
    """Allow-list the globals of mmengine checkpoints; idempotent.

    Also registers :func:`load_from_local_checked` as mmengine's loader for
    local paths, and :mod:`mmspg.utils.checkpoint_url`'s loaders for
    ``http(s)://`` and ``torchvision://`` (read weights-only after the
    download), so a refused checkpoint names its file and offending global.
    ``weights_only`` itself is never switched off.

    Returns:
        list[str]: the allow-listed names (empty where torch < 2.4 has no
        allow-list and ``weights_only`` is off by default anyway).
    """
    global _REGISTERED
    if not _torch_has_safe_globals():
        return []
    entries = _safe_globals()
    if not _torch_accepts_named_globals():
        # torch 2.4/2.5 (weights_only off by default) know no (obj, name)
        # entries; register the rest for callers that ask for weights_only.
        entries = [e for e in entries if not isinstance(e, tuple)]
    if not _REGISTERED:
        torch.serialization.add_safe_globals(entries)
        CheckpointLoader.register_scheme(
            prefixes='', loader=load_from_local_checked, force=True)
        # URLs too: mmengine reads them with torch.hub's weights_only=False
        from .checkpoint_url import (load_from_http_checked,
                                     load_from_torchvision_checked)
        CheckpointLoader.register_scheme(
            prefixes=('http://', 'https://'),
            loader=load_from_http_checked,
            force=True)
        CheckpointLoader.register_scheme(
            prefixes=('torchvision://', 'modelzoo://'),
            loader=load_from_torchvision_checked,
            force=True)
        _REGISTERED = True
    return safe_global_names()


_GLOBAL_PATTERNS = (
    re.compile(r'GLOBAL (\S+) was not an allowed global'),
    re.compile(r'Trying to load unsupported GLOBAL (\S+)'),
    re.compile(r'(GLOBAL builtins\.getattr with arguments .*?\)):'),
    re.compile(r'unrecognized function (.+?)(?: which belongs|$)', re.M),
    re.compile(r'allowlisted via `add_safe_globals` but got (.+)$', re.M),
)


def _offending_global(message: str) -> Optional[str]:
    for pattern in _GLOBAL_PATTERNS:
        match = pattern.search(message)
        if match:
            return match.group(1)
    return None


def _weights_only_flag() -> Dict[str, bool]:
    """``weights_only`` for ``torch.load``: on, unless the user opted out.

    Passed explicitly so the loader stays safe whatever torch's default.
    Torch's documented opt-out ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD`` (a
    user's decision for a file they trust) only works when the call site
    does not pass the flag, so it is left out then. torch < 2.6 cannot
    allow-list everything a checkpoint needs (no ``(obj, name)`` entries for
    the restricted getattr), so it keeps its own default (off) as mmengine.
    """
    if not (_torch_has_safe_globals() and _torch_accepts_named_globals()):
        return {}
    opt_out = os.getenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', '0').lower()
    if opt_out in ('1', 'y', 'yes', 'true'):
        return {}
    return {'weights_only': True}


# torch.save writes a zip archive (local file header "PK\x03\x04"), or with
# ``_use_new_zipfile_serialization=False`` (and before torch 1.6) a pickle
# stream, which starts with the PROTO opcode 0x80.
_ZIP_MAGIC = b'PK\x03\x04'
_PICKLE_MAGIC = b'\x80'


def _corrupt(filename: str, what: str) -> CorruptCheckpointError:
    return CorruptCheckpointError(
        f'Checkpoint "{filename}" is corrupt: {what}. It cannot be loaded '
        'with any setting; use another checkpoint (an earlier epoch_*.pth) '
        'or save it again.')


def _unpickler_reason(message: str) -> str:
    """The part of torch's weights-only message that says what failed,
    without its advice to switch ``weights_only`` off."""
    match = re.search(r'WeightsUnpickler error:\s*(.+?)(?:\n\n|$)', message,
                      re.S)
    return ' '.join((match.group(1) if match else message).split())[:200]


def load_from_local_checked(
        filename: str,
        map_location: Optional[Union[str, Callable]] = None) -> Any:
    """Load a local checkpoint like mmengine's ``load_from_local``.

    Args:
        filename (str): path of the checkpoint (``~`` expanded).
        map_location: as for ``torch.load``.

    Returns:
        dict: the loaded checkpoint.

    Raises:
        FileNotFoundError: no such file.
        CorruptCheckpointError: the file is empty, truncated, damaged or not
            a torch checkpoint at all; the message names the file and what
            is wrong.
        UnsafeCheckpointError: the file holds a pickled object outside the
            allow-list; the message names the file and that global.
    """
    filename = os.path.expanduser(filename)
    if not os.path.isfile(filename):
        raise FileNotFoundError(f'{filename} can not be found.')
    with open(filename, 'rb') as f:
        head = f.read(4)
    if not head:
        raise _corrupt(
            filename, 'the file is empty (0 bytes); the save that '
            'wrote it was probably interrupted')
    is_zip = head == _ZIP_MAGIC
    if not is_zip and not head.startswith(_PICKLE_MAGIC):
        raise _corrupt(
            filename, f'it is neither a zip archive (what torch.save writes) '
            f'nor a pickle stream (first bytes {head!r})')
    try:
        return torch.load(
            filename, map_location=map_location, **_weights_only_flag())
    except pickle.UnpicklingError as err:
        culprit = _offending_global(str(err))
        if culprit is None:
            # No global named: the unpickler met bytes that are no valid
            # pickle opcode (a hostile pickle must name the global it calls).
            raise _corrupt(
                filename, 'its pickled data is damaged (torch\'s unpickler: '
                f'{_unpickler_reason(str(err))})') from err
        raise UnsafeCheckpointError(
            f'Refusing to load checkpoint "{filename}": it holds a pickled '
            f'object of `{culprit}`, which is not one of the globals an '
            'mmengine checkpoint needs (mmspg allow-lists only those, see '
            'mmspg.utils.checkpoint_safety.SAFE_GLOBAL_REASONS). '
            'Unpickling it could run arbitrary code. If you trust the file '
            'and that type, allow-list it with '
            'torch.serialization.add_safe_globals([...]) before loading.'
        ) from err
    except (EOFError, IndexError, KeyError, ValueError, struct.error,
            zipfile.BadZipFile) as err:
        # legacy pickle streams cut short or garbled
        raise _corrupt(
            filename, f'reading it failed with {type(err).__name__}: '
            f'{str(err)[:200] or "unexpected end of data"} (truncated or '
            'damaged)') from err
    except RuntimeError as err:
        text = str(err)
        if is_zip and ('PytorchStreamReader' in text or 'zip' in text):
            # e.g. "failed finding central directory": a truncated archive
            raise _corrupt(
                filename, 'it is a truncated or damaged zip archive '
                f'(torch: {text.split(". ")[0][:200]})') from err
        raise
