"""Evaluate WSOL score maps saved in the benchmark's on-disk layout.

Exact MaxBoxAcc / MaxBoxAccV2 (or PxAP with ``--mask-root``) of the WSOL
benchmark (Choe et al., CVPR 2020), computed by the same core as
``WSOLMetric`` (``mmspg.evaluation.functional``).

Example::

    python tools/eval_scoremaps.py --metadata-root metadata/CUB/test \\
        --scoremap-root work_dirs/x/scoremaps --out result.json \\
        --plot curves.png

Maps must be 224 x 224 (``--scoremap-size``), the size the benchmark scores
them at: its ``evaluation.py`` rescales the GT boxes to ``_RESIZE_LENGTH =
224`` (line 41) and does not resize the maps. ``--scoremap-size 0`` accepts
any size and rescales the GT to each map's own frame instead.

A map that cannot be used (missing, empty, truncated, pickled, not a 2-D
float map in [0, 1], of the wrong size) does not stop the run: every other
map is scored, the bad ones are listed at the end with their file and what is
wrong (and under ``errors`` in ``--out``), they count as misses (box
accuracies; their pixels are left out of PxAP), and the exit code is 1.
``--stop-on-error`` stops at the first instead.

``--loc-normalize {minmax,pas,ivr}`` (``--norm-percentile``) re-normalises
each saved map before scoring (Kim et al., ICCV 2021): a saved, min-max
normalised map keeps what these need, so a dump is re-scored without the
model (``'max'`` needs the raw map: ``tools/test.py --loc-normalize max``).
"""
import argparse
import json
import os
import os.path as osp
import sys

from mmspg.evaluation.functional.wsol_layout import evaluate_scoremap_folder
from mmspg.evaluation.functional.wsol_metadata import read_image_ids


class _Progress:
    """A one-line progress bar on stderr (stdout stays clean for logs)."""

    def __init__(self, total: int, stream=sys.stderr):
        self.total, self.done, self.stream = total, 0, stream
        self.step = max(1, total // 100)

    def __call__(self) -> None:
        self.done += 1
        if self.done % self.step == 0 or self.done == self.total:
            width = 40
            fill = width * self.done // self.total
            self.stream.write(f'\r[{"#" * fill}{"." * (width - fill)}] '
                              f'{self.done}/{self.total}')
            if self.done == self.total:
                self.stream.write('\n')
            self.stream.flush()


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Evaluate WSOL score maps (MaxBoxAcc, MaxBoxAccV2, PxAP)')
    parser.add_argument(
        '--metadata-root',
        required=True,
        help='folder with image_ids.txt, class_labels.txt, image_sizes.txt, '
        'localization.txt')
    parser.add_argument(
        '--scoremap-root',
        required=True,
        help='folder with <image_id>.npy 2-D float maps in [0, 1]')
    parser.add_argument(
        '--mask-root',
        default=None,
        help='folder of OpenImages-style masks: compute PxAP instead of '
        'box accuracies (localization.txt then lists id,mask,ignore)')
    parser.add_argument('--cam-curve-interval', type=float, default=0.001)
    parser.add_argument(
        '--iou-thresholds', type=int, nargs='+', default=[30, 50, 70])
    parser.add_argument(
        '--workers',
        type=int,
        default=min(2,
                    os.cpu_count() or 1),
        help='processes (images are independent)')
    parser.add_argument(
        '--backend',
        choices=['auto', 'c', 'opencv'],
        default='auto',
        help="box backend (same numbers): 'c' is mmspg's compiled core, "
        "'opencv' one findContours per threshold level; 'auto': 'c' when "
        'built')
    parser.add_argument(
        '--scoremap-size',
        type=int,
        nargs='+',
        default=[224],
        metavar='SIZE',
        help='H [W] every map must have (default 224, the benchmark\'s); 0 '
        'accepts any size (GT rescaled to each map)')
    parser.add_argument(
        '--stop-on-error',
        action='store_true',
        help='stop at the first unusable map (default: score all the others, '
        'list the bad ones, exit with 1)')
    parser.add_argument(
        '--loc-normalize',
        choices=['minmax', 'pas', 'ivr'],
        default=None,
        help='re-normalise each saved map first (Kim et al., ICCV 2021, as '
        'GenDisc/IVR); the saved maps are min-max normalised, so only the '
        "affine-invariant ones apply ('max' needs the raw map: tools/test.py "
        '--loc-normalize max)')
    parser.add_argument(
        '--norm-percentile',
        type=float,
        default=None,
        help='percentile of --loc-normalize pas (default 0.9) or ivr '
        '(default 0.45)')
    parser.add_argument('--out', default=None, help='result JSON file')
    parser.add_argument(
        '--plot', default=None, help='PNG of the accuracy-vs-threshold curves')
    return parser.parse_args(argv)


def plot_curves(result: dict, path: str) -> None:
    """Draw the curves of ``result`` into ``path`` (matplotlib, Agg)."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    curves = result['curves']
    fig, ax = plt.subplots(figsize=(6, 4))
    if 'pxap' in result:
        ax.plot(curves['recall'], curves['precision'])
        ax.set_xlabel('recall')
        ax.set_ylabel('precision')
        ax.set_title(f'PxAP {result["pxap"]:.2f}')
    else:
        t = curves['cam_threshold']
        ax.plot(
            t,
            curves['maxboxacc'],
            label=f'MaxBoxAcc (IoU 50) {result["maxboxacc"]:.2f}')
        for k in result['iou_thresholds']:
            key = f'maxboxacc_v2_iou{k}'
            ax.plot(
                t, curves[key], '--', label=f'V2 IoU {k}: {result[key]:.2f}')
        ax.set_xlabel('score-map threshold')
        ax.set_ylabel('box accuracy (%)')
        ax.set_title(f'MaxBoxAccV2 {result["maxboxacc_v2"]:.2f}')
        ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _scoremap_size(values):
    if len(values) > 2 or any(v < 0 for v in values):
        raise SystemExit(f'--scoremap-size takes H [W] >= 0, got {values}')
    if values[0] == 0:
        return None
    return (values[0], values[-1])


def _normalizer(args):
    """The ``--loc-normalize`` normaliser (torch-free), or None."""
    from mmspg.evaluation.functional.scoremap_norm import build_scoremap_norm
    if args.loc_normalize is None:
        if args.norm_percentile is not None:
            raise SystemExit('--norm-percentile needs --loc-normalize pas '
                             'or ivr')
        return None
    cfg = dict(type=args.loc_normalize)
    if args.norm_percentile is not None:
        if args.loc_normalize not in ('pas', 'ivr'):
            raise SystemExit('--norm-percentile needs --loc-normalize pas '
                             'or ivr')
        cfg['percentile'] = args.norm_percentile
    try:
        return build_scoremap_norm(cfg, '--loc-normalize')
    except ValueError as err:
        raise SystemExit(str(err))


def main(argv=None) -> dict:
    """Evaluate; returns the result dict (``errors`` lists unusable maps).

    Raises:
        SystemExit: with ``--stop-on-error``, at the first unusable map.
    """
    # the error an unusable map raises (--stop-on-error)
    from mmspg.evaluation.functional.wsol_layout import ScoremapError
    args = parse_args(argv)
    normalize = _normalizer(args)
    total = len(read_image_ids(args.metadata_root))
    try:
        result = evaluate_scoremap_folder(
            args.metadata_root,
            args.scoremap_root,
            cam_curve_interval=args.cam_curve_interval,
            iou_thresholds=args.iou_thresholds,
            mask_root=args.mask_root,
            workers=args.workers,
            progress=_Progress(total),
            backend=args.backend,
            scoremap_size=_scoremap_size(args.scoremap_size),
            on_error='raise' if args.stop_on_error else 'skip',
            normalize=normalize)
    except ScoremapError as err:
        sys.stderr.write(f'\n{err}\n--stop-on-error: stopped at the first '
                         'unusable score map\n')
        raise SystemExit(1)
    if 'pxap' in result:
        print(f'PxAP: {result["pxap"]:.4f}')
    else:
        print(f'MaxBoxAcc: {result["maxboxacc"]:.4f} (threshold '
              f'{result["maxboxacc_best_threshold"]:.3f})')
        print(f'MaxBoxAccV2: {result["maxboxacc_v2"]:.4f}')
        for k in result['iou_thresholds']:
            key = f'maxboxacc_v2_iou{k}'
            print(f'  IoU {k}: {result[key]:.4f} (threshold '
                  f'{result[key + "_best_threshold"]:.3f})')
    if args.out:
        os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
        with open(args.out, 'w') as f:
            json.dump(result, f)
    if args.plot:
        plot_curves(result, args.plot)
    errors = result['errors']
    if errors:
        sys.stderr.write(
            f'{len(errors)} of {result["num_images"]} score maps could not '
            'be used (counted as misses; their pixels left out of PxAP):\n')
        for entry in errors:
            sys.stderr.write(f'  {entry["error"]}\n')
    return result


if __name__ == '__main__':
    sys.exit(1 if main()['errors'] else 0)
