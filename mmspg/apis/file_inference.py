"""Localize objects in image files, folders and videos, and write what a
person looks at: overlays, SPG seed panels, maps and one JSON record per
image or frame. The work of ``tools/infer.py`` (whose docstring describes
the outputs), usable without its command line.

Bad inputs do not stop the run: each failure is recorded with its path and
reason, and the good inputs are all written (unless ``stop_on_error``).
Memory stays bounded for very large images: a batch holds at most
``batch_size`` images and ``max_batch_pixels`` pixels, and overlays are
drawn from an image at most ``max_overlay_side`` pixels long.
"""
import os
import os.path as osp
import sys
from collections import defaultdict
from typing import Dict, List, Optional, Tuple

import cv2
import mmcv
import numpy as np
from mmengine.utils import ProgressBar, mkdir_or_exist

from mmspg.datasets.annotation_utils import list_images

from .geometry import fit_for_drawing
from .gt_boxes import find_gt_boxes, top1_iou
from .image_inputs import VIDEO_EXTENSIONS, load_image, video_frames
from .wsol_inferencer import WSOLInferencer

__all__ = ['MAX_BATCH_PIXELS', 'list_file_inputs', 'FileLocalizer']

#: Most pixels of decoded images held at once (48 MP: two 6000 x 4000
#: photos, 144 MB of BGR); a batch closes at this or at ``batch_size``.
MAX_BATCH_PIXELS = 48_000_000


def list_file_inputs(inputs: List[str]) -> List[Tuple[str, str, str]]:
    """Image files, folders (searched recursively) and video files ->
    ``[(kind, path, name)]`` with kind ``'image'`` or ``'video'`` and a
    unique output name (the path relative to its folder input, without
    extension). FileNotFoundError names a missing input or a folder without
    images."""
    items = []
    for inp in inputs:
        if osp.isdir(inp):
            files = list_images(inp)
            if not files:
                raise FileNotFoundError(f'no image found in folder {inp!r}')
            items += [('image', osp.join(inp, f), osp.splitext(f)[0])
                      for f in files]
        elif osp.isfile(inp):
            stem = osp.splitext(osp.basename(inp))[0]
            kind = ('video'
                    if inp.lower().endswith(VIDEO_EXTENSIONS) else 'image')
            items.append((kind, inp, stem))
        else:
            raise FileNotFoundError(f'no such input file or folder {inp!r}')
    seen: Dict[str, int] = defaultdict(int)
    out = []
    for kind, path, name in items:
        name = name.replace(os.sep, '/')
        seen[name] += 1
        if seen[name] > 1:
            name = f'{name}_{seen[name] - 1}'
        out.append((kind, path, name))
    return out


class _StopRun(Exception):
    """stop_on_error: a failure ends the run."""


class FileLocalizer:
    """Run a :class:`WSOLInferencer` over files and write its outputs.

    Args:
        inferencer (WSOLInferencer): The model to run.
        out_dir (str): Output folder (created).
        topk (int): Classes (maps, boxes) per image in the records.
        thr (float, optional): Box threshold in [0, 1]; None: the
            inferencer's ``default_thr``.
        box_mode (str): ``'largest'`` or ``'all'``.
        batch_size (int): Images (frames) per forward pass.
        show_seeds (bool): Write ``<name>_seeds.png`` SPG panels.
        save_maps (bool): Write ``<name>_maps.npy`` (K, H, W) float32 maps.
        gt_boxes (np.ndarray, optional): (G, 4) boxes of every input.
        ann (dict, optional): Boxes per key, from
            :func:`~mmspg.apis.gt_boxes.load_box_annotations`.
        frames (bool): Write video overlays as PNG frames.
        stop_on_error (bool): Stop at the first failing input.
        max_overlay_side (int): Longest side overlays are drawn at; 0: the
            original size.
        max_batch_pixels (int): Most decoded pixels held at once.
    """

    def __init__(self,
                 inferencer: WSOLInferencer,
                 out_dir: str,
                 topk: int = 1,
                 thr: Optional[float] = None,
                 box_mode: str = 'largest',
                 batch_size: int = 8,
                 show_seeds: bool = False,
                 save_maps: bool = False,
                 gt_boxes: Optional[np.ndarray] = None,
                 ann: Optional[Dict[str, np.ndarray]] = None,
                 frames: bool = False,
                 stop_on_error: bool = False,
                 max_overlay_side: int = 2048,
                 max_batch_pixels: int = MAX_BATCH_PIXELS) -> None:
        self.inferencer = inferencer
        self.out_dir = out_dir
        self.run = dict(topk=topk, thr=thr, box_mode=box_mode)
        self.batch_size = batch_size
        self.show_seeds, self.save_maps = show_seeds, save_maps
        self.gt_boxes, self.ann = gt_boxes, ann
        self.frames, self.stop_on_error = frames, stop_on_error
        self.max_overlay_side = max_overlay_side
        self.max_batch_pixels = max_batch_pixels
        self.records: List[dict] = []
        self.failures: List[Tuple[str, str]] = []

    def __call__(
        self, items: List[Tuple[str, str, str]]
    ) -> Tuple[List[dict], List[Tuple[str, str]]]:
        """Process ``items`` of :func:`list_file_inputs`.

        Returns:
            tuple: the JSON records (one per image or frame, in input
            order) and the failures ``(path, 'ErrorType: message')``.
        """
        mkdir_or_exist(self.out_dir)
        self.records, self.failures = [], []
        try:
            images = [(p, n) for kind, p, n in items if kind == 'image']
            if images:
                self._run_images(images)
            for kind, path, name in items:
                if kind == 'video':
                    self._guarded(path, self._run_video, path, name)
        except _StopRun:
            print(
                '--stop-on-error: stopped at the first failure',
                file=sys.stderr)
        return self.records, self.failures

    # ------------------------------------------------------------------
    def _fail(self, path: str, err: BaseException) -> None:
        self.failures.append((path, f'{type(err).__name__}: {err}'))
        print(
            f'\nfailed: {path}: {type(err).__name__}: {err}', file=sys.stderr)
        if self.stop_on_error:
            raise _StopRun

    def _guarded(self, path: str, fn, *args) -> None:
        try:
            fn(*args)
        except _StopRun:
            raise
        except Exception as err:  # every failure is reported, none stops
            self._fail(path, err)

    def _gt_for(self, path: str, name: str) -> Optional[np.ndarray]:
        if self.gt_boxes is not None:
            return self.gt_boxes
        if self.ann is not None:
            return find_gt_boxes(path, name, self.ann)
        return None

    def _record(self,
                result: dict,
                path: str,
                gt: Optional[np.ndarray],
                frame: Optional[int] = None) -> dict:
        rec = dict(input=path)
        if frame is not None:
            rec['frame'] = frame
        rec.update(self.inferencer.to_json(result))
        rec.pop('img_path', None)
        if gt is not None:
            rec['gt_bboxes'] = gt.tolist()
            rec['iou'] = top1_iou(result['boxes'][0], gt)
        return rec

    def _loaded_batches(self, images, bar):
        """Lists of ``(path, name, BGR image)``; unreadable images are
        failures (and steps of the progress bar) instead."""
        batch, pixels = [], 0
        for path, name in images:
            try:
                image = load_image(
                    path, imdecode_backend=self.inferencer.imdecode_backend)
            except Exception as err:
                self._fail(path, err)
                bar.update()
                continue
            batch.append((path, name, image))
            pixels += image.shape[0] * image.shape[1]
            if (len(batch) >= self.batch_size
                    or pixels >= self.max_batch_pixels):
                yield batch
                batch, pixels = [], 0
        if batch:
            yield batch

    def _infer_batch(self, batch) -> list:
        """Results of a loaded batch; a failing batch is retried image by
        image so that one bad input does not take the others with it."""
        arrays = [img for _, _, img in batch]
        try:
            return list(
                self.inferencer.iter_results(
                    arrays,
                    batch_size=len(arrays),
                    return_seeds=self.show_seeds,
                    **self.run))
        except Exception as err:
            if len(batch) == 1:
                self._fail(batch[0][0], err)
                return [None]
        results = []
        for path, _, img in batch:
            try:
                results += list(
                    self.inferencer.iter_results([img],
                                                 return_seeds=self.show_seeds,
                                                 **self.run))
            except Exception as err:
                self._fail(path, err)
                results.append(None)
        return results

    def _run_images(self, images) -> None:
        bar = ProgressBar(len(images))
        for batch in self._loaded_batches(images, bar):
            for (path, name, image), result in zip(batch,
                                                   self._infer_batch(batch)):
                if result is not None:
                    self._guarded(path, self._write_image, path, name, image,
                                  result)
                bar.update()
        sys.stdout.write('\n')

    def _write_image(self, path, name, image, result) -> None:
        gt = self._gt_for(path, name)
        rec = self._record(result, path, gt)
        small, drawn_result, drawn_gt = fit_for_drawing(
            image, result, gt, self.max_overlay_side)
        rec['overlay'] = f'{name}.png'
        mmcv.imwrite(
            self.inferencer.draw(small, drawn_result, drawn_gt)[..., ::-1],
            osp.join(self.out_dir, rec['overlay']))
        if self.show_seeds:
            rec['seeds'] = f'{name}_seeds.png'
            mmcv.imwrite(
                self.inferencer.draw_seeds(small, result)[..., ::-1],
                osp.join(self.out_dir, rec['seeds']))
        if self.save_maps:
            rec['maps'] = f'{name}_maps.npy'
            np.save(osp.join(self.out_dir, rec['maps']), result['loc_maps'])
        self.records.append(rec)

    def _run_video(self, path: str, name: str) -> None:
        """Overlay every frame of one video (a video file or PNG frames)."""
        cap = cv2.VideoCapture(path)
        fps = cap.get(cv2.CAP_PROP_FPS) or 25.0
        total = int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        cap.release()
        writer = None
        out_video = osp.join(self.out_dir, f'{name}_overlay.mp4')
        frame_dir = osp.join(self.out_dir, name)
        bar = ProgressBar(max(total, 0))
        index = 0
        try:
            for frames in video_frames(path, self.batch_size):
                for frame, result in zip(
                        frames,
                        self.inferencer.iter_results(
                            frames, batch_size=self.batch_size, **self.run)):
                    gt = self.gt_boxes
                    drawn = self.inferencer.draw(frame, result, gt)[..., ::-1]
                    if not self.frames and writer is None:
                        h, w = drawn.shape[:2]
                        writer = cv2.VideoWriter(
                            out_video, cv2.VideoWriter_fourcc(*'mp4v'), fps,
                            (w, h))
                        if not writer.isOpened():
                            print(f'cannot write {out_video} (no codec?); '
                                  f'writing PNG frames to {frame_dir}')
                            self.frames = True
                    if self.frames:
                        mmcv.imwrite(
                            drawn, osp.join(frame_dir,
                                            f'frame_{index:06d}.png'))
                    else:
                        writer.write(np.ascontiguousarray(drawn))
                    rec = self._record(result, path, gt, frame=index)
                    rec['overlay'] = (f'{name}/frame_{index:06d}.png' if
                                      self.frames else f'{name}_overlay.mp4')
                    self.records.append(rec)
                    index += 1
                    bar.update()
        finally:
            if writer is not None:
                writer.release()
        sys.stdout.write('\n')
        if index == 0:
            raise OSError(f'no frame could be read from video {path!r}')
