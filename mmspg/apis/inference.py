"""Functional inference API: run a localizer on images."""
import os.path as osp
from typing import List, Optional, Union

from mmengine.model import BaseModel

from .wsol_inferencer import WSOLInferencer

__all__ = ['inference_localizer']


def inference_localizer(model: BaseModel,
                        images,
                        topk: Optional[int] = None,
                        thr: Optional[float] = None,
                        box_mode: str = 'largest',
                        batch_size: int = 1,
                        return_seeds: bool = False) -> Union[dict, List[dict]]:
    """Classify and localize objects in one image or a list of images.

    Args:
        model (BaseModel): A model from
            :func:`~mmspg.apis.init_localizer`.
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
    single = not isinstance(images,
                            (list, tuple)) and not (isinstance(images, str)
                                                    and osp.isdir(images))
    return results[0] if single else results
