"""Class predictions of another classifier, read from a text file.

The SPG paper also reports localization "combined with" a stronger
classifier: the boxes come from SPG's maps, the class decision from the
other network. This module reads that network's ranked predictions.
"""
import os.path as osp
from typing import Dict, List

__all__ = ['read_class_predictions']


def read_class_predictions(path: str) -> Dict[str, List[int]]:
    """Read ranked class predictions, one row per image.

    Format: one line per image, ``<image_id>,<label_1>[,<label_2>,...]``:
    the image id as the data set names it (``image_id`` of the data
    samples, e.g. ``001.Black_footed_Albatross/x.jpg``), then 0-based class
    indices, best first (top-5 metrics use the first five). Blank lines and
    lines starting with ``#`` are skipped.

    Args:
        path (str): The text file.

    Returns:
        dict[str, list[int]]: Ranked labels per image id.

    Raises:
        FileNotFoundError: The file does not exist.
        ValueError: A malformed line, a negative or non-integer label, a
            repeated label or a repeated image id, naming file and line.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'class predictions file {path} not found')
    preds: Dict[str, List[int]] = {}
    first_line: Dict[str, int] = {}
    with open(path, encoding='utf-8-sig') as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            fields = [x.strip() for x in line.split(',')]
            if len(fields) < 2 or not fields[0]:
                raise ValueError(
                    f'{path}, line {lineno}: expected "<image_id>,<label_1>'
                    f'[,<label_2>,...]", got {line!r}')
            image_id, labels = fields[0], []
            for token in fields[1:]:
                try:
                    label = int(token)
                except ValueError:
                    raise ValueError(f'{path}, line {lineno}: label {token!r}'
                                     ' is not an integer') from None
                if label < 0:
                    raise ValueError(f'{path}, line {lineno}: label {label} '
                                     'is negative (labels are 0-based)')
                if label in labels:
                    raise ValueError(f'{path}, line {lineno}: label {label} '
                                     'appears twice in one ranking')
                labels.append(label)
            if image_id in preds:
                raise ValueError(
                    f'{path}, line {lineno}: image id {image_id!r} already '
                    f'given at line {first_line[image_id]}')
            preds[image_id] = labels
            first_line[image_id] = lineno
    if not preds:
        raise ValueError(f'{path}: no prediction rows')
    return preds
