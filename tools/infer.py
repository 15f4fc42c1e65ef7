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

This file is the command line only: the work is
:class:`mmspg.apis.file_inference.FileLocalizer` over
:class:`mmspg.apis.WSOLInferencer`.

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
import os.path as osp
import sys
from typing import List, Optional

import numpy as np
from mmengine.config import Config, DictAction


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
        '--topk',
        type=int,
        default=1,
        help='classes (maps, boxes) per image in the JSON (<= head loc_topk)')
    parser.add_argument(
        '--thr',
        type=float,
        default=None,
        help='box threshold relative to the map maximum, in [0, 1] '
        '(default: the config\'s test_evaluator.cam_threshold, else 0.2)')
    parser.add_argument(
        '--box-mode',
        choices=['largest', 'all'],
        default='largest',
        help='box of the largest contour, or of every contour')
    parser.add_argument('--batch-size', type=int, default=8)
    parser.add_argument(
        '--device', default=None, help='e.g. cpu, cuda:0 (default: auto)')
    parser.add_argument(
        '--show-seeds',
        action='store_true',
        help='also write the SPG panels (attention, seeds, B/C outputs)')
    parser.add_argument(
        '--save-maps',
        action='store_true',
        help='also write the (K, H, W) float32 maps as .npy')
    gt = parser.add_mutually_exclusive_group()
    gt.add_argument(
        '--gt-boxes',
        nargs='+',
        default=None,
        metavar='X1,Y1,X2,Y2',
        help='ground-truth boxes (original pixels) of the single image, or '
        'of every video frame')
    gt.add_argument(
        '--ann',
        default=None,
        help='ground-truth boxes: JSON {id: [[x1,y1,x2,y2], ...]} or text '
        'lines "id,x1,y1,x2,y2"')
    parser.add_argument(
        '--frames',
        action='store_true',
        help='write video overlays as PNG frames instead of a video file')
    parser.add_argument(
        '--stop-on-error',
        action='store_true',
        help='stop at the first input that fails (default: process every '
        'good input, list the bad ones at the end, exit with 1)')
    parser.add_argument(
        '--max-overlay-side',
        type=int,
        default=2048,
        help='draw overlays and seed panels from an image scaled so that its '
        'longer side is at most this (bounds memory for very large images; '
        'JSON boxes and saved maps stay in original pixels); 0: original '
        'size')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, xxx=yyy format')
    return parser.parse_args(argv)


def build_inferencer(args: argparse.Namespace):
    from mmspg.apis import WSOLInferencer, init_localizer
    if not osp.isfile(args.config):
        raise FileNotFoundError(f'no config file {args.config!r}')
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    checkpoint = (None
                  if args.checkpoint.lower() == 'none' else args.checkpoint)
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
    # imported here: --help and argument errors need no torch
    from mmspg.apis.file_inference import FileLocalizer, list_file_inputs
    from mmspg.apis.gt_boxes import load_box_annotations, parse_box
    items = list_file_inputs(args.inputs)
    fixed_gt = None
    if args.gt_boxes:
        fixed_gt = np.asarray(
            [parse_box(b, '--gt-boxes') for b in args.gt_boxes], np.float32)
        if sum(kind == 'image' for kind, _, _ in items) > 1:
            raise SystemExit('--gt-boxes describes one image; use --ann for '
                             'several images')
    ann = load_box_annotations(args.ann) if args.ann else None

    inferencer = build_inferencer(args)
    records, failures = FileLocalizer(
        inferencer,
        args.out_dir,
        topk=args.topk,
        thr=args.thr,
        box_mode=args.box_mode,
        batch_size=args.batch_size,
        show_seeds=args.show_seeds,
        save_maps=args.save_maps,
        gt_boxes=fixed_gt,
        ann=ann,
        frames=args.frames,
        stop_on_error=args.stop_on_error,
        max_overlay_side=args.max_overlay_side)(
            items)

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
