"""The mmpretrain-style inferencer of a WSOL localizer: the top-k classes
of an image, their maps at the original image size and their boxes."""
import os.path as osp
import warnings
from typing import Callable, Dict, Iterator, List, Optional, Sequence

import mmcv
import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import Compose, default_collate
from mmengine.model import BaseModel
from mmpretrain.apis.base import BaseInferencer, InputType, ModelType
from mmpretrain.structures import DataSample

from mmspg.evaluation.metrics import wsol_metric_cfgs
from mmspg.evaluation.metrics.sample_fields import loc_normalizer_of
from mmspg.registry import TRANSFORMS
from mmspg.utils import load_checkpoint_strict
from mmspg.visualization import BOX_MODES, WSOLVisualizer, map_to_boxes

from .geometry import input_affine, maps_to_original, probe_box
from .image_inputs import expand_inputs, load_image
from .model import (build_localizer, decode_backend, guidance_maps,
                    test_pipeline_cfg)

__all__ = ['WSOLInferencer']


class WSOLInferencer(BaseInferencer):
    """Classify and localize objects in images with a WSOL model.

    The mmpretrain inferencer (``ImageClassificationInferencer``) extended
    to localization: for each image it returns the top-k classes with their
    scores and names, their localization maps at the ORIGINAL image size
    and their boxes in original pixels.

    The steps are mmpretrain's: :meth:`preprocess` runs the config's test
    pipeline (so predictions match evaluation) with a probe box that
    measures its geometry (:mod:`mmspg.apis.geometry`); :meth:`forward`
    predicts and records that geometry; :meth:`visualize` draws overlays;
    :meth:`postprocess` builds the result dicts: maps back in the original
    frame (0 where a crop cut the image), boxes by the evaluation's contour
    rules. :meth:`iter_results` runs them batch by batch.

    Args:
        model (BaseModel | str | Config): A config path / Config, or a built
            ``WSOLClassifier`` (then ``model._config`` must hold the config,
            as :func:`mmpretrain.apis.get_model` sets it).
        pretrained (str | bool): Checkpoint path; True uses the config's
            ``load_from``; False/None keeps the initial weights. Loaded
            strictly: a checkpoint whose keys or shapes do not fit the model
            raises ``CheckpointMismatchError`` naming them (mmpretrain's
            ``BaseInferencer`` only warns).
        device (str | torch.device, optional): Device; None picks CUDA when
            available, else CPU (a built model stays where it is).
        classes (Sequence[str], optional): Class names. Defaults to
            ``dataset_meta['classes']`` of the checkpoint meta, else the
            ``METAINFO`` of the config's test dataset class.

    Example:
        >>> from mmspg.apis import WSOLInferencer
        >>> inferencer = WSOLInferencer('configs/demo/spg_demo.py',
        ...                             'work_dirs/spg_demo/epoch_25.pth')
        >>> result = inferencer('bird.jpg', topk=1, thr=0.2)[0]
        >>> result['pred_class'], result['boxes'][0]
        ('class_3', array([[ 41.,  30., 180., 151.]], dtype=float32))
    """

    preprocess_kwargs: set = set()
    forward_kwargs: set = {'return_seeds'}
    # thr and box_mode go to both: the overlay draws the top-1 box
    visualize_kwargs: set = {
        'show', 'wait_time', 'show_dir', 'gt_bboxes', 'thr', 'box_mode'
    }
    postprocess_kwargs: set = {'topk', 'thr', 'box_mode'}

    def __init__(self,
                 model: ModelType,
                 pretrained=True,
                 device=None,
                 classes: Optional[Sequence[str]] = None,
                 **kwargs) -> None:
        # Checkpoints are loaded strictly (mmpretrain's BaseInferencer and
        # get_model only warn about keys that do not fit).
        if not isinstance(model, BaseModel):
            # kwargs are model overrides here, as for get_model
            model, kwargs = build_localizer(model, pretrained, device,
                                            **kwargs), {}
        elif isinstance(pretrained, str):
            load_checkpoint_strict(model, pretrained, map_location='cpu')
        super().__init__(
            model=model, pretrained=False, device=device, **kwargs)
        if classes is None:
            classes = (getattr(self.model, '_dataset_meta', None)
                       or {}).get('classes')
        self.classes = list(classes) if classes is not None else None
        evaluator = (wsol_metric_cfgs(self.config.get('test_evaluator'))
                     or [{}])[0]
        #: Default box threshold: the evaluator's ``cam_threshold`` so that
        #: boxes match the reported Top-1 Loc, else 0.2 (CAM's usual value).
        self.default_thr = float(evaluator.get('cam_threshold', 0.2))

    def _init_pipeline(self, cfg: Config) -> Callable:
        # images are loaded in `preprocess`, files by the recipe's decoder
        self.imdecode_backend = decode_backend(cfg)
        return Compose([
            TRANSFORMS.build(t) if isinstance(t, dict) else t
            for t in test_pipeline_cfg(cfg)
        ])

    def _inputs_to_list(self, inputs: InputType) -> list:
        return expand_inputs(inputs)

    def preprocess(self, inputs: list, batch_size: int = 1, **kwargs):
        """Yield ``(collated batch, original (h, w) of each image, path of
        each image or None)``; each image carries the probe box."""
        for start in range(0, len(inputs), batch_size):
            packed, shapes, paths = [], [], []
            for i, item in enumerate(inputs[start:start + batch_size]):
                img = load_image(item, start + i, self.imdecode_backend)
                h, w = img.shape[:2]
                results = dict(
                    img=img,
                    img_shape=(h, w),
                    ori_shape=(h, w),
                    gt_bboxes=probe_box(h, w))
                if isinstance(item, str):
                    results['img_path'] = item
                packed.append(self.pipeline(results))
                shapes.append((h, w))
                paths.append(item if isinstance(item, str) else None)
            yield default_collate(packed), shapes, paths

    @torch.no_grad()
    def forward(self,
                inputs: tuple,
                return_seeds: bool = False) -> List[DataSample]:
        """Predict one batch of :meth:`preprocess`.

        Args:
            inputs (tuple): ``(collated batch, original shapes, paths)``.
            return_seeds (bool): Also run ``model.guidance`` (the SPG
                attention and seeds of each image's top-1 class).

        Returns:
            list[DataSample]: Predictions (``loc_maps`` at the input size)
            with the metainfo ``ori_shape``, ``input_affine`` (sx, tx, sy,
            ty: original -> input, see :func:`~.geometry.input_affine`) and
            ``img_path`` for path inputs; the probe ``gt_bboxes`` removed;
            with ``return_seeds``, ``guidance`` (see
            :func:`~mmspg.apis.model.guidance_maps`).
        """
        batch, ori_shapes, paths = inputs
        data = self.model.data_preprocessor(batch, False)
        preds = self.model(**data, mode='predict')
        for sample, shape, path in zip(preds, ori_shapes, paths):
            affine = input_affine(sample, shape)
            if 'gt_bboxes' in sample:
                del sample.gt_bboxes  # the probe, not an annotation
            meta = dict(ori_shape=tuple(shape), input_affine=affine)
            if path is not None:
                meta['img_path'] = path
            sample.set_metainfo(meta)
        if return_seeds:
            for sample, maps in zip(preds,
                                    guidance_maps(self.model, data['inputs'])):
                sample.guidance = maps
        return preds

    def _check_options(self,
                       batch_size: int = 1,
                       topk: Optional[int] = None,
                       thr: Optional[float] = None,
                       box_mode: str = 'largest') -> float:
        """Validate the options before any work; returns the threshold."""
        if not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f'batch_size must be a positive int, got '
                             f'{batch_size!r}')
        if topk is not None and (not isinstance(topk, int) or topk < 1):
            raise ValueError(f'topk must be a positive int, got {topk!r}')
        if box_mode not in BOX_MODES:
            raise ValueError(f'box_mode must be one of {BOX_MODES}, got '
                             f'{box_mode!r}')
        thr = self.default_thr if thr is None else float(thr)
        if not 0.0 <= thr <= 1.0:
            raise ValueError(f'thr must be in [0, 1], got {thr!r}')
        return thr

    def _build_result(self, sample: DataSample, topk: Optional[int],
                      thr: float, box_mode: str) -> dict:
        """One result dict (keys in :meth:`iter_results`) of a prediction
        of :meth:`forward`."""
        scores = sample.pred_score.float().cpu().numpy()
        loc_labels = sample.loc_labels.cpu().numpy().astype(int)
        if topk is None:
            topk = len(loc_labels)
        elif topk > len(loc_labels):
            warnings.warn(f'WSOLInferencer: topk={topk} but the head returns '
                          f'{len(loc_labels)} maps (its `loc_topk`); using '
                          f'{len(loc_labels)}')
            topk = len(loc_labels)
        ori_shape = sample.ori_shape
        # drawn as the model normalised them (its loc_normalize), as the
        # metric scores them
        maps = maps_to_original(sample.loc_maps[:topk].float().cpu().numpy(),
                                sample.input_affine, ori_shape,
                                loc_normalizer_of(sample))
        labels = loc_labels[:topk]
        result = dict(
            pred_scores=scores,
            pred_label=int(labels[0]),
            pred_score=float(scores[labels[0]]),
            topk_labels=[int(c) for c in labels],
            topk_scores=[float(scores[c]) for c in labels],
            loc_maps=maps,
            boxes=[map_to_boxes(m, thr, box_mode) for m in maps],
            thr=float(thr),
            ori_shape=tuple(int(s) for s in ori_shape),
        )
        if self.classes is not None:
            names = [
                str(self.classes[c] if c < len(self.classes) else c)
                for c in labels
            ]
            result['pred_class'], result['topk_classes'] = names[0], names
        if 'img_path' in sample:
            result['img_path'] = sample.img_path
        if 'guidance' in sample:
            result['guidance'] = sample.guidance
        return result

    def postprocess(self,
                    preds: List[DataSample],
                    visualization: Optional[List[np.ndarray]] = None,
                    return_datasamples: bool = False,
                    topk: Optional[int] = None,
                    thr: Optional[float] = None,
                    box_mode: str = 'largest') -> list:
        """The result dicts of predictions of :meth:`forward` (see
        :meth:`iter_results`), or the ``DataSample``s themselves with
        ``return_datasamples``. ``visualization`` is not part of the
        results (:meth:`visualize` writes or shows it)."""
        if return_datasamples:
            return preds
        thr = self._check_options(topk=topk, thr=thr, box_mode=box_mode)
        return [self._build_result(s, topk, thr, box_mode) for s in preds]

    def iter_results(self,
                     inputs: InputType,
                     batch_size: int = 1,
                     topk: Optional[int] = None,
                     thr: Optional[float] = None,
                     box_mode: str = 'largest',
                     return_seeds: bool = False) -> Iterator[dict]:
        """Yield one result dict per input image, batch by batch.

        Memory stays bounded by one batch, so this is the way to run over
        many images or video frames (``__call__`` keeps every result).

        Args:
            inputs (str | np.ndarray | list): Image path(s), folder(s)
                (searched recursively) or (H, W, 3) uint8 BGR array(s).
            batch_size (int): Images per forward pass.
            topk (int, optional): Number of classes (and maps, boxes) per
                image, at most the head's ``loc_topk``. Defaults to all the
                maps the head returns (its ``loc_topk``, 5 by default).
            thr (float, optional): Box threshold relative to the map's
                maximum, in [0, 1]. Defaults to the config's
                ``test_evaluator.cam_threshold``, else 0.2.
            box_mode (str): ``'largest'``: the box of the largest contour;
                ``'all'``: one box per contour.
            return_seeds (bool): Add the SPG ``guidance`` maps.

        Yields:
            dict: ``pred_scores`` (num_classes,) float32 softmax;
            ``pred_label`` int; ``pred_score`` float; ``topk_labels``,
            ``topk_scores`` lists; ``loc_maps`` (k, H, W) float32 in [0, 1]
            at the original size (H, W); ``boxes`` list of k float32 (M, 4)
            arrays x1, y1, x2, y2 in original pixels, inside the image;
            ``thr``; ``ori_shape`` (H, W); with class names ``pred_class``
            and ``topk_classes``; for path inputs ``img_path``; with
            ``return_seeds`` ``guidance`` (dict of (S, S) maps).
        """
        thr = self._check_options(batch_size, topk, thr, box_mode)
        items = self._inputs_to_list(inputs)
        for batch in self.preprocess(items, batch_size):
            yield from self.postprocess(
                self.forward(batch, return_seeds),
                topk=topk,
                thr=thr,
                box_mode=box_mode)

    def __call__(self,
                 inputs: InputType,
                 return_datasamples: bool = False,
                 batch_size: int = 1,
                 **kwargs) -> list:
        """mmpretrain's ``BaseInferencer.__call__``, the options checked
        before any work. kwargs: ``topk``, ``thr``, ``box_mode``,
        ``return_seeds`` (see :meth:`iter_results`); ``show``,
        ``wait_time``, ``show_dir`` (``<name>.png`` overlays), ``gt_bboxes``
        (per image (G, 4) original-frame boxes, drawn in red).

        Returns:
            list[dict] | list[DataSample]: One entry per image (DataSamples,
            maps at the network input size, with ``return_datasamples``).
        """
        post = self._dispatch_kwargs(**kwargs)[3]
        self._check_options(batch_size, **post)
        return super().__call__(inputs, return_datasamples, batch_size,
                                **kwargs)

    def _drawer(self) -> WSOLVisualizer:
        if self.visualizer is None:
            # not get_instance: never mmengine's current visualizer
            self.visualizer = WSOLVisualizer(name='wsol_inferencer')
        return self.visualizer

    def draw(self,
             image: np.ndarray,
             result: dict,
             gt_bboxes: Optional[np.ndarray] = None,
             rank: int = 0) -> np.ndarray:
        """Overlay of one result on its original image.

        Args:
            image (np.ndarray): (H, W, 3) uint8 BGR original image.
            result (dict): One result of :meth:`iter_results`.
            gt_bboxes (np.ndarray, optional): (G, 4) ground-truth boxes in
                original pixels (red).
            rank (int): Which of the top-k classes to draw (0: top-1).

        Returns:
            np.ndarray: (H, W, 3) uint8 RGB drawing.
        """
        label = result['topk_labels'][rank]
        name = (
            result['topk_classes'][rank]
            if 'topk_classes' in result else str(label))
        text = f'{name} {result["topk_scores"][rank]:.2f}'
        return self._drawer().draw_localization(
            np.ascontiguousarray(image[..., ::-1]), result['loc_maps'][rank],
            result['boxes'][rank], gt_bboxes, text)

    def draw_seeds(self, image: np.ndarray, result: dict) -> np.ndarray:
        """SPG seed panels (an RGB canvas of titled panels) of one result
        of :meth:`iter_results` (with ``return_seeds=True``) on its (H, W,
        3) uint8 BGR original image."""
        if 'guidance' not in result:
            raise KeyError('draw_seeds: the result has no `guidance`; run '
                           'the inferencer with return_seeds=True')
        name = result.get('pred_class', str(result['pred_label']))
        prefix = (f'SPG guidance for the top-1 class: {name} '
                  f'({result["pred_score"]:.2f})')
        return self._drawer().draw_seed_panels(
            result['guidance'],
            np.ascontiguousarray(image[..., ::-1]),
            title_prefix=prefix)

    def visualize(self,
                  inputs: list,
                  preds: List[DataSample],
                  show: bool = False,
                  wait_time: float = 0,
                  show_dir: Optional[str] = None,
                  gt_bboxes: Optional[Sequence[np.ndarray]] = None,
                  thr: Optional[float] = None,
                  box_mode: str = 'largest') -> Optional[List[np.ndarray]]:
        """Draw the top-1 overlay of each prediction of :meth:`forward`;
        save them to ``show_dir`` and/or show them.

        Returns:
            list[np.ndarray] | None: RGB drawings, None when neither
            ``show`` nor ``show_dir`` asks for them.
        """
        if not show and show_dir is None:
            return None
        thr = self._check_options(thr=thr, box_mode=box_mode)
        drawings = []
        for i, (item, sample) in enumerate(zip(inputs, preds)):
            image = load_image(item, i, self.imdecode_backend)
            gt = None if gt_bboxes is None else gt_bboxes[i]
            drawn = self.draw(image,
                              self._build_result(sample, 1, thr, box_mode), gt)
            drawings.append(drawn)
            name = (
                osp.splitext(osp.basename(item))[0]
                if isinstance(item, str) else str(i))
            if show:
                self._drawer().show(drawn, win_name=name, wait_time=wait_time)
            if show_dir is not None:
                mmcv.imwrite(drawn[..., ::-1],
                             osp.join(show_dir, f'{name}.png'))
        return drawings

    @staticmethod
    def to_json(result: dict, with_maps: bool = False) -> Dict:
        """A JSON-serialisable copy of one result.

        Drops ``pred_scores``, ``loc_maps`` (unless ``with_maps``) and
        ``guidance``; turns arrays into lists.
        """
        out = {}
        for key, value in result.items():
            if key in ('pred_scores', 'guidance'):
                continue
            if key == 'loc_maps' and not with_maps:
                continue
            if key == 'boxes':
                value = [np.round(b, 2).tolist() for b in value]
            elif isinstance(value, np.ndarray):
                value = value.tolist()
            elif isinstance(value, tuple):
                value = list(value)
            out[key] = value
        return out
