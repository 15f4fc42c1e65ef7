"""The table ``WSOLMetric`` logs: each accuracy beside the localization
error (100 - accuracy) that the SPG paper and its predecessors report."""
from typing import Dict, Sequence


def loc_error_table(metrics: Dict[str, float], n: int, cam_threshold: float,
                    iou_thresholds: Sequence[int], box_frame: str) -> str:
    """Format ``WSOLMetric``'s metrics (unprefixed keys, percent) as a
    Markdown table of accuracy and error.

    Args:
        metrics (dict[str, float]): ``WSOLMetric.compute_metrics`` output.
        n (int): Number of evaluated images.
        cam_threshold (float): The fixed score-map threshold.
        iou_thresholds (Sequence[int]): MaxBoxAccV2's IoU thresholds (%).
        box_frame (str): The frame the boxes were computed in.

    Returns:
        str: The table, one line per metric.
    """
    rows = [
        ('Top-1 Loc', 'top1_loc', f'@{cam_threshold:g}'),
        ('Top-5 Loc', 'top5_loc', f'@{cam_threshold:g}'),
        ('GT-known Loc', 'gt_known_loc', f'@{cam_threshold:g}'),
    ]
    if 'top5_loc_star' in metrics:
        rows.append(('Top-5 Loc SPG*', 'top5_loc_star', f'@{cam_threshold:g}'))
    best = f'@{metrics["best_threshold"]:g} (best)'
    rows += [
        ('Top-1 Loc', 'top1_loc_best', best),
        ('GT-known Loc', 'gt_known_loc_best', best),
        ('MaxBoxAcc', 'maxboxacc', 'IoU 50'),
        ('MaxBoxAccV2', 'maxboxacc_v2',
         'IoU ' + '/'.join(map(str, iou_thresholds))),
        ('Top-1 Cls', 'top1_cls', ''),
        ('Top-5 Cls', 'top5_cls', ''),
    ]
    lines = [
        f"WSOL results on {n} images (box frame '{box_frame}'):",
        f'| {"metric":<13}| {"setting":<16}| {"acc %":>7} '
        f'| {"error %":>7} |', f'|{"-" * 14}|{"-" * 17}|{"-" * 9}|{"-" * 9}|'
    ]
    for name, key, setting in rows:
        acc = metrics[key]
        lines.append(f'| {name:<13}| {setting:<16}| {acc:7.2f} '
                     f'| {100 - acc:7.2f} |')
    return '\n'.join(lines)
