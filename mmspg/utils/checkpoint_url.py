"""Checkpoints from URLs, unpickled ``weights_only`` like local files.

mmengine 0.10.7 loads ``http(s)://`` checkpoints (``load_from_http`` in
``mmengine/runner/checkpoint.py``) with ``torch.utils.model_zoo.load_url``,
i.e. ``torch.hub.load_state_dict_from_url``, whose ``weights_only`` defaults
to False even in torch 2.6+: a downloaded pretrained file (the benchmark's
torchvision weights, every ``init_cfg`` Pretrained URL) was unpickled
without the allow-list that local files get from
:func:`~mmspg.utils.checkpoint_safety.load_from_local_checked`.
``torchvision://`` and ``modelzoo://`` go through the same function.

:func:`load_from_http_checked` downloads as mmengine does (torch hub's cache
``<hub_dir>/checkpoints``, rank 0 first) and reads the cached file with
:func:`load_from_local_checked`. It is registered for those prefixes with
``CheckpointLoader.register_scheme`` (mmengine's seam for loaders) by
:func:`~mmspg.utils.checkpoint_safety.register_checkpoint_safe_globals`.
``open-mmlab://`` and ``mmcls://`` keep mmengine's loaders (no mmspg config
uses them).
"""
import os
from typing import Any, Callable, Optional, Union
from urllib.parse import urlparse

import torch
from mmengine.dist import get_dist_info

__all__ = ['load_from_http_checked', 'load_from_torchvision_checked']

MapLocation = Optional[Union[str, Callable]]


def _cached_download(url: str, model_dir: Optional[str],
                     progress: bool) -> str:
    """Download ``url`` into torch hub's cache unless it is there; the path."""
    if model_dir is None:
        model_dir = os.path.join(torch.hub.get_dir(), 'checkpoints')
    os.makedirs(model_dir, exist_ok=True)
    cached = os.path.join(model_dir, os.path.basename(urlparse(url).path))
    if not os.path.exists(cached):
        torch.hub.download_url_to_file(url, cached, None, progress=progress)
    return cached


def load_from_http_checked(filename: str,
                           map_location: MapLocation = None,
                           model_dir: Optional[str] = None) -> Any:
    """mmengine's ``load_from_http`` with a weights-only, checked read.

    Args:
        filename (str): ``http(s)://`` URL of the checkpoint.
        map_location: as for ``torch.load``.
        model_dir (str, optional): download folder; torch hub's
            ``checkpoints`` folder when None (as mmengine).

    Returns:
        dict: the loaded checkpoint.

    Raises:
        UnsafeCheckpointError, CorruptCheckpointError: as
            :func:`load_from_local_checked`, naming the cached file.
    """
    from .checkpoint_safety import load_from_local_checked
    progress = os.isatty(0)  # as mmengine's default
    rank, world_size = get_dist_info()
    if rank == 0:
        path = _cached_download(filename, model_dir, progress)
    if world_size > 1:
        torch.distributed.barrier()
        if rank > 0:
            path = _cached_download(filename, model_dir, progress)
    return load_from_local_checked(path, map_location=map_location)


def load_from_torchvision_checked(
        filename: str,
        map_location: Optional[Union[str, Callable]] = None) -> Any:
    """``torchvision://NAME`` (and the deprecated ``modelzoo://NAME``)
    resolved as mmengine's ``load_from_torchvision`` does, then read with
    :func:`load_from_http_checked`."""
    from mmengine.runner.checkpoint import get_torchvision_models
    name = filename.split('://', 1)[1]
    urls = get_torchvision_models()
    if name not in urls:
        raise KeyError(f'{filename}: torchvision has no model named {name!r}')
    return load_from_http_checked(urls[name], map_location=map_location)
