"""Check and time mmspg's WSOL box evaluation against a plain implementation.

Generates N synthetic CAM-like score maps (224 x 224, deterministic seed)
with metadata in the benchmark layout, then evaluates them twice:

* ``plain``: a direct implementation of the benchmark protocol, written here
  step for step (for every grid threshold: quantise, threshold, find
  contours, boxes, IoU), run once with the largest contour only (MaxBoxAcc)
  and once with all contours (MaxBoxAccV2), as the benchmark needs one run
  per setting;
* ``mmspg``: ``evaluate_scoremap_folder`` (the core behind
  ``tools/eval_scoremaps.py`` and ``WSOLMetric``), once per box backend
  built here (``c``: the compiled core, ``opencv``: one findContours per
  threshold level).

Every metric and every curve point must be exactly equal (max abs diff 0);
the script exits non-zero otherwise. It prints maps/s of both and the
speed-up.

Example::

    python .dev_scripts/benchmark_wsol_eval.py --num-maps 200 \\
        --cam-curve-interval 0.001

With ``--metric-cost CONFIG`` it instead times ``WSOLMetric.process()``
per image against the model's forward (``mode='predict'``, random smooth
inputs) of that config, interleaved so both see the same machine load::

    python .dev_scripts/benchmark_wsol_eval.py \\
        --metric-cost configs/demo/spg_demo.py

With ``--loop-cost CONFIG CHECKPOINT`` it runs the test loop of
``tools/test.py`` (the config's test dataloader and evaluator, a trained
checkpoint) per box backend and with the metric's work stubbed out, the
settings interleaved for 6 rounds, and reports medians: the share of the
loop's wall time spent in ``WSOLMetric.process()`` and the loop's excess
over the loop without the metric::

    python .dev_scripts/benchmark_wsol_eval.py \\
        --loop-cost configs/demo/spg_demo.py work_dirs/spg_demo/epoch_30.pth
"""
import argparse
import os
import os.path as osp
import sys
import tempfile
import time

import cv2
import numpy as np

from mmspg.evaluation.functional import (box_backends, cam_threshold_grid,
                                         evaluate_scoremap_folder, read_boxes,
                                         read_image_ids, read_image_sizes,
                                         write_metadata)


def make_layout(root: str, num_maps: int, seed: int = 0) -> None:
    """Write ``num_maps`` CAM-like maps and their metadata under ``root``."""
    rng = np.random.default_rng(seed)
    ids, labels, sizes, boxes = [], [], [], []
    yy, xx = np.mgrid[0:28, 0:28] + 0.5
    for i in range(num_maps):
        image_id = f'{i % 7:03d}.class/img_{i:05d}.jpg'
        w, h = int(rng.integers(200, 500)), int(rng.integers(200, 500))
        low = np.zeros((28, 28))
        gts = []
        for _ in range(int(rng.integers(1, 4))):
            cx, cy = rng.uniform(4, 24, size=2)
            sx, sy = rng.uniform(1.5, 6, size=2)
            low += rng.uniform(0.3, 1) * np.exp(-((xx - cx)**2 / (2 * sx**2) +
                                                  (yy - cy)**2 / (2 * sy**2)))
            box = [(cx - 2 * sx) / 28 * w, (cy - 2 * sy) / 28 * h,
                   (cx + 2 * sx) / 28 * w, (cy + 2 * sy) / 28 * h]
            gts.append(np.clip(box, 0, [w - 1, h - 1, w - 1, h - 1]))
        low += 0.05 * rng.random((28, 28))
        cam = cv2.resize(low, (224, 224), interpolation=cv2.INTER_CUBIC)
        cam = (cam - cam.min()) / (cam.max() - cam.min())
        path = osp.join(root, 'scoremaps', image_id + '.npy')
        os.makedirs(osp.dirname(path), exist_ok=True)
        np.save(path, cam.astype(np.float32))
        n_gt = int(rng.integers(1, len(gts) + 1))
        ids.append(image_id)
        labels.append(i % 7)
        sizes.append((w, h))
        boxes.append(np.array(gts[:n_gt]).astype(np.int64))
    write_metadata(osp.join(root, 'metadata'), ids, labels, sizes, boxes)


# ---------------------------------------------------------------------------
# Plain implementation of the benchmark protocol (the stand-in for the public
# evaluator): one threshold at a time, nothing shared between thresholds.
# ---------------------------------------------------------------------------
def plain_iou(est, gt):
    """IoU of each estimated box with each GT box, +1 pixel convention."""
    a = np.asarray(est)[:, None, :]
    b = np.asarray(gt)[None, :, :]
    iw = np.maximum(
        0,
        np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]) +
        1)
    ih = np.maximum(
        0,
        np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1]) +
        1)
    inter = iw * ih
    union = ((a[..., 2] - a[..., 0] + 1) * (a[..., 3] - a[..., 1] + 1) +
             (b[..., 2] - b[..., 0] + 1) * (b[..., 3] - b[..., 1] + 1) - inter)
    bad = union <= 0
    iou = inter / np.where(bad, 1, union)
    iou[bad] = 0
    return iou


def plain_boxes(scoremap, threshold, all_contours):
    height, width = scoremap.shape
    gray = (scoremap * 255).astype(np.uint8)
    _, binary = cv2.threshold(gray, int(threshold * np.max(gray)), 255,
                              cv2.THRESH_BINARY)
    contours = cv2.findContours(binary, cv2.RETR_TREE,
                                cv2.CHAIN_APPROX_SIMPLE)[0]
    if len(contours) == 0:
        return [[0, 0, 0, 0]]
    if not all_contours:
        contours = [max(contours, key=cv2.contourArea)]
    boxes = []
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        boxes.append([x, y, min(x + w, width - 1), min(y + h, height - 1)])
    return boxes


def plain_evaluate(root, interval, iou_thresholds, all_contours):
    meta = osp.join(root, 'metadata')
    ids = read_image_ids(meta)
    sizes = read_image_sizes(meta)
    boxes = read_boxes(meta)
    thresholds = list(np.arange(0, 1, interval))
    correct = {k: np.zeros(len(thresholds)) for k in iou_thresholds}
    for image_id in ids:
        w, h = sizes[image_id]
        gt = [(int(b[0] * 224. / w), int(b[1] * 224. / h),
               int(b[2] * 224. / w), int(b[3] * 224. / h))
              for b in boxes[image_id].tolist()]
        scoremap = np.load(osp.join(root, 'scoremaps',
                                    image_id + '.npy')).astype(np.float64)
        # Boxes of every threshold, then one IoU table for the image, then
        # the best IoU of each threshold's slice of boxes.
        per_threshold = [
            plain_boxes(scoremap, t, all_contours) for t in thresholds
        ]
        iou = plain_iou(np.concatenate(per_threshold), gt).max(1)
        best, start = [], 0
        for est in per_threshold:
            best.append(max(iou[start:start + len(est)]))
            start += len(est)
        best = np.array(best)
        for k in iou_thresholds:
            correct[k][best >= k / 100] += 1
    acc = {k: correct[k] * 100. / float(len(ids)) for k in iou_thresholds}
    return acc, thresholds


def compare(root, interval, iou_thresholds, workers):
    t0 = time.perf_counter()
    acc_v1, thresholds = plain_evaluate(root, interval, [50], False)
    t1 = time.perf_counter()
    acc_v2, _ = plain_evaluate(root, interval, iou_thresholds, True)
    t2 = time.perf_counter()
    plain = dict(
        maxboxacc=acc_v1[50].max(),
        maxboxacc_best_threshold=thresholds[int(np.argmax(acc_v1[50]))],
        maxboxacc_v2=np.average([acc_v2[k].max() for k in iou_thresholds]))
    curves = dict(maxboxacc=acc_v1[50])
    for k in iou_thresholds:
        plain[f'maxboxacc_v2_iou{k}'] = acc_v2[k].max()
        plain[f'maxboxacc_v2_iou{k}_best_threshold'] = thresholds[int(
            np.argmax(acc_v2[k]))]
        curves[f'maxboxacc_v2_iou{k}'] = acc_v2[k]
    timings = dict(plain_v1=t1 - t0, plain_v2=t2 - t1)
    diff = 0.0
    for backend in box_backends():
        for n in sorted({1, workers}):
            s = time.perf_counter()
            ours = evaluate_scoremap_folder(
                osp.join(root, 'metadata'),
                osp.join(root, 'scoremaps'),
                interval,
                iou_thresholds,
                workers=n,
                backend=backend)
            timings[f'mmspg_{backend}_{n}proc'] = time.perf_counter() - s
        print(f'-- backend {backend!r}')
        for key, value in plain.items():
            d = abs(float(value) - ours[key])
            print(f'{key:36s} plain {float(value):10.6f} mmspg '
                  f'{ours[key]:10.6f} |diff| {d}')
            diff = max(diff, d)
        for key, curve in curves.items():
            d = float(np.abs(np.asarray(ours['curves'][key]) - curve).max())
            print(f'curve {key:30s} max |diff| {d}')
            diff = max(diff, d)
    assert len(cam_threshold_grid(interval)) == len(thresholds)
    return diff, timings


def metric_cost(config: str, batch_size: int = 32, rounds: int = 4) -> None:
    """Time WSOLMetric.process() against the forward pass of a config."""
    import torch
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmpretrain.structures import DataSample

    from mmspg.evaluation import WSOLMetric
    from mmspg.registry import MODELS
    cfg = Config.fromfile(config)
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    model = MODELS.build(cfg.model).eval()
    size = int(cfg.get('input_size', 224))
    rng = np.random.default_rng(0)

    def samples():
        out = []
        for i in range(batch_size):
            h, w = int(rng.integers(200, 500)), int(rng.integers(200, 500))
            ori = np.array([[w * .2, h * .3, w * .7, h * .8]], np.float32)
            ds = DataSample().set_gt_label(0)
            ds.set_field(ori * [size / w, size / h, size / w, size / h],
                         'gt_bboxes')
            ds.set_field(ori, 'ori_gt_bboxes')
            ds.set_field(f'{i}.jpg', 'image_id', field_type='metainfo')
            ds.set_metainfo(dict(ori_shape=(h, w), img_shape=(size, size)))
            out.append(ds)
        return out

    x = torch.nn.functional.avg_pool2d(
        torch.rand(batch_size, 3, size, size) * 255, 9, 1, 4)
    settings = {
        "box_frame='benchmark', interval 0.001":
        dict(),
        "box_frame='benchmark', interval 0.001, num_threads=0":
        dict(num_threads=0),
        "box_frame='benchmark', interval 0.001, box_backend='opencv'":
        dict(box_backend='opencv'),
        "box_frame='benchmark', interval 0.01":
        dict(cam_curve_interval=.01),
        "box_frame='input', interval 0.001":
        dict(box_frame='input'),
        "box_frame='input', interval 0.01":
        dict(box_frame='input', cam_curve_interval=.01),
    }
    if 'c' not in box_backends():
        settings = {
            k: v
            for k, v in settings.items() if 'box_backend' not in v
        }
    metrics = {k: WSOLMetric(**v) for k, v in settings.items()}
    times = dict.fromkeys(['forward (predict)', *settings], 0.0)
    with torch.no_grad():
        model(x, samples(), mode='predict')  # warm-up
        for _ in range(rounds):
            s = time.perf_counter()
            out = model(x, samples(), mode='predict')
            times['forward (predict)'] += time.perf_counter() - s
            dicts = [o.to_dict() for o in out]
            for k, m in metrics.items():
                s = time.perf_counter()
                m.process(None, dicts)
                times[k] += time.perf_counter() - s
    n = rounds * batch_size
    for k, v in times.items():
        print(f'{k:55s} {v / n * 1000:8.2f} ms/image')


def loop_cost(config: str, checkpoint: str, rounds: int = 6) -> None:
    """Time tools/test.py's loop per box backend and without the metric's
    work, the settings interleaved round by round (this machine's load
    drifts), and report medians."""
    import statistics

    from mmengine.config import Config
    from mmengine.runner import Runner

    from mmspg.evaluation import WSOLMetric, wsol_metric_cfgs
    spent = [0.0]
    process, evaluate = WSOLMetric.process, WSOLMetric.evaluate

    def timed_process(self, *args, **kwargs):
        start = time.perf_counter()
        process(self, *args, **kwargs)
        spent[0] += time.perf_counter() - start

    def no_process(self, data_batch, data_samples):
        pass

    def no_evaluate(self, size):
        self.results.clear()
        return {}

    settings = [*box_backends(), 'no metric']
    runners, loops, spents = {}, {}, {}
    for setting in settings:
        cfg = Config.fromfile(config)
        cfg.load_from = checkpoint
        cfg.work_dir = tempfile.mkdtemp(prefix='mmspg_loop_cost_')
        cfgs = wsol_metric_cfgs(cfg.test_evaluator, ('WSOLMetric', ))
        if not cfgs:
            sys.exit(f'{config}: test_evaluator has no WSOLMetric')
        for metric in cfgs:
            metric['box_backend'] = (
                setting if setting in box_backends() else 'auto')
        runners[setting] = Runner.from_cfg(cfg)
        loops[setting], spents[setting] = [], []
    n = len(runners[settings[0]].test_dataloader.dataset)
    try:
        for r in range(rounds + 1):  # round 0 warms up, not counted
            for setting in settings:
                if setting == 'no metric':
                    WSOLMetric.process = no_process
                    WSOLMetric.evaluate = no_evaluate
                else:
                    WSOLMetric.process = timed_process
                    WSOLMetric.evaluate = evaluate
                spent[0] = 0.0
                start = time.perf_counter()
                runners[setting].test()
                if r:
                    loops[setting].append(time.perf_counter() - start)
                    spents[setting].append(spent[0])
    finally:
        WSOLMetric.process, WSOLMetric.evaluate = process, evaluate
    base = statistics.median(loops['no metric'])
    print(f'{n} images, median of {rounds} interleaved rounds:')
    for setting in settings:
        loop = statistics.median(loops[setting])
        line = (f'{setting:10s} loop {loop:.3f} s '
                f'[{min(loops[setting]):.3f}, {max(loops[setting]):.3f}]')
        if setting != 'no metric':
            p = statistics.median(spents[setting])
            line += (f', process() {p:.3f} s = {p / loop * 100:.1f}% of '
                     f'the loop ({p / n * 1000:.2f} ms/image); loop - '
                     f'no-metric loop = {(loop - base) / loop * 100:.1f}% '
                     'of the loop')
        print(line)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--num-maps', type=int, default=200)
    parser.add_argument('--cam-curve-interval', type=float, default=0.001)
    parser.add_argument(
        '--iou-thresholds', type=int, nargs='+', default=[30, 50, 70])
    parser.add_argument('--workers', type=int, default=2)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument(
        '--metric-cost',
        metavar='CONFIG',
        default=None,
        help='time WSOLMetric.process() vs the forward '
        'of this config instead')
    parser.add_argument(
        '--loop-cost',
        nargs=2,
        metavar=('CONFIG', 'CHECKPOINT'),
        default=None,
        help="share of tools/test.py's loop spent in "
        'WSOLMetric.process() instead')
    args = parser.parse_args()
    if args.metric_cost:
        metric_cost(args.metric_cost)
        return
    if args.loop_cost:
        loop_cost(*args.loop_cost)
        return
    with tempfile.TemporaryDirectory() as root:
        make_layout(root, args.num_maps, args.seed)
        diff, t = compare(root, args.cam_curve_interval, args.iou_thresholds,
                          args.workers)
    n = args.num_maps
    plain_total = t['plain_v1'] + t['plain_v2']
    print(f'\nmaps: {n}, cam_curve_interval {args.cam_curve_interval}')
    print(f'plain, MaxBoxAcc run     : {n / t["plain_v1"]:8.2f} maps/s')
    print(f'plain, MaxBoxAccV2 run   : {n / t["plain_v2"]:8.2f} maps/s')
    print(f'plain, both (all metrics): {n / plain_total:8.2f} maps/s')
    for key in t:
        if key.startswith('mmspg'):
            print(f'{key:25s}: {n / t[key]:8.2f} maps/s, speed-up '
                  f'{plain_total / t[key]:6.1f}x vs both plain runs, '
                  f'{t["plain_v2"] / t[key]:6.1f}x vs the V2 run alone')
    print(f'max abs diff over all metrics and curves: {diff}')
    if diff != 0:
        print('MISMATCH', file=sys.stderr)
        sys.exit(1)


if __name__ == '__main__':
    main()
