"""CUB-200-2011 with bounding boxes, for weakly supervised localization."""
from typing import Dict, List, Optional, Tuple

from mmengine import fileio
from mmengine.logging import MMLogger
from mmpretrain.datasets import BaseDataset

from mmspg.registry import DATASETS

from .annotation_utils import (boxes_to_array, check_box,
                               iter_annotation_lines, missing_data_error,
                               parse_number, read_image_size)

CUB_LAYOUT = """\
    data/CUB_200_2011/
    ├── images/<class folder>/<image>.jpg
    ├── images.txt              <image id> <path relative to images/>
    ├── image_class_labels.txt  <image id> <class id, 1-based>
    ├── train_test_split.txt    <image id> <1 = train, 0 = test>
    ├── bounding_boxes.txt      <image id> <x> <y> <width> <height>
    └── classes.txt             <class id> <class name>"""

CUB_HINT = ('Download CUB_200_2011.tgz from '
            'https://www.vision.caltech.edu/datasets/cub_200_2011/ and '
            'extract it there, or use `SyntheticCUBDataset` (or '
            '`python tools/misc/generate_demo_data.py`) for a small '
            'synthetic stand-in with the same layout.')


@DATASETS.register_module()
class CUBWSOLDataset(BaseDataset):
    """CUB-200-2011 with image-level labels and ground-truth boxes.

    Reads the official layout under ``data_root`` (see ``CUB_LAYOUT``):
    ``images.txt``, ``image_class_labels.txt``, ``train_test_split.txt``,
    ``bounding_boxes.txt`` (``x y w h`` in original pixels) and
    ``classes.txt``. Each data info holds ``img_path``, ``image_id`` (the
    ``images.txt`` path, which is how the WSOL benchmark names CUB images),
    ``gt_label`` (0-based), ``gt_bboxes`` and ``ori_gt_bboxes`` (float32
    (K, 4), x1 y1 x2 y2 = x, y, x + w, y + h) and, when the image headers
    were read, ``img_size`` (w, h).

    Boxes are checked to lie inside their image (small overshoots clipped,
    gross ones rejected). That needs each image's size; reading 5.8k JPEG
    headers of the test split takes about a second on a local disk, so it is
    on by default for ``split='test'`` (where boxes are scored) and off for
    ``split='train'`` (boxes unused by WSOL training; the pipeline's crops
    clip them anyway).

    Args:
        data_root (str): Folder holding the CUB files, e.g.
            ``'data/CUB_200_2011'``.
        split (str): ``'train'`` or ``'test'``. Defaults to ``'train'``.
        check_boxes_in_image (bool, optional): Read image headers to check
            and clip the boxes and to set ``img_size``. ``None`` means
            ``split == 'test'``.
        box_clip_tolerance (float): Largest overshoot, as a fraction of the
            image side (at least 1 px), that is clipped rather than
            rejected. Defaults to 0.02.
        test_mode (bool): See mmengine's ``BaseDataset``.
        backend_args (dict, optional): mmengine fileio arguments for every
            annotation and image-header read (petrel, S3, HTTP...), as
            mmpretrain's ``CUB``; give the same to the pipeline's
            ``LoadImageFromFileWSOL``. Defaults to None (inferred from the
            path, the local disk for plain paths).
        **kwargs: Other arguments of mmpretrain's ``BaseDataset``
            (``pipeline``, ``classes``, ``indices``, ``lazy_init``...).
    """

    IMAGES_DIR = 'images'
    IMAGES_FILE = 'images.txt'
    LABELS_FILE = 'image_class_labels.txt'
    SPLIT_FILE = 'train_test_split.txt'
    BOXES_FILE = 'bounding_boxes.txt'
    CLASSES_FILE = 'classes.txt'

    def __init__(self,
                 data_root: str,
                 split: str = 'train',
                 check_boxes_in_image: Optional[bool] = None,
                 box_clip_tolerance: float = 0.02,
                 test_mode: bool = False,
                 backend_args: Optional[dict] = None,
                 **kwargs) -> None:
        if split not in ('train', 'test'):
            raise ValueError(f"CUBWSOLDataset: split must be 'train' or "
                             f"'test', got {split!r}.")
        if split == 'train' and test_mode:
            MMLogger.get_current_instance().warning(
                'CUBWSOLDataset: split="train" with test_mode=True; the '
                'training images will be used.')
        self.split = split
        self.check_boxes_in_image = (
            split == 'test'
            if check_boxes_in_image is None else bool(check_boxes_in_image))
        self.box_clip_tolerance = float(box_clip_tolerance)
        self.backend_args = backend_args
        super().__init__(
            ann_file=self.IMAGES_FILE,
            data_root=data_root,
            data_prefix=self.IMAGES_DIR,
            test_mode=test_mode,
            **kwargs)

    def _file(self, name: str) -> str:
        return fileio.join_path(
            self.data_root, name, backend_args=self.backend_args)

    def _check_layout(self) -> None:
        """Raise a clear error if the folder or one of its files is missing."""
        root = self.data_root or '.'
        for path in [root, self.img_prefix] + [
                self._file(n)
                for n in (self.IMAGES_FILE, self.LABELS_FILE, self.SPLIT_FILE,
                          self.BOXES_FILE, self.CLASSES_FILE)
        ]:
            if not fileio.exists(path, backend_args=self.backend_args):
                raise missing_data_error(
                    type(self).__name__, path, root, CUB_LAYOUT, CUB_HINT)

    def _read_id_file(self,
                      path: str,
                      num_fields: int,
                      what: str,
                      known_ids: Optional[dict] = None,
                      maxsplit: int = -1) -> Dict[int, Tuple[int, List[str]]]:
        """Read ``<id> <field>...`` lines into ``{id: (lineno, fields)}``.

        Args:
            path (str): File to read.
            num_fields (int): Fields after the id on each line.
            what (str): What the fields mean (for messages).
            known_ids (dict, optional): Ids of ``images.txt``; an id outside
                it is an error.
            maxsplit (int): As in ``str.split`` (1 keeps a path with spaces
                in one field).
        """
        out = {}
        for lineno, fields in iter_annotation_lines(
                path, maxsplit=maxsplit, backend_args=self.backend_args):
            if len(fields) != num_fields + 1:
                raise ValueError(
                    f'{path}, line {lineno}: expected {num_fields + 1} '
                    f'whitespace-separated columns (<image id> {what}), got '
                    f'{len(fields)}: {" ".join(fields)!r}.')
            img_id = parse_number(fields[0], path, lineno, 'the image id', int)
            if known_ids is not None and img_id not in known_ids:
                raise ValueError(f'{path}, line {lineno}: image id {img_id} '
                                 f'is not in images.txt.')
            if img_id in out:
                raise ValueError(f'{path}, line {lineno}: image id {img_id} '
                                 f'repeats line {out[img_id][0]}.')
            out[img_id] = (lineno, fields[1:])
        return out

    def _read_classes(self) -> List[str]:
        path = self._file(self.CLASSES_FILE)
        names = {}
        for lineno, fields in iter_annotation_lines(
                path, backend_args=self.backend_args):
            if len(fields) < 2:
                raise ValueError(f'{path}, line {lineno}: expected '
                                 f'"<class id> <class name>".')
            cid = parse_number(fields[0], path, lineno, 'the class id', int)
            if cid in names:
                raise ValueError(f'{path}, line {lineno}: class id {cid} '
                                 f'appears twice.')
            names[cid] = ' '.join(fields[1:])
        if sorted(names) != list(range(1, len(names) + 1)):
            raise ValueError(f'{path}: class ids must be 1..N without gaps, '
                             f'got {sorted(names)[:10]}...')
        # CUB names are '001.Black_footed_Albatross'; mmpretrain's CUB
        # categories drop the numeric prefix, and so do we.
        return [
            names[i].split('.', 1)[1]
            if names[i][:3].isdigit() and '.' in names[i] else names[i]
            for i in sorted(names)
        ]

    def load_data_list(self) -> List[dict]:
        """Parse the CUB files into data infos (see the class docstring)."""
        self._check_layout()
        classes = self._read_classes()
        if self.CLASSES is None:
            self._metainfo['classes'] = tuple(classes)
        elif len(self.CLASSES) != len(classes):
            raise ValueError(
                f'{len(self.CLASSES)} classes were given to '
                f'{type(self).__name__} but {self._file(self.CLASSES_FILE)} '
                f'lists {len(classes)}.')
        num_classes = len(classes)

        # maxsplit=1: a path with spaces (custom copies) stays one field.
        images = self._read_id_file(
            self.ann_file, 1, '<image path>', maxsplit=1)
        labels = self._read_id_file(
            self._file(self.LABELS_FILE), 1, '<class id>', images)
        splits = self._read_id_file(
            self._file(self.SPLIT_FILE), 1, '<is_training_image>', images)
        boxes_path = self._file(self.BOXES_FILE)
        boxes = self._read_id_file(boxes_path, 4, '<x> <y> <width> <height>',
                                   images)

        data_list = []
        for img_id in sorted(images):
            img_lineno, (rel_path, ) = images[img_id]
            for name, table in ((self.LABELS_FILE, labels),
                                (self.SPLIT_FILE, splits), (self.BOXES_FILE,
                                                            boxes)):
                if img_id not in table:
                    raise ValueError(
                        f'{self.ann_file}, line {img_lineno}: image id '
                        f'{img_id} has no line in {self._file(name)}.')
            split_lineno, (flag, ) = splits[img_id]
            if flag not in ('0', '1'):
                raise ValueError(
                    f'{self._file(self.SPLIT_FILE)}, line {split_lineno}: '
                    f'is_training_image must be 0 or 1, got {flag!r}.')
            if (flag == '1') != (self.split == 'train'):
                continue

            label_lineno, (label_str, ) = labels[img_id]
            label = parse_number(label_str, self._file(self.LABELS_FILE),
                                 label_lineno, 'the class id', int)
            if not 1 <= label <= num_classes:
                raise ValueError(
                    f'{self._file(self.LABELS_FILE)}, line {label_lineno}: '
                    f'class id {label} is outside 1..{num_classes} '
                    f'(classes.txt).')

            box_lineno, box_fields = boxes[img_id]
            x, y, w, h = (parse_number(v, boxes_path, box_lineno, name)
                          for v, name in zip(box_fields, ('x', 'y', 'width',
                                                          'height')))
            if w <= 0 or h <= 0:
                raise ValueError(
                    f'{boxes_path}, line {box_lineno}: box width and height '
                    f'must be positive, got width={w}, height={h}.')

            img_path = fileio.join_path(
                self.img_prefix, rel_path, backend_args=self.backend_args)
            info = dict(
                img_path=img_path, image_id=rel_path, gt_label=label - 1)
            img_size = None
            if self.check_boxes_in_image:
                img_size = read_image_size(img_path, self.backend_args)
                info['img_size'] = img_size
            box = check_box([x, y, x + w, y + h], boxes_path, box_lineno,
                            img_size, self.box_clip_tolerance)
            info['gt_bboxes'] = boxes_to_array([box])
            info['ori_gt_bboxes'] = info['gt_bboxes'].copy()
            data_list.append(info)
        return data_list

    def extra_repr(self) -> List[str]:
        """Extra lines of ``repr(dataset)``."""
        return [
            f'Root of dataset: \t{self.data_root}',
            f'Split: \t{self.split}',
            f'Boxes checked against images: \t{self.check_boxes_in_image}',
        ]
