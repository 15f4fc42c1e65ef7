"""Write another classifier's ranked predictions for ``WSOLMetric``.

The SPG paper also localizes with a second, stronger classifier: boxes
from SPG's maps, classes from the other network. Test that network on the
same images with ``tools/test.py --out preds.pkl`` (any mmpretrain
classifier config whose test set lists the same images), convert the dump
with this tool, and give the file to SPG's evaluator::

    python tools/test.py OTHER_CONFIG OTHER_CKPT --out other.pkl
    python tools/analysis_tools/class_predictions.py other.pkl \\
        --out preds.csv
    python tools/test.py configs/spg/spg_inception-v3_2xb10_in1k-321px.py \\
        SPG_CKPT --cfg-options test_evaluator.class_predictions=preds.csv

Each output line is ``<image_id>,<label_1>,...,<label_k>`` (best first).
The image id is the sample's ``image_id`` (mmspg's data sets pack it), or,
for data sets that do not, its ``img_path`` relative to ``--id-root``.
"""
import argparse
import os
import os.path as osp
from typing import Dict, List, Optional

import mmengine
import numpy as np


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Turn a tools/test.py prediction dump into the ranked '
        'class predictions file of WSOLMetric(class_predictions=...)')
    parser.add_argument('pkl', help='dump of tools/test.py --out X.pkl')
    parser.add_argument('--out', required=True, help='output text file')
    parser.add_argument(
        '--topk', type=int, default=5, help='labels per line (default 5)')
    parser.add_argument(
        '--id-root',
        help='for samples without image_id: image ids are '
        'img_path relative to this folder')
    return parser.parse_args(argv)


def _image_id(sample: dict, index: int, id_root: Optional[str]) -> str:
    if sample.get('image_id') is not None:
        return str(sample['image_id'])
    path = sample.get('img_path')
    if path is None or id_root is None:
        raise ValueError(
            f'class_predictions: sample {index} of the dump has no image_id' +
            ('' if path is
             None else f' (img_path {path!r}); give --id-root to derive one'))
    rel = osp.relpath(path, id_root)
    if rel.startswith('..'):
        raise ValueError(f'class_predictions: img_path {path!r} of sample '
                         f'{index} is not under --id-root {id_root!r}')
    return rel.replace(os.sep, '/')


def ranked_predictions(samples: List[dict],
                       topk: int = 5,
                       id_root: Optional[str] = None) -> Dict[str, List[int]]:
    """Ranked labels per image id from dumped data samples.

    Args:
        samples (list[dict]): ``DataSample.to_dict()`` outputs with
            ``pred_score`` (C,).
        topk (int): Labels kept per image (>= 1).
        id_root (str, optional): See the module docstring.

    Returns:
        dict[str, list[int]]: Best-first labels (ties: lower index first,
        as ``WSOLMetric`` ranks ``pred_score``).
    """
    if topk < 1:
        raise ValueError(f'class_predictions: topk must be >= 1, got {topk}')
    out: Dict[str, List[int]] = {}
    for i, sample in enumerate(samples):
        if 'pred_score' not in sample:
            raise ValueError(f'class_predictions: sample {i} of the dump '
                             'has no pred_score')
        score = np.asarray(sample['pred_score'], dtype=np.float64).reshape(-1)
        image_id = _image_id(sample, i, id_root)
        if image_id in out:
            raise ValueError(f'class_predictions: image id {image_id!r} '
                             'appears twice in the dump')
        order = np.argsort(-score, kind='stable')[:topk]
        out[image_id] = [int(c) for c in order]
    return out


def main(argv=None) -> Dict[str, List[int]]:
    args = parse_args(argv)
    samples = mmengine.load(args.pkl)
    preds = ranked_predictions(samples, args.topk, args.id_root)
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    with open(args.out, 'w') as f:
        for image_id, labels in preds.items():
            if ',' in image_id:
                raise ValueError('class_predictions: image id '
                                 f'{image_id!r} contains a comma')
            f.write(image_id + ',' + ','.join(map(str, labels)) + '\n')
    print(f'class_predictions: {len(preds)} images -> {args.out}')
    return preds


if __name__ == '__main__':
    main()
