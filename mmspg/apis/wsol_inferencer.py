"""Inference of a WSOL localizer on images of any size."""
import copy
import os.path as osp
import warnings
from math import ceil
from typing import (Callable, Dict, Iterator, List, Optional, Sequence,
                    Tuple, Union)

import cv2
import mmcv
import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import Compose, default_collate
from mmengine.model import BaseModel
from mmengine.utils import scandir
from mmpretrain.apis.base import BaseInferencer, InputType, ModelType
from mmpretrain.structures import DataSample
from mmpretrain.utils import track

from mmspg.evaluation.functional import normalize_scoremap, resize_scoremap
from mmspg.evaluation.metrics import wsol_evaluator_cfgs
from mmspg.registry import TRANSFORMS
from mmspg.visualization import BOX_MODES, WSOLVisualizer, map_to_boxes

IMG_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.ppm', '.bmp', '.pgm', '.tif',
                  '.tiff', '.webp')

#: Fraction of the image spanned by the probe box that tracks the test
#: pipeline's geometry (see :meth:`WSOLInferencer._frame_transform`). It is
#: central so that centre crops keep it whole.
_PROBE = (0.4, 0.6)


def scoped_model_config(config: Union[str, Config]) -> Config:
    """A copy of ``config`` whose model dict names the config's scope.

    mmpretrain's ``get_model`` (used by its inferencers and by
    :func:`~mmspg.apis.init_localizer`) builds the model in the
    ``'mmpretrain'`` scope; ``model._scope_`` keeps the config's own
    ``default_scope`` (``'mmspg'``) for the model's subtree.
    """
    config = copy.deepcopy(config) if isinstance(config, Config) else \
        Config.fromfile(config)
    if config.get('default_scope') and '_scope_' not in config.model:
        config.model['_scope_'] = config.default_scope
    return config


class WSOLInferencer(BaseInferencer):
    """Classify and localize objects in images with a WSOL model.

    The mmpretrain inferencer (``ImageClassificationInferencer``) extended
    to localization: for each image it returns the top-k classes with their
    scores and names, their localization maps at the ORIGINAL image size
    and their boxes in original pixels.

    Preprocessing is the config's test pipeline
    (``cfg.test_dataloader.dataset.pipeline`` without its loading step), so
    predictions match evaluation. Maps leave the network at the input size
    (``loc_maps`` of ``WSOLClassifier.predict``) and are mapped back to the
    original frame by inverting the pipeline's geometry, which is measured
    by a probe box carried through the pipeline as ``gt_bboxes`` (any mix of
    ``Resize``, ``CenterCrop``... that transforms boxes); where a crop cut
    part of the image, the map is 0. Boxes come from the original-frame map
    with the evaluation's own contour rules (:func:`map_to_boxes`).

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
    visualize_kwargs: set = {'show', 'wait_time', 'show_dir', 'gt_bboxes'}
    postprocess_kwargs: set = {'topk', 'thr', 'box_mode'}

    def __init__(self,
                 model: ModelType,
                 pretrained=True,
                 device=None,
                 classes: Optional[Sequence[str]] = None,
                 **kwargs) -> None:
        # Checkpoints are loaded strictly (mmpretrain's BaseInferencer and
        # get_model only warn about keys that do not fit).
        from mmspg.engine.runner import load_checkpoint_strict
        from .inference import init_localizer
        if isinstance(model, BaseModel):
            if isinstance(pretrained, str):
                load_checkpoint_strict(model, pretrained, map_location='cpu')
        else:
            if device is None:
                device = 'cuda' if torch.cuda.is_available() else 'cpu'
            config = model if isinstance(model, Config) else (
                Config.fromfile(model) if str(model).endswith('.py') else
                None)
            if config is None:
                raise ValueError('WSOLInferencer: model must be a built '
                                 'model, a config file (.py) or a Config, '
                                 f'got {model!r}')
            if pretrained is True:
                pretrained = config.get('load_from') or None
            # kwargs are model overrides here, as for get_model
            model = init_localizer(
                config, pretrained or None, device=device, **kwargs)
            kwargs = {}
        super().__init__(
            model=model, pretrained=False, device=device, **kwargs)
        if classes is None:
            classes = (getattr(self.model, '_dataset_meta', None)
                       or {}).get('classes')
        self.classes = list(classes) if classes is not None else None
        evaluator = (wsol_evaluator_cfgs(self.config.get('test_evaluator'))
                     or [{}])[0]
        #: Default box threshold: the evaluator's ``cam_threshold`` so that
        #: boxes match the reported Top-1 Loc, else 0.2 (CAM's usual value).
        self.default_thr = float(evaluator.get('cam_threshold', 0.2))

    # ------------------------------------------------------------------
    # Pipeline and inputs
    # ------------------------------------------------------------------
    def _init_pipeline(self, cfg: Config) -> Callable:
        try:
            pipeline_cfg = cfg.test_dataloader.dataset.pipeline
        except AttributeError as e:
            raise KeyError('WSOLInferencer: the config needs '
                           '`test_dataloader.dataset.pipeline`') from e
        # Images are loaded in `preprocess` (paths, arrays, video frames);
        # drop every loading step (mmcv's and mmspg's LoadImageFromFile*).
        pipeline_cfg = [
            t for t in pipeline_cfg
            if not str(t.get('type', '') if isinstance(t, dict) else
                       type(t).__name__).split('.')[-1].startswith(
                           'LoadImageFromFile')
        ]
        return Compose([
            TRANSFORMS.build(t) if isinstance(t, dict) else t
            for t in pipeline_cfg
        ])

    def _inputs_to_list(self, inputs: InputType) -> list:
        """A path, folder (images found recursively, sorted), array or a
        list of them -> a flat list of paths / arrays."""
        if not isinstance(inputs, (list, tuple)):
            inputs = [inputs]
        out = []
        for item in inputs:
            if isinstance(item, str) and osp.isdir(item):
                files = sorted(
                    scandir(item, suffix=IMG_EXTENSIONS, recursive=True,
                            case_sensitive=False))
                out.extend(osp.join(item, f) for f in files)
            else:
                out.append(item)
        return out

    @staticmethod
    def _load(item, index: int) -> np.ndarray:
        """Read a path, or check an array; returns (H, W, 3) uint8 BGR."""
        if isinstance(item, str):
            if not osp.isfile(item):
                raise FileNotFoundError(f'WSOLInferencer: no such image file '
                                        f'{item!r}')
            if osp.getsize(item) == 0:
                raise ValueError(f'WSOLInferencer: image file {item!r} is '
                                 'empty (0 bytes)')
            try:
                img = mmcv.imread(item)
            except cv2.error as err:
                # OpenCV's assertions do not name the file
                raise ValueError(
                    f'WSOLInferencer: image file {item!r} cannot be decoded '
                    f'(OpenCV: {str(err).strip().splitlines()[-1]})') from err
            if img is None:
                raise ValueError(f'WSOLInferencer: image file {item!r} '
                                 'cannot be decoded (damaged, or not an '
                                 'image format OpenCV reads)')
            return img
        if not isinstance(item, np.ndarray):
            raise TypeError(f'WSOLInferencer: input {index} must be an image '
                            f'path or an HxWx3 BGR array, got '
                            f'{type(item).__name__}')
        img = item
        if img.ndim == 2:
            img = cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
        if img.ndim != 3 or img.shape[2] != 3 or min(img.shape[:2]) < 1:
            raise ValueError(f'WSOLInferencer: input array {index} must be '
                             f'HxWx3 BGR, got shape {item.shape}')
        if img.dtype != np.uint8:
            raise ValueError(f'WSOLInferencer: input array {index} must be '
                             f'uint8, got {img.dtype}')
        return img

    @staticmethod
    def _probe(h: int, w: int) -> np.ndarray:
        lo, hi = _PROBE
        return np.array([[lo * w, lo * h, hi * w, hi * h]], dtype=np.float32)

    def _prepare(self, item, index: int) -> Tuple[dict, Tuple[int, int]]:
        img = self._load(item, index)
        h, w = img.shape[:2]
        results = dict(
            img=img, img_shape=(h, w), ori_shape=(h, w),
            gt_bboxes=self._probe(h, w))
        if isinstance(item, str):
            results['img_path'] = item
        return self.pipeline(results), (h, w)

    def preprocess(self, inputs: list, batch_size: int = 1, **kwargs):
        """Yield ``(collated batch, original (h, w) of each image)``."""
        for start in range(0, len(inputs), batch_size):
            chunk = [
                self._prepare(item, start + i)
                for i, item in enumerate(inputs[start:start + batch_size])
            ]
            yield (default_collate([c[0] for c in chunk]),
                   [c[1] for c in chunk])

    # ------------------------------------------------------------------
    # Forward and geometry
    # ------------------------------------------------------------------
    @torch.no_grad()
    def forward(self,
                inputs: dict,
                ori_shapes: Optional[Sequence[Tuple[int, int]]] = None,
                return_seeds: bool = False
                ) -> Tuple[List[DataSample], Optional[List[dict]]]:
        """Predict a collated batch; with ``return_seeds`` also run
        ``model.guidance`` (attention of the top-1 class) on it.

        Args:
            inputs (dict): A collated batch of the test pipeline.
            ori_shapes (Sequence[tuple], optional): Original (h, w) of each
                image; each sample then gets the metainfo ``ori_shape`` and
                ``input_affine`` (sx, tx, sy, ty: original -> input frame,
                ``u = sx * x + tx``) and loses the probe ``gt_bboxes``.
            return_seeds (bool): Also compute the SPG guidance.

        Returns:
            tuple: the predicted DataSamples and, with ``return_seeds``, a
            list of per-image dicts of (S, S) float32 numpy maps
            (``attention``, ``seed_*``, ``b1``, ``b2``, ``c`` logits; keys of
            switched-off branches are absent), else None.
        """
        data = self.model.data_preprocessor(inputs, False)
        preds = self.model(**data, mode='predict')
        if ori_shapes is not None:
            for sample, shape in zip(preds, ori_shapes):
                affine = self._frame_transform(sample, shape)
                if 'gt_bboxes' in sample:
                    del sample.gt_bboxes  # the probe, not an annotation
                sample.set_metainfo(
                    dict(ori_shape=tuple(shape), input_affine=affine))
        seeds = None
        if return_seeds:
            if not getattr(self.model, 'with_guidance',
                           hasattr(self.model, 'guidance')):
                head = getattr(self.model, 'head', None)
                raise TypeError(
                    'WSOLInferencer: return_seeds (--show-seeds) needs a '
                    'head with self-produced guidance (WSOLClassifier + '
                    f'SPGHead), got {type(self.model).__name__} with '
                    f'{type(head).__name__}')
            # Without gt_label, guidance uses each image's top-1 class.
            out = self.model.guidance(data['inputs'], None)
            seeds = [{
                k: v[i, 0].float().cpu().numpy()
                for k, v in out.items()
                if k not in ('cams', 'cls_score')
                and isinstance(v, torch.Tensor)
            } for i in range(len(preds))]
        return preds, seeds

    @staticmethod
    def _frame_transform(sample: DataSample, ori_shape: Tuple[int, int]
                         ) -> np.ndarray:
        """The affine map original -> network input, as (sx, tx, sy, ty):
        ``u = sx * x + tx`` and ``v = sy * y + ty`` in continuous pixel
        coordinates.

        Measured from the probe box when the pipeline carried ``gt_bboxes``
        through (``PackInputs(algorithm_keys=['gt_bboxes', ...])``, as every
        mmspg test pipeline does); otherwise the input is assumed to be a
        plain resize of the whole image.
        """
        h, w = ori_shape
        in_h, in_w = sample.img_shape[:2] if 'img_shape' in sample else \
            sample.loc_maps.shape[-2:]
        if 'gt_bboxes' in sample:
            box = np.asarray(
                sample.gt_bboxes.cpu() if isinstance(
                    sample.gt_bboxes, torch.Tensor) else sample.gt_bboxes,
                dtype=np.float64).reshape(-1, 4)
            if len(box) == 1:
                p = WSOLInferencer._probe(h, w)[0].astype(np.float64)
                b = box[0]
                if p[2] > p[0] and p[3] > p[1]:
                    sx = (b[2] - b[0]) / (p[2] - p[0])
                    sy = (b[3] - b[1]) / (p[3] - p[1])
                    if sx > 0 and sy > 0:
                        return np.array([sx, b[0] - sx * p[0], sy,
                                         b[1] - sy * p[1]])
        return np.array([in_w / w, 0.0, in_h / h, 0.0])

    @staticmethod
    def to_original(maps: np.ndarray, affine: np.ndarray,
                    ori_shape: Tuple[int, int]) -> np.ndarray:
        """Bring input-frame maps to the original image frame.

        Args:
            maps (np.ndarray): (K, h, w) float32 maps in [0, 1] at the
                network input size.
            affine (np.ndarray): (sx, tx, sy, ty), original -> input.
            ori_shape (tuple[int, int]): (H, W) of the original image.

        Returns:
            np.ndarray: (K, H, W) float32 in [0, 1]. A plain resize is the
            evaluation's own (``resize_scoremap``: bicubic, then min-max
            normalised, as ``WSOLEvaluator(box_frame='original')`` does);
            after a crop the map is warped back bilinearly (no overshoot, so
            the pixels the crop removed stay exactly 0) and min-max
            normalised the same way.
        """
        H, W = ori_shape
        k, h, w = maps.shape
        sx, tx, sy, ty = affine
        plain = (abs(tx) < 1e-3 and abs(ty) < 1e-3
                 and abs(sx * W - w) < 1e-3 and abs(sy * H - h) < 1e-3)
        out = np.empty((k, H, W), np.float32)
        for i in range(k):
            if plain:
                out[i] = resize_scoremap(maps[i], (H, W))
                continue
            # dst(x, y) = src(sx * x + ox, sy * y + oy) in pixel indices;
            # the offsets convert between pixel-centre conventions.
            M = np.array([[sx, 0, tx + 0.5 * sx - 0.5],
                          [0, sy, ty + 0.5 * sy - 0.5]], np.float64)
            warped = cv2.warpAffine(
                maps[i].astype(np.float64), M, (W, H),
                flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                borderMode=cv2.BORDER_CONSTANT, borderValue=0.0)
            out[i] = normalize_scoremap(warped)
        return out

    # ------------------------------------------------------------------
    # Results
    # ------------------------------------------------------------------
    def _result(self, sample: DataSample, item, seeds, topk: Optional[int],
                thr: float, box_mode: str) -> dict:
        scores = sample.pred_score.float().cpu().numpy()
        loc_labels = sample.loc_labels.cpu().numpy().astype(int)
        if topk is None:
            topk = len(loc_labels)
        elif topk > len(loc_labels):
            warnings.warn(f'WSOLInferencer: topk={topk} but the head returns '
                          f'{len(loc_labels)} maps (its `loc_topk`); using '
                          f'{len(loc_labels)}')
            topk = len(loc_labels)
        maps = sample.loc_maps[:topk].float().cpu().numpy()
        ori_shape = sample.ori_shape
        maps = self.to_original(maps, sample.input_affine, ori_shape)
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
            result['pred_class'] = self._class_name(labels[0])
            result['topk_classes'] = [self._class_name(c) for c in labels]
        if isinstance(item, str):
            result['img_path'] = item
        if seeds is not None:
            result['guidance'] = seeds
        return result

    def _class_name(self, label: int) -> str:
        if label < len(self.classes):
            return str(self.classes[label])
        return str(label)

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
                image, at most the head's ``loc_topk``. Defaults to all the maps
                the head returns (its ``loc_topk``, 5 by default).
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
        items = self._inputs_to_list(inputs)
        for start, (data, shapes) in zip(
                range(0, len(items), batch_size),
                self.preprocess(items, batch_size)):
            preds, seeds = self.forward(data, shapes, return_seeds)
            for i, sample in enumerate(preds):
                yield self._result(sample, items[start + i],
                                   None if seeds is None else seeds[i],
                                   topk, thr, box_mode)

    def __call__(self,
                 inputs: InputType,
                 return_datasamples: bool = False,
                 batch_size: int = 1,
                 **kwargs) -> list:
        """Run on one image or a list; returns a list of result dicts.

        Args:
            inputs (str | np.ndarray | list): See :meth:`iter_results`.
            return_datasamples (bool): Return the raw ``DataSample``s of the
                model (maps at the network input size) instead.
            batch_size (int): Images per forward pass.
            **kwargs: ``topk``, ``thr``, ``box_mode``, ``return_seeds`` (see
                :meth:`iter_results`); ``show``, ``wait_time``, ``show_dir``
                (write ``<name>.png`` overlays there), ``gt_bboxes`` (list
                of (G, 4) original-frame boxes per image, drawn in red).

        Returns:
            list[dict] | list[DataSample]: One entry per image.
        """
        pre, fwd, vis, post = self._dispatch_kwargs(**kwargs)
        items = self._inputs_to_list(inputs)
        if return_datasamples:
            preds = []
            for data, shapes in track(self.preprocess(items, batch_size),
                                      'Inference',
                                      total=ceil(len(items) / batch_size)):
                preds.extend(self.forward(data, shapes)[0])
            return preds
        results = list(
            self.iter_results(items, batch_size=batch_size, **fwd, **post))
        self.visualize(items, results, **vis)
        return results

    # ------------------------------------------------------------------
    # Visualisation
    # ------------------------------------------------------------------
    def _drawer(self) -> WSOLVisualizer:
        if self.visualizer is None:
            # Constructed directly (not get_instance) so it never becomes
            # mmengine's current visualizer.
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
        name = (result['topk_classes'][rank]
                if 'topk_classes' in result else str(label))
        text = f'{name} {result["topk_scores"][rank]:.2f}'
        return self._drawer().draw_localization(
            np.ascontiguousarray(image[..., ::-1]),
            result['loc_maps'][rank], result['boxes'][rank], gt_bboxes, text)

    def draw_seeds(self, image: np.ndarray, result: dict) -> np.ndarray:
        """SPG seed panels of one result (needs ``return_seeds=True``).

        Args:
            image (np.ndarray): (H, W, 3) uint8 BGR original image.
            result (dict): One result of :meth:`iter_results`.

        Returns:
            np.ndarray: RGB canvas of titled panels.
        """
        if 'guidance' not in result:
            raise KeyError('draw_seeds: the result has no `guidance`; run '
                           'the inferencer with return_seeds=True')
        name = result.get('pred_class', str(result['pred_label']))
        prefix = (f'SPG guidance for the top-1 class: {name} '
                  f'({result["pred_score"]:.2f})')
        return self._drawer().draw_seed_panels(
            result['guidance'], np.ascontiguousarray(image[..., ::-1]),
            title_prefix=prefix)

    def visualize(self,
                  inputs: list,
                  results: List[dict],
                  show: bool = False,
                  wait_time: float = 0,
                  show_dir: Optional[str] = None,
                  gt_bboxes: Optional[Sequence[np.ndarray]] = None
                  ) -> Optional[List[np.ndarray]]:
        """Draw overlays; save them to ``show_dir`` and/or show them.

        Returns:
            list[np.ndarray] | None: RGB drawings, None when neither
            ``show`` nor ``show_dir`` asks for them.
        """
        if not show and show_dir is None:
            return None
        drawings = []
        for i, (item, result) in enumerate(zip(inputs, results)):
            image = self._load(item, i)
            gt = None if gt_bboxes is None else gt_bboxes[i]
            drawn = self.draw(image, result, gt)
            drawings.append(drawn)
            name = (osp.splitext(osp.basename(item))[0]
                    if isinstance(item, str) else str(i))
            if show:
                self._drawer().show(drawn, win_name=name, wait_time=wait_time)
            if show_dir is not None:
                mmcv.imwrite(drawn[..., ::-1], osp.join(show_dir,
                                                        f'{name}.png'))
        return drawings

    def postprocess(self, preds, visualization, return_datasamples=False,
                    **kwargs):
        """Unused: results are built per image in :meth:`iter_results`."""
        raise NotImplementedError(
            'WSOLInferencer builds results in iter_results()')

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
