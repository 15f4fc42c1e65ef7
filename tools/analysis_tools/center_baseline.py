"""Localization of a class-agnostic centre baseline on a config's test set.

The baseline ignores the image: its score map is an isotropic Gaussian
centred in the network input, as the "center baseline" of Choe et al.
(CVPR 2020). It is scored by the same ``WSOLMetric`` (same box frame,
thresholds and grid) as the model, so its GT-known Loc, MaxBoxAcc and
MaxBoxAccV2 say how much of a model's number any centred box would get.
Classification metrics mean nothing for it: the evaluator's log table still
lists them (uniform scores), the JSON printed at the end keeps only the
localization keys.

Example:
    python tools/analysis_tools/center_baseline.py configs/demo/spg_demo.py
"""
import argparse
import json

import numpy as np
import torch
from mmengine.config import Config, DictAction
from mmengine.registry import init_default_scope

from mmspg.evaluation import wsol_metric_cfgs
from mmspg.registry import DATASETS, METRICS  # (importing mmspg registers)

BASELINE_KEYS = ('gt_known_loc', 'maxboxacc', 'maxboxacc_v2',
                 'maxboxacc_v2_iou30', 'maxboxacc_v2_iou50',
                 'maxboxacc_v2_iou70', 'best_threshold')


def centre_gaussian(height: int, width: int,
                    sigma_ratio: float) -> torch.Tensor:
    """A centred Gaussian map.

    Args:
        height (int): Map height.
        width (int): Map width.
        sigma_ratio (float): Standard deviation as a fraction of each side.

    Returns:
        Tensor: (height, width) float32 in (0, 1], 1 at the centre.
    """
    ys = (np.arange(height) + 0.5 - height / 2) / (sigma_ratio * height)
    xs = (np.arange(width) + 0.5 - width / 2) / (sigma_ratio * width)
    g = np.exp(-0.5 * (ys[:, None]**2 + xs[None, :]**2))
    return torch.from_numpy((g / g.max()).astype(np.float32))


def parse_args():
    parser = argparse.ArgumentParser(
        description='Score a centred Gaussian map with the config\'s '
        'WSOLMetric on its test set')
    parser.add_argument('config', help='config file')
    parser.add_argument(
        '--sigma-ratio',
        type=float,
        default=0.25,
        help='Gaussian standard deviation as a fraction of the image side')
    parser.add_argument('--out', help='write the metrics to this JSON file')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, as in tools/train.py')
    return parser.parse_args()


def main():
    args = parse_args()
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))

    dataset = DATASETS.build(cfg.test_dataloader.dataset)
    evaluator_cfgs = wsol_metric_cfgs(cfg.test_evaluator, ('WSOLMetric', ))
    if not evaluator_cfgs:
        raise SystemExit(f'{args.config}: test_evaluator has no '
                         'WSOLMetric to score the baseline with')
    metric = METRICS.build(evaluator_cfgs[0])
    metric.dataset_meta = dataset.metainfo

    num_classes = len(dataset.metainfo['classes'])
    for idx in range(len(dataset)):
        sample = dataset[idx]['data_samples']
        h, w = sample.img_shape
        sample.set_field(
            torch.full((num_classes, ), 1.0 / num_classes), 'pred_score')
        sample.set_field(centre_gaussian(h, w, args.sigma_ratio), 'gt_loc_map')
        metric.process(None, [sample.to_dict()])
    metrics = metric.compute_metrics(metric.results)
    baseline = {k: metrics[k] for k in BASELINE_KEYS if k in metrics}
    print(json.dumps(baseline, indent=2))
    if args.out:
        with open(args.out, 'w', encoding='utf-8') as f:
            json.dump(baseline, f, indent=2)


if __name__ == '__main__':
    main()
