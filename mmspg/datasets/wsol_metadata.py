"""Datasets described by the WSOL benchmark's metadata files.

The format is the one of clovaai/wsolevaluation (``metadata/<DATASET>/
<split>/``): comma-separated text files keyed by the image id, the image
path relative to the image folder.
"""
import os.path as osp
from collections import defaultdict
from typing import Dict, List, Optional, Tuple

from mmengine import fileio
from mmpretrain.datasets import BaseDataset

from mmspg.registry import DATASETS

from .annotation_utils import (boxes_to_array, check_box,
                               iter_annotation_lines, missing_data_error,
                               parse_number)

METADATA_LAYOUT = """\
    <metadata_root>/            e.g. metadata/CUB/test
    ├── image_ids.txt           <image id>            (one per line)
    ├── class_labels.txt        <image id>,<label>    (label 0-based)
    ├── image_sizes.txt         <image id>,<w>,<h>    (optional)
    └── localization.txt        <image id>,<x0>,<y0>,<x1>,<y1>
                                (optional; one line per box)
    <data_prefix>/<image id>    the images, e.g. data/CUB_200_2011/images"""

METADATA_HINT = ('The metadata of CUB, ImageNet and OpenImages is in '
                 'https://github.com/clovaai/wsolevaluation (metadata/); '
                 'synthetic data made by SyntheticCUBDataset has it under '
                 '<data_root>/metadata/{train,test}.')


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


@DATASETS.register_module()
class WSOLMetadataDataset(BaseDataset):
    """Images, labels and boxes from WSOL benchmark metadata files.

    Each data info holds ``img_path``, ``image_id``, ``gt_label``,
    ``gt_bboxes`` / ``ori_gt_bboxes`` (float32 (K, 4) x0 y0 x1 y1 in
    original pixels; (0, 4) when ``localization.txt`` is absent, as for the
    benchmark's train splits) and ``img_size`` (w, h) when
    ``image_sizes.txt`` exists. Boxes are checked against ``image_sizes.txt``
    (small overshoots clipped, gross ones rejected); no image is opened.
    Errors name the file and line at fault.

    Args:
        metadata_root (str): Folder of the metadata files (joined with
            ``data_root`` if relative).
        data_prefix (str | dict): Folder the image ids are relative to
            (joined with ``data_root`` if relative).
        data_root (str): Common root. Defaults to ''.
        proxy (bool): Read ``image_ids_proxy.txt`` (the benchmark's proxy
            training subset) instead of ``image_ids.txt``.
        box_clip_tolerance (float): Largest overshoot of a box beyond its
            image, as a fraction of the side (at least 1 px), that is
            clipped rather than rejected. Defaults to 0.02.
        backend_args (dict, optional): mmengine fileio arguments for the
            metadata reads (petrel, S3, HTTP...); None infers the backend
            from the path.
        **kwargs: Other arguments of mmpretrain's ``BaseDataset``
            (``pipeline``, ``classes``, ``test_mode``...). Without
            ``classes``, class names are the image folders when each label
            has exactly one (CUB: ``'Black_footed_Albatross'``), else
            ``'0'``, ``'1'``...
    """

    def __init__(self,
                 metadata_root: str,
                 data_prefix: str = '',
                 data_root: str = '',
                 proxy: bool = False,
                 box_clip_tolerance: float = 0.02,
                 backend_args: Optional[dict] = None,
                 **kwargs) -> None:
        self.proxy = proxy
        self.backend_args = backend_args
        self.box_clip_tolerance = float(box_clip_tolerance)
        ids_file = 'image_ids_proxy.txt' if proxy else 'image_ids.txt'
        super().__init__(
            ann_file=osp.join(metadata_root, ids_file),
            data_root=data_root,
            data_prefix=data_prefix,
            **kwargs)

    @property
    def metadata_root(self) -> str:
        """The metadata folder (joined with ``data_root``)."""
        return osp.dirname(self.ann_file)

    def _meta_file(self, name: str) -> str:
        return osp.join(self.metadata_root, name)

    def _missing(self, path: str) -> FileNotFoundError:
        return missing_data_error(
            type(self).__name__, path, self.metadata_root, METADATA_LAYOUT,
            METADATA_HINT)

    def _read_csv(self, name: str, num_cols: Tuple[int, ...]):
        """Yield (path, lineno, fields) of a comma-separated metadata file."""
        path = self._meta_file(name)
        for lineno, fields in iter_annotation_lines(
                path, sep=',', backend_args=self.backend_args):
            if len(fields) not in num_cols:
                raise ValueError(
                    f'{path}, line {lineno}: expected '
                    f'{" or ".join(map(str, num_cols))} comma-separated '
                    f'columns, got {len(fields)}: {",".join(fields)!r}.')
            yield path, lineno, fields

    def _read_image_ids(self) -> Dict[str, int]:
        ids = {}
        for lineno, fields in iter_annotation_lines(
                self.ann_file,
                sep=None,
                maxsplit=0,
                backend_args=self.backend_args):
            image_id = fields[0]
            if image_id in ids:
                raise ValueError(f'{self.ann_file}, line {lineno}: image id '
                                 f'{image_id!r} repeats line {ids[image_id]}.')
            ids[image_id] = lineno
        if not ids:
            raise ValueError(f'{self.ann_file} lists no image.')
        return ids

    def _read_labels(self) -> Dict[str, Tuple[int, int]]:
        labels = {}
        for path, lineno, (image_id,
                           label) in self._read_csv('class_labels.txt', (2, )):
            value = parse_number(label, path, lineno, 'the class label', int)
            if value < 0:
                raise ValueError(f'{path}, line {lineno}: class label must '
                                 f'be >= 0, got {value}.')
            if image_id in labels:
                raise ValueError(f'{path}, line {lineno}: image id '
                                 f'{image_id!r} has a second label.')
            labels[image_id] = (value, lineno)
        return labels

    def _read_sizes(self, labels: dict) -> Dict[str, Tuple[int, int]]:
        sizes = {}
        if not fileio.isfile(
                self._meta_file('image_sizes.txt'),
                backend_args=self.backend_args):
            return sizes
        for path, lineno, (image_id, w,
                           h) in self._read_csv('image_sizes.txt', (3, )):
            self._check_known(image_id, labels, path, lineno)
            w = parse_number(w, path, lineno, 'the width', int)
            h = parse_number(h, path, lineno, 'the height', int)
            if w <= 0 or h <= 0:
                raise ValueError(f'{path}, line {lineno}: image size must be '
                                 f'positive, got {w}x{h}.')
            sizes[image_id] = (w, h)
        return sizes

    def _check_known(self, image_id, labels, path, lineno):
        # class_labels.txt lists every image of the split (also those left
        # out of a proxy list), so it is the reference set of ids.
        if image_id not in labels:
            raise ValueError(f'{path}, line {lineno}: image id {image_id!r} '
                             f'is not in class_labels.txt.')

    def _read_boxes(self, labels: dict,
                    sizes: dict) -> Optional[Dict[str, List[List[float]]]]:
        if not fileio.isfile(
                self._meta_file('localization.txt'),
                backend_args=self.backend_args):
            return None
        boxes = defaultdict(list)
        for path, lineno, fields in self._read_csv('localization.txt', (3, 5)):
            if len(fields) == 3 and _is_number(fields[1]):
                # numbers: a box line that lost fields, not a mask file
                raise ValueError(
                    f'{path}, line {lineno}: expected 5 comma-separated '
                    f'fields (<id>,<x0>,<y0>,<x1>,<y1>), got 3: '
                    f'{",".join(fields)!r}.')
            if len(fields) == 3:
                raise ValueError(
                    f'{path}, line {lineno}: this is a mask-style '
                    f'localization file (<id>,<mask>,<ignore mask>, as for '
                    f'OpenImages); only boxes (<id>,<x0>,<y0>,<x1>,<y1>) '
                    f'are supported.')
            image_id = fields[0]
            self._check_known(image_id, labels, path, lineno)
            box = [
                parse_number(v, path, lineno, name)
                for v, name in zip(fields[1:], ('x0', 'y0', 'x1', 'y1'))
            ]
            boxes[image_id].append(
                check_box(box, path, lineno, sizes.get(image_id),
                          self.box_clip_tolerance))
        return boxes

    def _class_names(self, labels: dict) -> List[str]:
        num = max(v for v, _ in labels.values()) + 1
        folders = defaultdict(set)
        for image_id, (label, _) in labels.items():
            folders[label].add(osp.dirname(image_id))
        names = [
            next(iter(folders[i])) if len(folders[i]) == 1 else ''
            for i in range(num)
        ]
        if all(names) and len(set(names)) == num:
            # '001.Black_footed_Albatross' -> 'Black_footed_Albatross'
            return [
                n.split('.', 1)[1] if n[:3].isdigit() and '.' in n else n
                for n in names
            ]
        return [str(i) for i in range(num)]

    def load_data_list(self) -> List[dict]:
        """Parse the metadata files into data infos."""
        for path in (self.ann_file, self._meta_file('class_labels.txt')):
            if not fileio.isfile(path, backend_args=self.backend_args):
                raise self._missing(path)
        if self.img_prefix and not fileio.isdir(
                self.img_prefix, backend_args=self.backend_args):
            raise self._missing(self.img_prefix)
        image_ids = self._read_image_ids()
        labels = self._read_labels()
        sizes = self._read_sizes(labels)
        boxes = self._read_boxes(labels, sizes)

        if self.CLASSES is None:
            self._metainfo['classes'] = tuple(self._class_names(labels))
        num_classes = len(self.CLASSES)

        data_list = []
        for image_id, lineno in image_ids.items():
            if image_id not in labels:
                raise ValueError(
                    f'{self.ann_file}, line {lineno}: image id {image_id!r} '
                    f'has no line in {self._meta_file("class_labels.txt")}.')
            label, label_line = labels[image_id]
            if label >= num_classes:
                raise ValueError(
                    f'{self._meta_file("class_labels.txt")}, line '
                    f'{label_line}: label {label} >= the {num_classes} '
                    f'classes given.')
            info = dict(
                img_path=fileio.join_path(
                    self.img_prefix, image_id, backend_args=self.backend_args),
                image_id=image_id,
                gt_label=label)
            if image_id in sizes:
                info['img_size'] = sizes[image_id]
            if boxes is None:
                info['gt_bboxes'] = boxes_to_array([])
            elif image_id not in boxes:
                raise ValueError(
                    f'{self.ann_file}, line {lineno}: image id {image_id!r} '
                    f'has no box in {self._meta_file("localization.txt")}.')
            else:
                info['gt_bboxes'] = boxes_to_array(boxes[image_id])
            info['ori_gt_bboxes'] = info['gt_bboxes'].copy()
            data_list.append(info)
        return data_list

    def extra_repr(self) -> List[str]:
        """Extra lines of ``repr(dataset)``."""
        return [
            f'Metadata: \t{self.metadata_root}',
            f'Prefix of images: \t{self.img_prefix}',
        ]
