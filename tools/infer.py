"""Localize objects in images, folders or videos with a trained WSOL model.

Usage::

    python tools/infer.py CONFIG CHECKPOINT INPUT [INPUT ...]
        [--out-dir DIR] [--topk K] [--thr T] [--box-mode {largest,all}]
        [--batch-size N] [--device DEV] [--show-seeds] [--save-maps]
        [--gt-boxes X1,Y1,X2,Y2 [X1,Y1,X2,Y2 ...] | --ann FILE]
        [--frames] [--stop-on-error] [--max-overlay-side PX]
        [--cfg-options KEY=VALUE ...]

INPUT is an image, a folder (searched recursively for images) or a video
file (``.mp4 .avi .mov .mkv .webm .m4v .mpg .mpeg .wmv``, read frame by
frame with OpenCV). CHECKPOINT may be ``none`` to keep the initial weights.

Writes into ``--out-dir`` (default ``outputs/infer``):

* ``<name>.png`` per image: the top-1 localization map (JET) blended on the
  original image, the predicted box(es) at ``--thr`` (green), the
  ground-truth boxes when given (red) and the class name with its score.
  ``<name>`` is the file name without extension, or for folder inputs its
  path relative to the folder (sub-folders are kept).
* ``<name>_seeds.png`` with ``--show-seeds`` (SPG models): the image, the
  attention map, the seed masks for B2, B1 and C (white foreground, black
  background, grey ignored) and the sigmoid outputs of B2, B1 and C, side
  by side with titles.
* ``<name>_maps.npy`` with ``--save-maps``: float32 (K, H, W) maps in
  [0, 1] at the original size.
* ``<video stem>_overlay.mp4`` per video (or, with ``--frames`` or when no
  video codec is available, ``<video stem>/frame_000000.png`` ...).
* ``results.json``: ``{"config", "checkpoint", "thr", "box_mode", "topk",
  "classes", "results": [...]}``; one entry per image or frame with
  ``input`` (path), ``frame`` (videos only), ``overlay`` (file written,
  relative to the out dir: the PNG, or for video frames the video or the
  frame's PNG), ``seeds`` (with ``--show-seeds``, images only),
  ``maps`` (with ``--save-maps``), ``ori_shape`` [H, W],
  ``pred_label``, ``pred_score``, ``pred_class`` (when class names are
  known), ``topk_labels``, ``topk_scores``, ``topk_classes``, ``boxes``
  (per top-k class a list of [x1, y1, x2, y2] in original pixels) and
  ``thr``; with ground truth also ``gt_bboxes`` and ``iou`` (largest top-1
  box vs the best ground-truth box, with the WSOL benchmark's +1-pixel IoU).

Bad inputs (an unreadable or empty image, a video that cannot be opened) do
not stop the run: every good input is processed and written, the bad ones
are listed at the end (on stderr and as ``errors`` in ``results.json``, each
with its path and the reason) and the exit code is 1. ``--stop-on-error``
stops at the first bad input instead (still writing ``results.json`` for
what was done). A checkpoint that does not fit the config's model (missing,
unexpected or mis-shaped keys) is refused before any input is read, as by
``tools/test.py``.

Memory is bounded for very large images: images are decoded once, a batch
holds at most ``--batch-size`` images and at most 48 megapixels (one 6000 x
4000 photo and its neighbours go in batches of their own), and overlays are
drawn at most ``--max-overlay-side`` pixels on their longer side (default
2048; 0 draws at the original size). The JSON boxes and ``--save-maps``
maps are always in original pixels. Measured figures: docs/benchmarks.md.

Ground truth (optional, original pixels): ``--gt-boxes`` gives boxes for a
single image or for every frame of a video; ``--ann`` a JSON file
``{"<image id or file name>": [[x1, y1, x2, y2], ...]}`` or a text file of
``<image id>,x1,y1,x2,y2`` lines (the WSOL benchmark's
``localization.txt``). A key matches an input whose path equals it or ends
with ``/<key>``.

Example (the demo figure of the README)::

    python tools/infer.py configs/demo/spg_demo.py \
        work_dirs/spg_demo/epoch_25.pth data/spg_demo/images/... \
        --out-dir outputs/demo --show-seeds
"""
import argparse
import json
import os
import os.path as osp
import sys
from collections import defaultdict
from typing import Dict, Iterator, List, Optional, Tuple

import cv2
import mmcv
import numpy as np
from mmengine.config import Config, DictAction
from mmengine.utils import ProgressBar, mkdir_or_exist

VIDEO_EXTENSIONS = ('.mp4', '.avi', '.mov', '.mkv', '.webm', '.m4v', '.mpg',
                    '.mpeg', '.wmv')


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Classify and localize objects with a WSOL model '
        '(overlays, SPG seed panels, JSON results)')
    parser.add_argument('config', help='config file')
    parser.add_argument(
        'checkpoint', help="checkpoint file, or 'none' for initial weights")
    parser.add_argument(
        'inputs', nargs='+', help='image files, folders or video files')
    parser.add_argument(
        '--out-dir', default='outputs/infer', help='output folder')
    parser.add_argument(
        '--topk', type=int, default=1,
        help='classes (maps, boxes) per image in the JSON (<= head loc_topk)')
    parser.add_argument(
        '--thr', type=float, default=None,
        help='box threshold relative to the map maximum, in [0, 1] '
        '(default: the config\'s test_evaluator.cam_threshold, else 0.2)')
    parser.add_argument(
        '--box-mode', choices=['largest', 'all'], default='largest',
        help='box of the largest contour, or of every contour')
    parser.add_argument('--batch-size', type=int, default=8)
    parser.add_argument(
        '--device', default=None, help='e.g. cpu, cuda:0 (default: auto)')
    parser.add_argument(
        '--show-seeds', action='store_true',
        help='also write the SPG panels (attention, seeds, B/C outputs)')
    parser.add_argument(
        '--save-maps', action='store_true',
        help='also write the (K, H, W) float32 maps as .npy')
    gt = parser.add_mutually_exclusive_group()
    gt.add_argument(
        '--gt-boxes', nargs='+', default=None, metavar='X1,Y1,X2,Y2',
        help='ground-truth boxes (original pixels) of the single image, or '
        'of every video frame')
    gt.add_argument(
        '--ann', default=None,
        help='ground-truth boxes: JSON {id: [[x1,y1,x2,y2], ...]} or text '
        'lines "id,x1,y1,x2,y2"')
    parser.add_argument(
        '--frames', action='store_true',
        help='write video overlays as PNG frames instead of a video file')
    parser.add_argument(
        '--stop-on-error', action='store_true',
        help='stop at the first input that fails (default: process every '
        'good input, list the bad ones at the end, exit with 1)')
    parser.add_argument(
        '--max-overlay-side', type=int, default=2048,
        help='draw overlays and seed panels from an image scaled so that its '
        'longer side is at most this (bounds memory for very large images; '
        'JSON boxes and saved maps stay in original pixels); 0: original '
        'size')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config settings, xxx=yyy format')
    return parser.parse_args(argv)


# ----------------------------------------------------------------------
# Ground truth
# ----------------------------------------------------------------------
def parse_box(text: str, where: str) -> List[float]:
    """'x1,y1,x2,y2' -> [x1, y1, x2, y2], with a clear error."""
    try:
        box = [float(v) for v in text.split(',')]
    except ValueError:
        box = []
    if len(box) != 4 or box[2] < box[0] or box[3] < box[1]:
        raise ValueError(f'{where}: expected a box "x1,y1,x2,y2" with '
                         f'x1 <= x2 and y1 <= y2, got {text!r}')
    return box


def load_annotations(path: str) -> Dict[str, np.ndarray]:
    """Read ``--ann``: JSON {id: boxes} or ``id,x1,y1,x2,y2`` lines."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'--ann: no such file {path!r}')
    boxes: Dict[str, list] = defaultdict(list)
    if path.lower().endswith('.json'):
        with open(path) as f:
            data = json.load(f)
        if not isinstance(data, dict):
            raise ValueError(f'{path}: expected a JSON object '
                             '{"<image id>": [[x1, y1, x2, y2], ...]}')
        for key, value in data.items():
            arr = np.asarray(value, dtype=np.float32)
            if arr.size == 0 or arr.size % 4:
                raise ValueError(f'{path}: boxes of {key!r} must be '
                                 f'[[x1, y1, x2, y2], ...], got {value!r}')
            boxes[key] = arr.reshape(-1, 4).tolist()
    else:
        with open(path) as f:
            for lineno, line in enumerate(f, 1):
                line = line.strip()
                if not line:
                    continue
                key, sep, rest = line.partition(',')
                if not sep:
                    raise ValueError(f'{path}:{lineno}: expected '
                                     f'"id,x1,y1,x2,y2", got {line!r}')
                boxes[key.strip()].append(
                    parse_box(rest, f'{path}:{lineno}'))
    return {k: np.asarray(v, np.float32).reshape(-1, 4)
            for k, v in boxes.items()}


def find_gt(path: str, rel: str,
            ann: Dict[str, np.ndarray]) -> Optional[np.ndarray]:
    """Boxes of ``ann`` whose key is the input's path, its path relative to
    its folder input, or a '/'-separated suffix of its path."""
    norm = path.replace(os.sep, '/')
    for key in (path, rel, norm, osp.basename(path)):
        if key in ann:
            return ann[key]
    for key, value in ann.items():
        if norm.endswith('/' + key.lstrip('/')):
            return value
    return None


def box_iou(pred: np.ndarray, gt: np.ndarray) -> float:
    """Best IoU of the first predicted box with the GT boxes, with the
    evaluation core's (+1 pixel) convention."""
    from mmspg.evaluation.functional.wsol_box import multiple_iou
    return float(
        multiple_iou(pred[:1].astype(np.int64),
                     np.trunc(gt).astype(np.int64)).max())


# ----------------------------------------------------------------------
# Inputs
# ----------------------------------------------------------------------
def expand_inputs(inputs: List[str]) -> List[Tuple[str, str, str]]:
    """Inputs -> [(kind, path, name)] with kind 'image' or 'video' and a
    unique output name (relative path without extension)."""
    from mmspg.datasets.annotation_utils import list_images
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
            kind = ('video' if inp.lower().endswith(VIDEO_EXTENSIONS) else
                    'image')
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


def video_frames(path: str, batch: int) -> Iterator[List[np.ndarray]]:
    """Yield lists of up to ``batch`` BGR frames of a video."""
    cap = cv2.VideoCapture(path)
    if not cap.isOpened():
        raise OSError(f'cannot open video {path!r}')
    try:
        frames = []
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            frames.append(frame)
            if len(frames) == batch:
                yield frames
                frames = []
        if frames:
            yield frames
    finally:
        cap.release()


# ----------------------------------------------------------------------
# Batches and drawing with bounded memory
# ----------------------------------------------------------------------
#: Most pixels of decoded images held at once (48 MP: two 6000 x 4000
#: photos, 144 MB of BGR); a batch closes at this or at --batch-size.
MAX_BATCH_PIXELS = 48_000_000


class _StopRun(Exception):
    """--stop-on-error: a failure ends the run."""


def loaded_batches(images, batch_size, max_pixels, fail, bar):
    """Yield lists of ``(path, name, BGR image)``; unreadable images go to
    ``fail(path, error)`` (and the progress bar) instead."""
    from mmspg.apis.image_inputs import load_image
    batch, pixels = [], 0
    for path, name in images:
        try:
            image = load_image(path)
        except Exception as err:
            fail(path, err)
            bar.update()
            continue
        batch.append((path, name, image))
        pixels += image.shape[0] * image.shape[1]
        if len(batch) >= batch_size or pixels >= max_pixels:
            yield batch
            batch, pixels = [], 0
    if batch:
        yield batch


def fit_for_drawing(image: np.ndarray, result: dict,
                    gt: Optional[np.ndarray], max_side: int):
    """Scale an image, its top-1 map, its boxes and the GT boxes so that the
    longer side is at most ``max_side`` (0: unchanged).

    Drawing goes through matplotlib (mmengine's Visualizer), whose buffers
    grow with the pixel count: 2.5 GB for a 6000 x 4000 image.
    """
    h, w = image.shape[:2]
    if max_side <= 0 or max(h, w) <= max_side:
        return image, result, gt
    scale = max_side / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    sx, sy = size[0] / w, size[1] / h
    factor = np.array([sx, sy, sx, sy], np.float32)
    small = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    drawn = dict(result)
    drawn['loc_maps'] = [
        cv2.resize(m, size, interpolation=cv2.INTER_AREA)
        for m in result['loc_maps'][:1]
    ] + list(result['loc_maps'][1:])
    drawn['boxes'] = [np.asarray(b, np.float32).reshape(-1, 4) * factor
                      for b in result['boxes']]
    small_gt = None if gt is None else np.asarray(gt, np.float32) * factor
    return small, drawn, small_gt


def run_video(args, inferencer, path, name, fixed_gt, run, record, records):
    """Overlay every frame of one video (a video file or PNG frames)."""
    cap = cv2.VideoCapture(path)
    fps = cap.get(cv2.CAP_PROP_FPS) or 25.0
    total = int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
    cap.release()
    writer = None
    out_video = osp.join(args.out_dir, f'{name}_overlay.mp4')
    frame_dir = osp.join(args.out_dir, name)
    bar = ProgressBar(max(total, 0))
    index = 0
    try:
        for frames in video_frames(path, args.batch_size):
            for frame, result in zip(
                    frames,
                    inferencer.iter_results(
                        frames, batch_size=args.batch_size, **run)):
                gt = fixed_gt
                drawn = inferencer.draw(frame, result, gt)[..., ::-1]
                if not args.frames and writer is None:
                    h, w = drawn.shape[:2]
                    writer = cv2.VideoWriter(
                        out_video, cv2.VideoWriter_fourcc(*'mp4v'), fps,
                        (w, h))
                    if not writer.isOpened():
                        print(f'cannot write {out_video} (no codec?); '
                              f'writing PNG frames to {frame_dir}')
                        args.frames = True
                if args.frames:
                    mmcv.imwrite(drawn, osp.join(frame_dir,
                                                 f'frame_{index:06d}.png'))
                else:
                    writer.write(np.ascontiguousarray(drawn))
                rec = record(result, path, gt, frame=index)
                rec['overlay'] = (f'{name}/frame_{index:06d}.png'
                                  if args.frames else f'{name}_overlay.mp4')
                records.append(rec)
                index += 1
                bar.update()
    finally:
        if writer is not None:
            writer.release()
    sys.stdout.write('\n')
    if index == 0:
        raise OSError(f'no frame could be read from video {path!r}')


# ----------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------
def build_inferencer(args: argparse.Namespace):
    from mmspg.apis import WSOLInferencer, init_localizer
    if not osp.isfile(args.config):
        raise FileNotFoundError(f'no config file {args.config!r}')
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    checkpoint = (None if args.checkpoint.lower() == 'none' else
                  args.checkpoint)
    model = init_localizer(cfg, checkpoint, device=args.device)
    return WSOLInferencer(model, pretrained=False)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    if args.thr is not None and not 0.0 <= args.thr <= 1.0:
        raise SystemExit(f'--thr must be in [0, 1], got {args.thr}')
    if args.topk < 1 or args.batch_size < 1:
        raise SystemExit('--topk and --batch-size must be >= 1')
    if args.max_overlay_side < 0:
        raise SystemExit('--max-overlay-side must be >= 0')
    items = expand_inputs(args.inputs)
    fixed_gt = None
    if args.gt_boxes:
        fixed_gt = np.asarray(
            [parse_box(b, '--gt-boxes') for b in args.gt_boxes], np.float32)
        if sum(kind == 'image' for kind, _, _ in items) > 1:
            raise SystemExit('--gt-boxes describes one image; use --ann for '
                             'several images')
    ann = load_annotations(args.ann) if args.ann else None

    inferencer = build_inferencer(args)
    mkdir_or_exist(args.out_dir)
    run = dict(topk=args.topk, thr=args.thr, box_mode=args.box_mode)
    records = []

    def gt_for(path, name):
        if fixed_gt is not None:
            return fixed_gt
        if ann is not None:
            return find_gt(path, name, ann)
        return None

    def record(result, path, gt, frame=None):
        rec = dict(input=path)
        if frame is not None:
            rec['frame'] = frame
        rec.update(inferencer.to_json(result))
        rec.pop('img_path', None)
        if gt is not None:
            rec['gt_bboxes'] = gt.tolist()
            rec['iou'] = box_iou(result['boxes'][0], gt)
        return rec

    failures: List[Tuple[str, str]] = []

    def fail(path: str, err: BaseException) -> None:
        failures.append((path, f'{type(err).__name__}: {err}'))
        print(f'\nfailed: {path}: {type(err).__name__}: {err}',
              file=sys.stderr)
        if args.stop_on_error:
            raise _StopRun

    def write_image(path, name, image, result):
        gt = gt_for(path, name)
        rec = record(result, path, gt)
        small, drawn_result, drawn_gt = fit_for_drawing(
            image, result, gt, args.max_overlay_side)
        rec['overlay'] = f'{name}.png'
        mmcv.imwrite(
            inferencer.draw(small, drawn_result, drawn_gt)[..., ::-1],
            osp.join(args.out_dir, rec['overlay']))
        if args.show_seeds:
            rec['seeds'] = f'{name}_seeds.png'
            mmcv.imwrite(
                inferencer.draw_seeds(small, result)[..., ::-1],
                osp.join(args.out_dir, rec['seeds']))
        if args.save_maps:
            rec['maps'] = f'{name}_maps.npy'
            np.save(osp.join(args.out_dir, rec['maps']), result['loc_maps'])
        records.append(rec)

    def infer_batch(batch):
        """Results of a loaded batch; a failing batch is retried image by
        image so that one bad input does not take the others with it."""
        arrays = [img for _, _, img in batch]
        try:
            return list(
                inferencer.iter_results(
                    arrays, batch_size=len(arrays),
                    return_seeds=args.show_seeds, **run))
        except Exception as err:
            if len(batch) == 1:
                fail(batch[0][0], err)
                return [None]
        results = []
        for path, _, img in batch:
            try:
                results += list(
                    inferencer.iter_results(
                        [img], return_seeds=args.show_seeds, **run))
            except Exception as err:
                fail(path, err)
                results.append(None)
        return results

    try:
        # Images
        images = [(p, n) for kind, p, n in items if kind == 'image']
        if images:
            bar = ProgressBar(len(images))
            for batch in loaded_batches(images, args.batch_size,
                                        MAX_BATCH_PIXELS, fail, bar):
                for (path, name, image), result in zip(
                        batch, infer_batch(batch)):
                    if result is not None:
                        try:
                            write_image(path, name, image, result)
                        except _StopRun:
                            raise
                        except Exception as err:
                            fail(path, err)
                    bar.update()
            sys.stdout.write('\n')

        # Videos
        for kind, path, name in items:
            if kind != 'video':
                continue
            try:
                run_video(args, inferencer, path, name, fixed_gt, run,
                          record, records)
            except _StopRun:
                raise
            except Exception as err:
                fail(path, err)
    except _StopRun:
        print('--stop-on-error: stopped at the first failure',
              file=sys.stderr)

    summary = dict(
        config=args.config,
        checkpoint=args.checkpoint,
        thr=inferencer.default_thr if args.thr is None else args.thr,
        box_mode=args.box_mode,
        topk=args.topk,
        classes=inferencer.classes,
        results=records,
        errors=[dict(input=p, error=e) for p, e in failures])
    with open(osp.join(args.out_dir, 'results.json'), 'w') as f:
        json.dump(summary, f, indent=1)
    print(f'{len(records)} result(s) written to {args.out_dir}')
    if failures:
        print(f'{len(failures)} input(s) failed:', file=sys.stderr)
        for path, error in failures:
            print(f'  {path}: {error}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
