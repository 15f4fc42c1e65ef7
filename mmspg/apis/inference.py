"""Functional inference API: build a localizer, run it on images."""
import os.path as osp
from typing import List, Optional, Union

import torch
from mmengine.config import Config
from mmengine.model import BaseModel
from mmpretrain.apis import get_model

from mmspg.engine.runner import load_checkpoint_strict
from .wsol_inferencer import WSOLInferencer, scoped_model_config


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
            :func:`mmspg.engine.runner.load_from_local_checked`.
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


def inference_localizer(model: BaseModel,
                        images,
                        topk: Optional[int] = None,
                        thr: Optional[float] = None,
                        box_mode: str = 'largest',
                        batch_size: int = 1,
                        return_seeds: bool = False
                        ) -> Union[dict, List[dict]]:
    """Classify and localize objects in one image or a list of images.

    Args:
        model (BaseModel): A model from :func:`init_localizer`.
        images (str | np.ndarray | list): Image path, folder, (H, W, 3)
            uint8 BGR array, or a list of them.
        topk (int, optional): Classes (maps, boxes) per image, at most the
            head's ``loc_topk``. Defaults to all the maps the head returns (its
            ``loc_topk``, 5 by default).
        thr (float, optional): Box threshold relative to the map's max, in
            [0, 1]. Defaults to the config's ``test_evaluator.cam_threshold``
            (else 0.2).
        box_mode (str): ``'largest'`` (one box per class) or ``'all'``
            (one box per contour).
        batch_size (int): Images per forward pass.
        return_seeds (bool): Add the SPG guidance maps (``guidance``).

    Returns:
        dict | list[dict]: One result per image (a list for list or folder
        input); keys in :meth:`WSOLInferencer.iter_results`. Maps are
        float32 (k, H, W) in [0, 1] at the original size, boxes float32
        (M, 4) x1, y1, x2, y2 in original pixels.
    """
    # Cache the inferencer on the model: building the pipeline per call
    # would dominate the time of single-image calls.
    inferencer = getattr(model, '_wsol_inferencer', None)
    if inferencer is None:
        inferencer = WSOLInferencer(model, pretrained=False, device=None)
        model._wsol_inferencer = inferencer
    results = list(
        inferencer.iter_results(
            images,
            batch_size=batch_size,
            topk=topk,
            thr=thr,
            box_mode=box_mode,
            return_seeds=return_seeds))
    single = not isinstance(images, (list, tuple)) and not (
        isinstance(images, str) and osp.isdir(images))
    return results[0] if single else results
