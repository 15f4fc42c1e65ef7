"""Checkpoints named by URL (init_cfg, load_from) are unpickled weights-only,
like local files; the download itself is faked (no network)."""
import shutil

import pytest
import torch
from mmengine.runner.checkpoint import CheckpointLoader, _load_checkpoint

from mmspg.utils import (UnsafeCheckpointError, load_from_http_checked,
                         load_from_torchvision_checked)


class ForeignObject:
    """Stands for any object a pretrained file should not carry."""

    def __init__(self):
        self.payload = 1


@pytest.fixture
def fake_hub(tmp_path, monkeypatch):
    """torch hub's cache in tmp_path; downloads copy from ``served``."""
    served = {}
    calls = []

    def download(url, dst, hash_prefix=None, progress=True):
        calls.append(url)
        shutil.copy(served[url], dst)

    monkeypatch.setattr(torch.hub, 'get_dir', lambda: str(tmp_path / 'hub'))
    monkeypatch.setattr(torch.hub, 'download_url_to_file', download)
    return served, calls, tmp_path


def test_url_schemes_use_the_checked_loaders():
    import mmspg.utils  # noqa: F401
    for url in ('http://x/a.pth', 'https://x/a.pth'):
        assert CheckpointLoader._get_checkpoint_loader(
            url) is load_from_http_checked
    assert CheckpointLoader._get_checkpoint_loader(
        'torchvision://resnet50') is load_from_torchvision_checked


def test_hostile_download_is_refused(fake_hub):
    served, calls, tmp_path = fake_hub
    bad = tmp_path / 'bad.pth'
    torch.save({'w': torch.zeros(1), 'x': ForeignObject()}, str(bad))
    url = 'https://example.org/models/bad-1234.pth'
    served[url] = str(bad)
    with pytest.raises(UnsafeCheckpointError) as err:
        _load_checkpoint(url, map_location='cpu')
    assert 'ForeignObject' in str(err.value)
    assert 'bad-1234.pth' in str(err.value)  # the cached file is named
    assert calls == [url]


def test_good_download_loads_and_is_cached(fake_hub):
    served, calls, tmp_path = fake_hub
    good = tmp_path / 'good.pth'
    torch.save({'w': torch.arange(3.)}, str(good))
    url = 'https://example.org/models/good-1234.pth'
    served[url] = str(good)
    for _ in range(2):
        ckpt = _load_checkpoint(url, map_location='cpu')
        assert torch.equal(ckpt['w'], torch.arange(3.))
    assert calls == [url]  # the second read comes from the cache


def test_torchvision_scheme_resolves_to_the_checked_http(fake_hub):
    from mmengine.runner.checkpoint import get_torchvision_models
    served, calls, tmp_path = fake_hub
    url = get_torchvision_models()['resnet50']
    good = tmp_path / 'good.pth'
    torch.save({'w': torch.ones(1)}, str(good))
    served[url] = str(good)
    assert torch.equal(
        _load_checkpoint('torchvision://resnet50')['w'], torch.ones(1))
    with pytest.raises(KeyError, match='no_such_net'):
        _load_checkpoint('torchvision://no_such_net')
