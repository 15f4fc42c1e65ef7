import inspect
import io
import pickle
import pickletools
import zipfile

import mmspg_toy_data as toy
import numpy as np
import pytest
import torch
from mmengine.runner.checkpoint import _load_checkpoint

from mmspg.utils import (CorruptCheckpointError, UnsafeCheckpointError,
                         register_checkpoint_safe_globals, safe_global_names)


def pickled_globals(path):
    """Names of the globals a torch zip checkpoint's pickle refers to."""
    with zipfile.ZipFile(path) as zf:
        name = next(n for n in zf.namelist() if n.endswith('data.pkl'))
        data = zf.read(name)
    found = set()
    for op, arg, _ in pickletools.genops(data):
        if op.name == 'GLOBAL':
            module, attr = arg.split(' ')
            module = 'builtins' if module == '__builtin__' else module
            found.add(f'{module}.{attr}')
    return found


class ForeignObject:
    """Stands for any object a checkpoint should not carry."""

    def __init__(self):
        self.payload = 1


@pytest.fixture(scope='module')
def mmengine_checkpoint(tmp_path_factory):
    """A checkpoint written by mmengine's own Runner after one epoch."""
    root = toy.make_toy_data(tmp_path_factory.mktemp('data'))
    cfg = toy.load_toy_cfg(root)
    work_dir = tmp_path_factory.mktemp('plain_runner')
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        runner = toy.build_runner(
            cfg, work_dir, runner_type='Runner', **{'train_cfg.max_epochs': 1})
        runner.train()
    finally:
        torch.set_num_threads(before)
    return str(work_dir / 'epoch_1.pth')


def test_mmengine_checkpoint_loads_weights_only(mmengine_checkpoint):
    import mmspg  # noqa: F401

    # the file really holds what the allow-list is for, and all of it
    held = pickled_globals(mmengine_checkpoint)
    assert 'mmengine.logging.history_buffer.HistoryBuffer' in held
    assert 'numpy.ndarray' in held
    foreign = {
        n
        for n in held if n.split('.')[0] in ('mmengine', 'numpy', 'builtins')
    }
    assert foreign <= set(safe_global_names())

    ckpt = torch.load(mmengine_checkpoint, weights_only=True)
    buffer = ckpt['message_hub']['log_scalars']['train/loss']
    assert type(buffer).__name__ == 'HistoryBuffer'
    assert np.isfinite(buffer.mean())
    assert buffer.statistics('min') <= buffer.statistics('max')
    assert set(ckpt) >= {'meta', 'state_dict', 'optimizer', 'message_hub'}


def test_register_is_idempotent():
    assert register_checkpoint_safe_globals() == safe_global_names()
    names = safe_global_names()
    assert 'numpy.ndarray' in names and 'numpy.dtype' in names
    assert register_checkpoint_safe_globals() == names


def test_weights_only_stays_on(tmp_path):
    import mmspg  # noqa: F401

    # torch.load is torch's own, with its default (None -> weights_only)
    assert torch.load is torch.serialization.load
    default = inspect.signature(torch.load).parameters['weights_only'].default
    assert default is None or default is True
    path = str(tmp_path / 'foreign.pth')
    torch.save({'state_dict': {}, 'x': ForeignObject()}, path)
    with pytest.raises(pickle.UnpicklingError):
        torch.load(path)


def test_foreign_object_refused_with_name(tmp_path):
    import mmspg  # noqa: F401
    path = str(tmp_path / 'foreign.pth')
    torch.save({
        'state_dict': {
            'w': torch.zeros(1)
        },
        'x': ForeignObject()
    }, path)
    # mmengine's loading path (load_from, resume, load_checkpoint)
    with pytest.raises(UnsafeCheckpointError) as err:
        _load_checkpoint(path, map_location='cpu')
    message = str(err.value)
    assert path in message
    assert f'{__name__}.ForeignObject' in message or \
        'ForeignObject' in message
    assert isinstance(err.value, pickle.UnpicklingError)


def test_restricted_getattr(tmp_path):
    """The allow-listed ``builtins.getattr`` resolves only HistoryBuffer's
    statistics methods, never arbitrary attributes."""
    from mmengine.logging import HistoryBuffer

    import mmspg  # noqa: F401

    class Sneaky:

        def __reduce__(self):
            # what a crafted file could do with a plain getattr
            return (getattr, (HistoryBuffer, '__init__'))

    buf = io.BytesIO()
    torch.save({'x': Sneaky()}, buf)
    buf.seek(0)
    with pytest.raises(pickle.UnpicklingError, match='getattr'):
        torch.load(buf, weights_only=True)

    ok = HistoryBuffer([1.0, 2.0], [1, 1])
    buf = io.BytesIO()
    torch.save({'hb': ok}, buf)
    buf.seek(0)
    assert torch.load(buf, weights_only=True)['hb'].mean() == 1.5


# ---------------------------------------------------------------------------
# Corrupt files are called corrupt, with their path
# ---------------------------------------------------------------------------
def _good_bytes():
    buf = io.BytesIO()
    torch.save({'state_dict': {'w': torch.arange(1000.)}}, buf)
    return buf.getvalue()


def _legacy_bytes():
    buf = io.BytesIO()
    torch.save({'w': torch.zeros(3)},
               buf,
               _use_new_zipfile_serialization=False)
    return buf.getvalue()


@pytest.mark.parametrize(
    'content, what', [
        (b'', 'empty (0 bytes)'),
        (lambda: _good_bytes()[:len(_good_bytes()) // 2],
         'truncated or damaged zip archive'),
        (lambda: bytes(
            np.random.default_rng(0).integers(1, 128, 5000, dtype=np.uint8)),
         'neither a zip archive'),
        (b'\x80' + bytes(range(200)), 'pickled data is damaged'),
        (lambda: _legacy_bytes()[:200], 'truncated or damaged'),
        (b'# a config file, not a checkpoint\n', 'neither a zip archive'),
    ],
    ids=[
        'empty', 'truncated-zip', 'random-bytes', 'garbled-pickle',
        'truncated-legacy', 'text'
    ])
def test_corrupt_checkpoint_is_called_corrupt(tmp_path, content, what):
    import mmspg  # noqa: F401
    path = tmp_path / 'bad.pth'
    path.write_bytes(content() if callable(content) else content)
    with pytest.raises(CorruptCheckpointError) as err:
        _load_checkpoint(str(path), map_location='cpu')
    message = str(err.value)
    assert str(path) in message and 'is corrupt' in message
    assert what in message
    # never "arbitrary code", never the advice to turn weights_only off
    assert 'arbitrary code' not in message
    assert 'weights_only' not in message
    assert not isinstance(err.value, UnsafeCheckpointError)


def test_legacy_checkpoint_still_loads(tmp_path):
    import mmspg  # noqa: F401
    path = tmp_path / 'legacy.pth'
    path.write_bytes(_legacy_bytes())
    assert torch.equal(
        _load_checkpoint(str(path), map_location='cpu')['w'], torch.zeros(3))
