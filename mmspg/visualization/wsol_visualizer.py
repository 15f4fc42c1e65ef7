"""Visualizer of weakly supervised object localization results.

Draws what the SPG paper's figures show: a localization map blended on the
image with the predicted (green) and ground-truth (red) boxes, and the row of
SPG panels (attention map, seed masks, SPG-B / SPG-C outputs).
"""
from typing import Dict, List, Optional, Sequence, Union

import cv2
import mmcv
import numpy as np
import torch
from mmengine.dist import master_only
from mmpretrain.structures import DataSample
from mmpretrain.visualization import UniversalVisualizer
from mmpretrain.visualization.utils import get_adaptive_scale

from mmspg.registry import VISUALIZERS

from .box_utils import map_to_boxes

ArrayLike = Union[np.ndarray, torch.Tensor]

#: Panels of :meth:`WSOLVisualizer.draw_seed_panels`, in drawing order:
#: (guidance key, title, kind). ``kind`` says how the array is rendered.
SEED_PANELS = (
    ('attention', 'attention', 'heat'),
    ('seed_b2', 'seed B2', 'seed'),
    ('seed_b1', 'seed B1', 'seed'),
    ('seed_c', 'seed C', 'seed'),
    ('b2', 'B2 out', 'logit'),
    ('b1', 'B1 out', 'logit'),
    ('c', 'C out', 'logit'),
)


def _to_numpy_2d(x: ArrayLike, name: str) -> np.ndarray:
    """Squeeze a (H, W), (1, H, W) or (1, 1, H, W) array/tensor to (H, W)."""
    if isinstance(x, torch.Tensor):
        x = x.detach().float().cpu().numpy()
    x = np.asarray(x)
    while x.ndim > 2 and x.shape[0] == 1:
        x = x[0]
    if x.ndim != 2:
        raise ValueError(f'`{name}` must be a single map (H, W), '
                         f'got shape {x.shape}')
    return x.astype(np.float32)


def _as_boxes(boxes: Optional[ArrayLike], name: str) -> np.ndarray:
    """Return boxes as a float32 (M, 4) array (M may be 0)."""
    if boxes is None:
        return np.zeros((0, 4), np.float32)
    if isinstance(boxes, torch.Tensor):
        boxes = boxes.detach().cpu().numpy()
    boxes = np.asarray(boxes, dtype=np.float32)
    if boxes.size == 0:
        return np.zeros((0, 4), np.float32)
    boxes = boxes.reshape(-1, 4) if boxes.ndim == 1 else boxes
    if boxes.ndim != 2 or boxes.shape[1] != 4:
        raise ValueError(f'`{name}` must be (M, 4) boxes x1, y1, x2, y2, '
                         f'got shape {boxes.shape}')
    return boxes


@VISUALIZERS.register_module()
class WSOLVisualizer(UniversalVisualizer):
    """Visualizer for WSOL localization maps, boxes and SPG seed masks.

    Images are RGB uint8 (H, W, 3), as everywhere in mmengine's Visualizer;
    drawings go to the visualizer's backends (``add_image``: the local
    ``vis_data`` folder, TensorBoard...) or to ``out_file``.

    Args:
        name (str): Name of the instance (mmengine's ManagerMixin needs it).
            Defaults to ``'visualizer'``.
        pred_color (str | tuple): Edge colour of predicted boxes
            (matplotlib colour). Defaults to ``'lime'`` (the paper's green).
        gt_color (str | tuple): Edge colour of ground-truth boxes.
            Defaults to ``'red'``.
        alpha (float): Weight of the heat map when blended on the image,
            in [0, 1]. Defaults to 0.5.
        **kwargs: Arguments of :class:`mmpretrain.visualization.
            UniversalVisualizer` (``vis_backends``, ``save_dir``...).
    """

    def __init__(self,
                 name: str = 'visualizer',
                 pred_color: Union[str, tuple] = 'lime',
                 gt_color: Union[str, tuple] = 'red',
                 alpha: float = 0.5,
                 **kwargs) -> None:
        super().__init__(name=name, **kwargs)
        if not 0.0 <= alpha <= 1.0:
            raise ValueError(f'alpha must be in [0, 1], got {alpha}')
        self.pred_color = pred_color
        self.gt_color = gt_color
        self.alpha = alpha

    # ------------------------------------------------------------------
    # Pure drawing helpers (return RGB arrays, no side effects on backends)
    # ------------------------------------------------------------------
    @staticmethod
    def colorize(loc_map: ArrayLike,
                 size: Optional[Sequence[int]] = None) -> np.ndarray:
        """Render a map in [0, 1] with OpenCV's JET colour map.

        Args:
            loc_map (np.ndarray | Tensor): (H, W) map, values in [0, 1]
                (clipped).
            size (tuple[int, int], optional): Output (h, w); the map is
                resized bilinearly. Defaults to the map's size.

        Returns:
            np.ndarray: (h, w, 3) uint8 RGB heat map.
        """
        m = _to_numpy_2d(loc_map, 'loc_map')
        if size is not None and tuple(m.shape) != tuple(size[:2]):
            m = cv2.resize(
                m, (int(size[1]), int(size[0])),
                interpolation=cv2.INTER_LINEAR)
        m = np.nan_to_num(np.clip(m, 0.0, 1.0))
        heat = cv2.applyColorMap(np.uint8(np.round(m * 255)), cv2.COLORMAP_JET)
        return cv2.cvtColor(heat, cv2.COLOR_BGR2RGB)

    def blend(self,
              image: np.ndarray,
              loc_map: ArrayLike,
              alpha: Optional[float] = None) -> np.ndarray:
        """Blend the JET heat map of ``loc_map`` on ``image``.

        Args:
            image (np.ndarray): (H, W, 3) uint8 RGB image.
            loc_map (np.ndarray | Tensor): (h, w) map in [0, 1]; resized to
                (H, W) when the sizes differ.
            alpha (float, optional): Heat-map weight. Defaults to
                ``self.alpha``.

        Returns:
            np.ndarray: (H, W, 3) uint8 RGB.
        """
        alpha = self.alpha if alpha is None else alpha
        image = self._check_image(image)
        heat = self.colorize(loc_map, image.shape[:2])
        return cv2.addWeighted(image, 1.0 - alpha, heat, alpha, 0)

    @staticmethod
    def _check_image(image: np.ndarray) -> np.ndarray:
        image = np.asarray(image)
        if image.ndim == 2:
            image = np.repeat(image[..., None], 3, axis=2)
        if image.ndim != 3 or image.shape[2] != 3:
            raise ValueError('image must be (H, W, 3) RGB, got shape '
                             f'{image.shape}')
        return np.ascontiguousarray(image.astype(np.uint8))

    def draw_localization(self,
                          image: np.ndarray,
                          loc_map: Optional[ArrayLike] = None,
                          pred_boxes: Optional[ArrayLike] = None,
                          gt_boxes: Optional[ArrayLike] = None,
                          label_text: Optional[str] = None,
                          alpha: Optional[float] = None,
                          line_width: Optional[float] = None) -> np.ndarray:
        """Draw a localization map, boxes and a label on an image.

        Args:
            image (np.ndarray): (H, W, 3) uint8 RGB image.
            loc_map (np.ndarray | Tensor, optional): (h, w) map in [0, 1],
                resized to (H, W) if needed and blended with the JET colour
                map. None draws the plain image.
            pred_boxes (np.ndarray | Tensor, optional): (M, 4) or (4,) boxes
                x1, y1, x2, y2 in the pixels of ``image``, drawn in
                ``pred_color``.
            gt_boxes (np.ndarray | Tensor, optional): ground-truth boxes in
                the same frame, drawn in ``gt_color``.
            label_text (str, optional): Text in the top-left corner, e.g.
                ``'Laysan_Albatross 0.93'``.
            alpha (float, optional): Heat-map weight. Defaults to
                ``self.alpha``.
            line_width (float, optional): Box line width in pixels.
                Defaults to a width adapted to the image size.

        Returns:
            np.ndarray: (H, W, 3) uint8 RGB drawing; also left as the
            visualizer's current image.
        """
        image = self._check_image(image)
        drawn = image if loc_map is None else self.blend(image, loc_map, alpha)
        self.set_image(drawn)
        scale = get_adaptive_scale(image.shape[:2])
        if line_width is None:
            line_width = max(1.0, 2.0 * scale)
        for boxes, color, name in ((gt_boxes, self.gt_color, 'gt_boxes'),
                                   (pred_boxes, self.pred_color,
                                    'pred_boxes')):
            boxes = _as_boxes(boxes, name)
            if len(boxes):
                self.draw_bboxes(
                    boxes,
                    edge_colors=color,
                    line_widths=line_width,
                    alpha=1.0)
        if label_text:
            self.ax_save.text(
                scale * 3, scale * 3, label_text, **{
                    **self.DEFAULT_TEXT_CFG, 'size': max(6, int(scale * 7))
                })
        return self.get_image()

    @staticmethod
    def _render_panel(key: str, kind: str, value: ArrayLike,
                      size: int) -> np.ndarray:
        """Render one SPG panel as a (size, size, 3) RGB uint8 image."""
        m = _to_numpy_2d(value, key)
        if kind == 'seed':
            # Seeds are labels, so nearest resizing keeps {0, 1, 255}.
            m = cv2.resize(m, (size, size), interpolation=cv2.INTER_NEAREST)
            gray = np.full(m.shape, 128, np.uint8)  # ignored pixels: grey
            gray[m == 1] = 255  # foreground seeds: white
            gray[m == 0] = 0  # background seeds: black
            return np.repeat(gray[..., None], 3, axis=2)
        if kind == 'logit':
            m = 1.0 / (1.0 + np.exp(-np.clip(m, -50.0, 50.0)))
            m = cv2.resize(m, (size, size), interpolation=cv2.INTER_LINEAR)
            gray = np.uint8(np.round(np.clip(m, 0.0, 1.0) * 255))
            return np.repeat(gray[..., None], 3, axis=2)
        return WSOLVisualizer.colorize(m, (size, size))

    def draw_seed_panels(self,
                         guidance: Dict[str, Optional[ArrayLike]],
                         image: Optional[np.ndarray] = None,
                         panel_size: Optional[int] = None,
                         title_prefix: Optional[str] = None) -> np.ndarray:
        """Draw the SPG panels of one image side by side, with titles.

        The panels follow the paper's figure: the input image (if given),
        the SPG-A attention map (JET, blended on the image when given), the
        seed masks for B2, B1 and C (white foreground = 1, black background
        = 0, grey ignored = 255) and the sigmoid of the B2, B1 and C logits
        (grey levels, white = 1). Keys that are missing or None (a branch
        that is switched off) are skipped.

        Args:
            guidance (dict): One image's entries of
                ``SPGHead.forward_guidance``: ``attention`` (S, S) in [0, 1],
                ``seed_b2``/``seed_b1``/``seed_c`` in {0, 1, 255}, ``b1``/
                ``b2``/``c`` logits; each (S, S), (1, S, S) or (1, 1, S, S).
            image (np.ndarray, optional): (H, W, 3) uint8 RGB image, resized
                to the panel size.
            panel_size (int, optional): Side of each square panel in pixels.
                Defaults to S (the attention map's size), at least 128.
            title_prefix (str, optional): A caption line above the panel
                titles, left-aligned (e.g. the class of the attention).

        Returns:
            np.ndarray: (T + P, n * (P + gap) - gap, 3) uint8 RGB canvas with
            a title strip of height T (two lines with ``title_prefix``)
            above the n panels.
        """
        panels: List[np.ndarray] = []
        titles: List[str] = []
        present = [(k, t, kind) for k, t, kind in SEED_PANELS
                   if guidance.get(k) is not None]
        if not present:
            raise ValueError('guidance holds none of the keys '
                             f'{[k for k, _, _ in SEED_PANELS]}')
        if panel_size is None:
            panel_size = max(
                128,
                _to_numpy_2d(guidance[present[0][0]], present[0][0]).shape[0])
        size = int(panel_size)
        small = None
        if image is not None:
            small = mmcv.imresize(self._check_image(image), (size, size))
            panels.append(small)
            titles.append('image')
        for key, title, kind in present:
            panel = self._render_panel(key, kind, guidance[key], size)
            if kind == 'heat' and small is not None:
                panel = cv2.addWeighted(small, 1.0 - self.alpha, panel,
                                        self.alpha, 0)
            panels.append(panel)
            titles.append(title)
        gap = max(4, size // 30)
        line_h = max(16, size // 6)
        title_h = line_h * (2 if title_prefix else 1)
        width = len(panels) * (size + gap) - gap
        canvas = np.full((title_h + size, width, 3), 255, np.uint8)
        # Grey separators, so that all-white or all-black panels stay
        # distinguishable.
        canvas[title_h:] = 160
        for i, panel in enumerate(panels):
            x = i * (size + gap)
            canvas[title_h:, x:x + size] = panel
        self.set_image(canvas)
        font_size = max(6, int(line_h * 0.45))
        centres = np.array(
            [[i * (size + gap) + size / 2, title_h - line_h / 2]
             for i in range(len(panels))])
        self.draw_texts(
            titles,
            centres,
            font_sizes=font_size,
            colors='black',
            vertical_alignments='center',
            horizontal_alignments='center')
        if title_prefix:
            self.draw_texts(
                title_prefix,
                np.array([[4, line_h / 2]]),
                font_sizes=font_size,
                colors='black',
                vertical_alignments='center',
                horizontal_alignments='left')
        return self.get_image()

    # ------------------------------------------------------------------
    # Task-level methods: draw, then show / save / record in backends
    # ------------------------------------------------------------------
    def _output(self, drawn: np.ndarray, name: str, step: int, show: bool,
                wait_time: float, out_file: Optional[str]) -> None:
        if show:
            self.show(drawn, win_name=name, wait_time=wait_time)
        if out_file is not None:
            # Same contract as UniversalVisualizer.visualize_cls: an explicit
            # file replaces the backends.
            mmcv.imwrite(drawn[..., ::-1], out_file)
        else:
            self.add_image(name, drawn, step=step)

    def draw_prediction(self,
                        image: np.ndarray,
                        data_sample: DataSample,
                        classes: Optional[Sequence[str]] = None,
                        thr: float = 0.2,
                        box_mode: str = 'largest',
                        draw_gt: bool = True) -> np.ndarray:
        """Draw the top-1 localization of a predicted DataSample.

        Uses ``loc_maps[0]`` (network-input frame, see docs/interfaces.md),
        its boxes at ``thr`` (found by the evaluation core's contour -> box
        function, see :func:`map_to_boxes`), ``loc_labels[0]`` with its
        score, and ``gt_bboxes`` (input frame) when ``draw_gt``.

        Args:
            image (np.ndarray): (H, W, 3) uint8 RGB network-input image (the
                frame of ``loc_maps``).
            data_sample (DataSample): Output of ``WSOLClassifier.predict``.
            classes (Sequence[str], optional): Class names. Defaults to the
                visualizer's ``dataset_meta['classes']``.
            thr (float): Box threshold on the [0, 1] map.
            box_mode (str): ``'largest'`` or ``'all'`` contours.
            draw_gt (bool): Draw ``gt_bboxes`` when present.

        Returns:
            np.ndarray: (H, W, 3) uint8 RGB drawing.
        """
        if self.dataset_meta is not None:
            classes = classes or self.dataset_meta.get('classes', None)
        loc_map = pred_boxes = None
        label_text = None
        if 'loc_maps' in data_sample:
            loc_map = _to_numpy_2d(data_sample.loc_maps[0], 'loc_maps[0]')
            if loc_map.shape != image.shape[:2]:
                loc_map = cv2.resize(loc_map, image.shape[1::-1])
            pred_boxes = map_to_boxes(loc_map, thr, box_mode)
        if 'loc_labels' in data_sample or 'pred_label' in data_sample:
            label = int(data_sample.loc_labels[0] if 'loc_labels' in
                        data_sample else data_sample.pred_label[0])
            label_text = str(label)
            if classes is not None and label < len(classes):
                label_text = str(classes[label])
            if 'pred_score' in data_sample:
                label_text += f' {float(data_sample.pred_score[label]):.2f}'
        gt_boxes = None
        if draw_gt and 'gt_bboxes' in data_sample:
            gt_boxes = data_sample.gt_bboxes
        return self.draw_localization(image, loc_map, pred_boxes, gt_boxes,
                                      label_text)

    @master_only
    def visualize_localization(self,
                               image: np.ndarray,
                               data_sample: DataSample,
                               classes: Optional[Sequence[str]] = None,
                               thr: float = 0.2,
                               box_mode: str = 'largest',
                               draw_gt: bool = True,
                               show: bool = False,
                               wait_time: float = 0,
                               out_file: Optional[str] = None,
                               name: str = '',
                               step: int = 0) -> np.ndarray:
        """:meth:`draw_prediction`, then show / save / record the drawing.

        Args:
            image, data_sample, classes, thr, box_mode, draw_gt: see
                :meth:`draw_prediction`.
            show (bool): Display the drawing in a window.
            wait_time (float): Display time in seconds (0: until a key).
            out_file (str, optional): Write the PNG there instead of to the
                visualizer backends.
            name (str): Image identifier for the backends.
            step (int): Global step recorded with the image.

        Returns:
            np.ndarray: (H, W, 3) uint8 RGB drawing.
        """
        drawn = self.draw_prediction(image, data_sample, classes, thr,
                                     box_mode, draw_gt)
        self._output(drawn, name, step, show, wait_time, out_file)
        return drawn

    @master_only
    def visualize_seeds(self,
                        guidance: Dict[str, Optional[ArrayLike]],
                        image: Optional[np.ndarray] = None,
                        panel_size: Optional[int] = None,
                        title_prefix: Optional[str] = None,
                        show: bool = False,
                        wait_time: float = 0,
                        out_file: Optional[str] = None,
                        name: str = '',
                        step: int = 0) -> np.ndarray:
        """Draw :meth:`draw_seed_panels` and show / save / record it.

        Args:
            guidance, image, panel_size, title_prefix: see
                :meth:`draw_seed_panels`.
            show, wait_time, out_file, name, step: as in
                :meth:`visualize_localization`.

        Returns:
            np.ndarray: the RGB panel canvas.
        """
        drawn = self.draw_seed_panels(guidance, image, panel_size,
                                      title_prefix)
        self._output(drawn, name, step, show, wait_time, out_file)
        return drawn
