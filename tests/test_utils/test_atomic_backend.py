"""AtomicLocalBackend: a failed write names the file and keeps the old."""
import errno
import os

import pytest
from mmengine.fileio.backends import LocalBackend

from mmspg.utils import AtomicLocalBackend


def test_full_disk_names_the_path_and_keeps_the_old_file(
        tmp_path, monkeypatch):
    target = tmp_path / 'epoch_2.pth'
    backend = AtomicLocalBackend()
    backend.put(b'good', target)

    def full(self, obj, filepath):
        with open(filepath, 'wb') as f:
            f.write(obj[:2])  # a partial temporary file
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(LocalBackend, 'put', full)
    with pytest.raises(OSError) as err:
        backend.put(b'new checkpoint', target)
    assert err.value.errno == errno.ENOSPC  # still matchable by errno
    msg = str(err.value)
    assert str(target) in msg and 'the disk is full' in msg
    assert target.read_bytes() == b'good'
    assert os.listdir(tmp_path) == ['epoch_2.pth']  # no temporary left
