"""Build a WSOL localizer from a config and load its checkpoint strictly
(mmpretrain's ``get_model`` only warns about keys that do not fit); what
inference takes from the config and the model besides the forward pass."""
import copy
import os.path as osp
from typing import Dict, List, Optional, Union

import numpy as np
import torch
from mmengine.config import Config
from mmengine.model import BaseModel
from mmpretrain.apis import get_model

from mmspg.utils import load_checkpoint_strict

__all__ = [
    'init_localizer', 'build_localizer', 'scoped_model_config',
    'test_pipeline_cfg', 'decode_backend', 'guidance_maps'
]


def scoped_model_config(config: Union[str, Config]) -> Config:
    """A copy of ``config`` whose model dict names the config's scope.

    mmpretrain's ``get_model`` (used by its inferencers and by
    :func:`init_localizer`) builds the model in the ``'mmpretrain'`` scope;
    ``model._scope_`` keeps the config's own ``default_scope`` (``'mmspg'``)
    for the model's subtree.
    """
    config = copy.deepcopy(config) if isinstance(config, Config) else \
        Config.fromfile(config)
    if config.get('default_scope') and '_scope_' not in config.model:
        config.model['_scope_'] = config.default_scope
    return config


def init_localizer(config: Union[str, Config],
                   checkpoint: Optional[str] = None,
                   device: Union[str, torch.device, None] = None,
                   **kwargs) -> BaseModel:
    """Build a WSOL localizer from a config and load its checkpoint.

    Args:
        config (str | Config): Config file path or Config.
        checkpoint (str, optional): Checkpoint path; None keeps the
            initial weights (random, or the backbone's ``init_cfg``).
        device (str | torch.device, optional): Device; None picks CUDA when
            available, else CPU.
        **kwargs: Overrides of ``config.model`` (e.g.
            ``head=dict(loc_topk=1)``).

    Returns:
        BaseModel: The model in eval mode, with ``_config`` (the config) and
        ``_dataset_meta`` (class names from the checkpoint's
        ``meta['dataset_meta']``, else the test dataset's ``METAINFO``), as
        :func:`mmpretrain.apis.get_model` sets them.

    Raises:
        CheckpointMismatchError: the checkpoint does not fit the model
            (missing, unexpected or mis-shaped keys, all named); unlike
            ``get_model``, which loads non-strictly and only warns, nothing
            is loaded then, as ``tools/test.py`` and ``--resume`` refuse it.
        CorruptCheckpointError, UnsafeCheckpointError: see
            :func:`mmspg.utils.load_from_local_checked`.
    """
    if isinstance(config, str) and not osp.isfile(config):
        raise FileNotFoundError(f'init_localizer: no config file {config!r}')
    if checkpoint is not None and not osp.isfile(checkpoint):
        raise FileNotFoundError(
            f'init_localizer: no checkpoint file {checkpoint!r}')
    if device is None:
        device = 'cuda' if torch.cuda.is_available() else 'cpu'
    # get_model loads non-strictly (mmengine's load_checkpoint only warns
    # about keys that do not fit): build without weights, load strictly.
    model = get_model(
        scoped_model_config(config), pretrained=False, device=device, **kwargs)
    if checkpoint is not None:
        loaded = load_checkpoint_strict(model, checkpoint, map_location='cpu')
        meta = loaded.get('meta', {}) if isinstance(loaded, dict) else {}
        # class names as get_model takes them (mmpretrain 1.x, mmcls 0.x)
        if 'dataset_meta' in meta:
            model._dataset_meta = meta['dataset_meta']
        elif 'CLASSES' in meta:
            model._dataset_meta = {'classes': meta['CLASSES']}
    return model


def build_localizer(model: Union[str, Config],
                    pretrained: Union[str, bool, None] = True,
                    device: Union[str, torch.device, None] = None,
                    **kwargs) -> BaseModel:
    """The model of :class:`~mmspg.apis.WSOLInferencer` given as a config.

    Args:
        model (str | Config): Config file (``.py``) or Config.
        pretrained (str | bool, optional): Checkpoint path; True: the
            config's ``load_from``; False / None: the initial weights.
        device: As for :func:`init_localizer`.
        **kwargs: Overrides of ``config.model``.

    Returns:
        BaseModel: As :func:`init_localizer` returns it.
    """
    config = model if isinstance(model, Config) else (
        Config.fromfile(model) if str(model).endswith('.py') else None)
    if config is None:
        raise ValueError('WSOLInferencer: model must be a built model, a '
                         f'config file (.py) or a Config, got {model!r}')
    if pretrained is True:
        pretrained = config.get('load_from') or None
    return init_localizer(config, pretrained or None, device=device, **kwargs)


def test_pipeline_cfg(cfg: Config) -> list:
    """The config's test pipeline without its loading steps (mmcv's and
    mmspg's ``LoadImageFromFile*``): inference loads paths, arrays and video
    frames itself. KeyError if the config has no test pipeline."""
    try:
        pipeline = cfg.test_dataloader.dataset.pipeline
    except AttributeError as e:
        raise KeyError('WSOLInferencer: the config needs '
                       '`test_dataloader.dataset.pipeline`') from e
    return [
        t for t in pipeline if not str(
            t.get('type', '') if isinstance(t, dict) else type(t).__name__).
        split('.')[-1].startswith('LoadImageFromFile')
    ]


def decode_backend(cfg: Config) -> str:
    """The decoder (``imdecode_backend``) of the loading step of the
    config's test pipeline, ``'cv2'`` (mmcv's default) when it names none:
    inference decodes files as the recipe was trained and tested."""
    for t in cfg.get('test_dataloader', {}).get('dataset',
                                                {}).get('pipeline', []):
        if isinstance(t, dict) and str(t.get(
                'type', '')).split('.')[-1].startswith('LoadImageFromFile'):
            return t.get('imdecode_backend', 'cv2')
    return 'cv2'


@torch.no_grad()
def guidance_maps(model: BaseModel,
                  inputs: torch.Tensor) -> List[Dict[str, np.ndarray]]:
    """The SPG guidance of each image's top-1 class (no labels are known).

    Args:
        model (BaseModel): A ``WSOLClassifier`` with an ``SPGHead``.
        inputs (Tensor): (N, 3, H, W) preprocessed images.

    Returns:
        list[dict]: Per image, (S, S) float32 maps: ``attention``,
        ``seed_*`` (1 fg, 0 bg, 255 ignored), ``b1``, ``b2``, ``c`` logits;
        keys of switched-off branches are absent.
    """
    if not getattr(model, 'with_guidance', hasattr(model, 'guidance')):
        head = getattr(model, 'head', None)
        raise TypeError(
            'WSOLInferencer: return_seeds (--show-seeds) needs a head with '
            'self-produced guidance (WSOLClassifier + SPGHead), got '
            f'{type(model).__name__} with {type(head).__name__}')
    out = model.guidance(inputs, None)
    return [{
        k: v[i, 0].float().cpu().numpy()
        for k, v in out.items()
        if k not in ('cams', 'cls_score') and isinstance(v, torch.Tensor)
    } for i in range(len(inputs))]
