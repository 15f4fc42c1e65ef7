"""Draw localization overlays and SPG seed panels during validation/test."""
import math
import os.path as osp
from typing import Optional, Sequence

import mmcv
import numpy as np
import torch
from mmengine.fileio import join_path
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.runner import EpochBasedTrainLoop, Runner
from mmengine.visualization import Visualizer
from mmpretrain.structures import DataSample

from mmspg.registry import HOOKS
from mmspg.visualization import WSOLVisualizer


@HOOKS.register_module()
class WSOLVisualizationHook(Hook):
    """Visualize WSOL predictions every ``interval`` samples of val/test.

    Modelled on mmpretrain's ``VisualizationHook``: for every
    ``interval``-th sample it draws the top-1 localization map blended on
    the network input, the predicted box at ``thr`` (green), the
    ground-truth boxes (red) and the class name with its score; for models
    with a ``guidance`` method (``WSOLClassifier`` with an ``SPGHead``) and
    ``show_seeds=True``, also the SPG panels (attention map, seed masks,
    SPG-B/C outputs). Images go to the runner's visualizer backends
    (``add_image``: ``<work_dir>/<timestamp>/vis_data/vis_image/`` with
    ``LocalVisBackend``, TensorBoard with ``TensorboardVisBackend``) or, with
    ``out_dir``, straight to files there.

    Config::

        default_hooks = dict(visualization=dict(
            type='WSOLVisualizationHook', enable=True, interval=100))

    Args:
        enable (bool): Whether to draw anything. Defaults to False.
        interval (int): Draw every ``interval``-th sample (by index in the
            loop). Defaults to 5000.
        show_seeds (bool): Also draw the SPG seed panels when the model has
            a ``guidance`` method. Defaults to True.
        thr (float): Box threshold on the [0, 1] map. Defaults to 0.2 (the
            ``cam_threshold`` of the shipped configs).
        box_mode (str): ``'largest'`` or ``'all'`` contours.
            Defaults to ``'largest'``.
        draw_gt (bool): Draw ground-truth boxes when the sample has them.
            Defaults to True.
        show (bool): Show the drawings in a window. Defaults to False.
        wait_time (float): Seconds to show each window. Defaults to 0.
        out_dir (str, optional): Write the PNGs here instead of to the
            visualizer backends. Defaults to None.
    """

    def __init__(self,
                 enable: bool = False,
                 interval: int = 5000,
                 show_seeds: bool = True,
                 thr: float = 0.2,
                 box_mode: str = 'largest',
                 draw_gt: bool = True,
                 show: bool = False,
                 wait_time: float = 0.,
                 out_dir: Optional[str] = None) -> None:
        if not isinstance(interval, int) or interval < 1:
            raise ValueError('WSOLVisualizationHook: interval must be a '
                             f'positive int, got {interval!r}')
        if not 0.0 <= thr <= 1.0:
            raise ValueError(
                f'WSOLVisualizationHook: thr must be in [0, 1], got {thr!r}')
        self.enable = enable
        self.interval = interval
        self.show_seeds = show_seeds
        self.thr = thr
        self.box_mode = box_mode
        self.draw_gt = draw_gt
        self.show = show
        self.wait_time = wait_time
        self.out_dir = out_dir
        self._drawer: Optional[WSOLVisualizer] = None

    def _get_drawer(self, visualizer: Visualizer) -> WSOLVisualizer:
        """The runner's visualizer if it is a WSOLVisualizer, else a private
        one used only for drawing (records still go to the runner's).

        The private one is built with the constructor, not ``get_instance``,
        so it never becomes mmengine's "current" visualizer.
        """
        if isinstance(visualizer, WSOLVisualizer):
            return visualizer
        if self._drawer is None:
            self._drawer = WSOLVisualizer(name='wsol_visualization_hook')
        self._drawer.dataset_meta = visualizer.dataset_meta
        return self._drawer

    @staticmethod
    def _guidance(runner: Runner, data_batch: dict, index: int) -> dict:
        """SPG guidance maps of one sample of ``data_batch`` (no grad)."""
        model = runner.model
        if is_model_wrapper(model):
            model = model.module
        # Heads without guidance (CAMHead, ACoLHead...) draw the overlay only.
        if not getattr(model, 'with_guidance', hasattr(model, 'guidance')):
            return {}
        sub = dict(
            inputs=[data_batch['inputs'][index]],
            data_samples=[data_batch['data_samples'][index]])
        with torch.no_grad():
            sub = model.data_preprocessor(sub, False)
            out = model.guidance(sub['inputs'], sub['data_samples'])
        return {
            k: v[0]
            for k, v in out.items()
            if k != 'cams' and isinstance(v, torch.Tensor)
        }

    @staticmethod
    def _guidance_caption(drawer: WSOLVisualizer,
                          sample: DataSample) -> Optional[str]:
        """Name the class whose attention the seed panels show (the
        ground truth, as in training; the top-1 prediction without it)."""
        if 'gt_label' not in sample:
            return 'SPG guidance for the top-1 class'
        label = int(sample.gt_label.view(-1)[0])
        classes = (drawer.dataset_meta or {}).get('classes')
        if classes is not None and label < len(classes):
            return f'SPG guidance for the ground-truth class {classes[label]}'
        return f'SPG guidance for the ground-truth class {label}'

    def _draw_samples(self,
                      runner: Runner,
                      batch_idx: int,
                      data_batch: dict,
                      data_samples: Sequence[DataSample],
                      step: int = 0) -> None:
        """Draw every ``interval``-th sample of a batch.

        Args:
            runner (Runner): The runner (its visualizer and model are used).
            batch_idx (int): Index of the batch in the loop.
            data_batch (dict): Data from the dataloader; ``inputs`` are the
                uint8 (3, H, W) BGR network inputs (before the data
                preprocessor).
            data_samples (Sequence[DataSample]): Outputs of the model.
            step (int): Global step recorded with the images.
        """
        if not self.enable:
            return
        visualizer = runner.visualizer
        drawer = self._get_drawer(visualizer)
        batch_size = len(data_samples)
        start_idx = batch_size * batch_idx
        end_idx = start_idx + batch_size
        first = math.ceil(start_idx / self.interval) * self.interval
        for sample_id in range(first, end_idx, self.interval):
            i = sample_id - start_idx
            # Loaded by OpenCV (BGR); the visualizer draws RGB.
            image = data_batch['inputs'][i].permute(1, 2, 0).cpu().numpy()
            image = np.ascontiguousarray(image[..., ::-1].astype(np.uint8))
            sample = data_samples[i]
            name = (
                osp.splitext(osp.basename(sample.get('img_path')))[0]
                if 'img_path' in sample else str(sample_id))
            drawings = [(f'{name}_loc',
                         drawer.draw_prediction(
                             image,
                             sample,
                             thr=self.thr,
                             box_mode=self.box_mode,
                             draw_gt=self.draw_gt))]
            if self.show_seeds:
                guidance = self._guidance(runner, data_batch, i)
                if guidance:
                    drawings.append((f'{name}_seeds',
                                     drawer.draw_seed_panels(
                                         guidance,
                                         image,
                                         title_prefix=self._guidance_caption(
                                             drawer,
                                             data_batch['data_samples'][i]))))
            for key, drawn in drawings:
                if self.show:
                    drawer.show(drawn, win_name=key, wait_time=self.wait_time)
                if self.out_dir is not None:
                    mmcv.imwrite(drawn[..., ::-1],
                                 join_path(self.out_dir, f'{key}_{step}.png'))
                else:
                    visualizer.add_image(key, drawn, step=step)

    def after_val_iter(self, runner: Runner, batch_idx: int, data_batch: dict,
                       outputs: Sequence[DataSample]) -> None:
        """Draw during validation; the step is the epoch (or iteration)."""
        if isinstance(runner.train_loop, EpochBasedTrainLoop):
            step = runner.epoch
        else:
            step = runner.iter
        self._draw_samples(runner, batch_idx, data_batch, outputs, step=step)

    def after_test_iter(self, runner: Runner, batch_idx: int, data_batch: dict,
                        outputs: Sequence[DataSample]) -> None:
        """Draw during test (step 0)."""
        self._draw_samples(runner, batch_idx, data_batch, outputs, step=0)
