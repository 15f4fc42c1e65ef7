"""Time and memory per image of BagCAMs against the plain CAM map.

Builds a WSOLClassifier (mmpretrain ResNet with the WSOL benchmark's large
feature map and a linear CAM head, random weights: the cost does not depend
on them) and times ``predict`` with the CAM map and with
``test_localizer=dict(type='BagCAMs', layer=...)`` (top-K + ground-truth
maps: K + 1 backward passes). Each mode runs in a fresh child process, whose
peak resident set size (``ru_maxrss``) is reported with its increase over
the peak after the model is built (what ``predict`` adds).

Example (the figures of docs/benchmarks.md)::

    python .dev_scripts/benchmark_bagcams.py --depth 50 --input-size 224 \\
        --layer backbone.layer3 --topk 5 --batch-size 1 --threads 2
"""
import argparse
import json
import resource
import statistics
import subprocess
import sys
import time


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--depth', type=int, default=50)
    parser.add_argument('--input-size', type=int, default=224)
    parser.add_argument('--num-classes', type=int, default=200)
    parser.add_argument('--layer', default='backbone.layer3')
    parser.add_argument('--topk', type=int, default=5)
    parser.add_argument('--batch-size', type=int, default=1)
    parser.add_argument('--iters', type=int, default=5)
    parser.add_argument('--warmup', type=int, default=1)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--child', choices=['cam', 'bagcams'], default=None)
    return parser.parse_args(argv)


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(args) -> dict:
    """Build, time ``predict`` and report (in this process)."""
    import torch
    from mmengine.registry import init_default_scope
    from mmpretrain.structures import DataSample

    from mmspg.registry import MODELS
    torch.set_num_threads(args.threads)
    init_default_scope('mmspg')
    torch.manual_seed(0)
    # the benchmark's ResNet-50 CAM: layer3 and layer4 at stride 1 (28 x 28
    # maps at 224 px, clovaai/wsolevaluation wsol/resnet.py
    # large_feature_map), GAP + fc
    model = MODELS.build(
        dict(
            type='WSOLClassifier',
            backbone=dict(
                type='mmpretrain.ResNet',
                depth=args.depth,
                strides=(1, 2, 1, 1),
                out_indices=(3, )),
            neck=None,
            head=dict(
                type='CAMHead',
                num_classes=args.num_classes,
                in_channels=2048 if args.depth >= 50 else 512,
                classifier='linear',
                loc_topk=args.topk),
            test_localizer=dict(type='BagCAMs', layer=args.layer)
            if args.child == 'bagcams' else None)).eval()
    x = torch.randn(args.batch_size, 3, args.input_size, args.input_size)
    built = _peak_mib()
    times = []
    for i in range(args.warmup + args.iters):
        samples = [DataSample().set_gt_label(0) for _ in range(len(x))]
        start = time.perf_counter()
        with torch.no_grad():  # as the test loop; BagCAMs enables grad
            model.predict(x, samples)
        if i >= args.warmup:
            times.append(time.perf_counter() - start)
    peak = _peak_mib()
    return dict(
        mode=args.child,
        s_per_image=statistics.median(times) / args.batch_size,
        peak_mib=peak,
        predict_mib=peak - built)


def main(argv=None) -> list:
    args = parse_args(argv)
    if args.child:
        print(json.dumps(child(args)))
        return []
    rows = []
    for mode in ('cam', 'bagcams'):
        words = list(argv if argv is not None else sys.argv[1:])
        cmd = [sys.executable, __file__, '--child', mode] + words
        out = subprocess.run(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            check=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(f'ResNet-{args.depth}, {args.input_size} px, layer {args.layer}, '
          f'top-{args.topk} + GT maps, batch {args.batch_size}, '
          f'{args.threads} threads, median of {args.iters}')
    print(f'{"mode":8} {"s/image":>8} {"peak MiB":>9} {"predict MiB":>12}')
    for r in rows:
        print(f'{r["mode"]:8} {r["s_per_image"]:8.3f} {r["peak_mib"]:9.0f} '
              f'{r["predict_mib"]:12.0f}')
    return rows


if __name__ == '__main__':
    main()
