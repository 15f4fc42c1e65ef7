"""ILSVRC2012 with validation boxes, for weakly supervised localization."""
import os.path as osp
import xml.etree.ElementTree as ET
from typing import List, Optional, Tuple

from mmengine import fileio
from mmpretrain.datasets import BaseDataset

from mmspg.registry import DATASETS

from .annotation_utils import (boxes_to_array, check_box,
                               iter_annotation_lines, list_images,
                               missing_data_error, parse_number)

IMAGENET_LAYOUT = """\
    data/imagenet/
    ├── train/n01440764/*.JPEG      one folder per class (wnid)
    ├── val/ILSVRC2012_val_00000001.JPEG ...
    └── val_ann/ILSVRC2012_val_00000001.xml ...
        (the per-image XML boxes of ILSVRC2012_bbox_val_v3.tgz)"""

IMAGENET_HINT = ('ImageNet cannot be downloaded automatically: get '
                 'ILSVRC2012_img_train.tar, ILSVRC2012_img_val.tar and '
                 'ILSVRC2012_bbox_val_v3.tgz from https://image-net.org.')


@DATASETS.register_module()
class ImageNetWSOLDataset(BaseDataset):
    """ILSVRC2012 classification images with the validation boxes.

    - ``split='train'``: the class folders of ``train/``; no boxes, so
      ``gt_bboxes`` is a (0, 4) array.
    - ``split='val'``: the images of ``val/`` (flat, or in class folders),
      each with its PASCAL-VOC-like XML in ``val_ann/`` (same file stem).
      ``<size>`` gives ``img_size``; every ``<object>`` gives a box
      (``<bndbox>`` xmin, ymin, xmax, ymax, as written); the label is the
      objects' ``<name>`` (wnid).

    Class order: the wnids given by ``classes`` (a file or list; the first
    whitespace-separated token of each entry is the wnid, so
    ``'n01440764 tench'`` lines work), else the sorted folder names of
    ``train/``. ``image_id`` is the image path below the image folder's
    parent, i.e. with the split folder (``train/n01440764/
    n01440764_10026.JPEG``, ``val/ILSVRC2012_val_00000001.JPEG``), which is
    how the WSOL benchmark's ``metadata/ILSVRC`` names ImageNet images.

    The image list comes from a scan of the image folder or, with
    ``ann_file``, from a list in mmpretrain's ``ImageNet`` format (its
    ``meta/train.txt`` / ``meta/val.txt``: one ``<path relative to the
    image folder> <label>`` per line), which avoids listing 1.28M files on
    a cluster store. Every read goes through mmengine's fileio with
    ``backend_args``.

    Args:
        data_root (str): Folder holding ``train/``, ``val/``, ``val_ann/``.
        split (str): ``'train'`` or ``'val'``.
        ann_file (str): Optional image list (see above; joined with
            ``data_root`` if relative). Labels in it must agree with the
            class folder of the path (train) or the XML's ``<name>`` (val).
            Defaults to ``''``: scan the image folder.
        backend_args (dict, optional): mmengine fileio arguments (petrel,
            S3, HTTP...), as mmpretrain's ``ImageNet``; give the same to the
            pipeline's ``LoadImageFromFileWSOL``. Defaults to None (inferred
            from the path).
        data_prefix (str, optional): Image folder; defaults to ``split``.
        ann_dir (str): XML folder of the val boxes (joined with
            ``data_root`` if relative). Defaults to ``'val_ann'``.
        box_clip_tolerance (float): Largest overshoot of a box beyond its
            image, as a fraction of the side (at least 1 px), that is
            clipped rather than rejected. Defaults to 0.02.
        **kwargs: Other arguments of mmpretrain's ``BaseDataset``.
    """

    def __init__(self,
                 data_root: str,
                 split: str = 'train',
                 data_prefix: Optional[str] = None,
                 ann_dir: str = 'val_ann',
                 box_clip_tolerance: float = 0.02,
                 ann_file: str = '',
                 backend_args: Optional[dict] = None,
                 **kwargs) -> None:
        if split not in ('train', 'val'):
            raise ValueError(f"ImageNetWSOLDataset: split must be 'train' or "
                             f"'val', got {split!r}.")
        self.split = split
        self.ann_dir = ann_dir if osp.isabs(ann_dir) else osp.join(
            data_root, ann_dir)
        self.box_clip_tolerance = float(box_clip_tolerance)
        self.backend_args = backend_args
        super().__init__(
            ann_file=ann_file,
            data_root=data_root,
            data_prefix=split if data_prefix is None else data_prefix,
            **kwargs)

    def _missing(self, path: str) -> FileNotFoundError:
        return missing_data_error(
            type(self).__name__, path, self.data_root or '.', IMAGENET_LAYOUT,
            IMAGENET_HINT)

    def _wnids(self) -> List[str]:
        """Class wnids in label order."""
        if self.CLASSES is not None:
            return [str(c).split()[0] for c in self.CLASSES]
        train_dir = osp.join(self.data_root, 'train')
        if not fileio.isdir(train_dir, backend_args=self.backend_args):
            raise self._missing(train_dir) if self.split == 'train' else \
                FileNotFoundError(
                    f'ImageNetWSOLDataset: the class order comes from the '
                    f'sorted folder names of "{train_dir}", which does not '
                    f'exist; pass `classes` (a file with one wnid per line, '
                    f'in label order) instead.')
        wnids = sorted(
            fileio.list_dir_or_file(
                train_dir, list_file=False, backend_args=self.backend_args))
        if not wnids:
            raise ValueError(f'"{train_dir}" holds no class folder.')
        self._metainfo['classes'] = tuple(wnids)
        return wnids

    def _read_ann_file(self, num_classes: int) -> List[Tuple[str, int, int]]:
        """(relative path, label, line number) of each ``ann_file`` line."""
        entries = []
        for lineno, fields in iter_annotation_lines(
                self.ann_file, backend_args=self.backend_args):
            if len(fields) != 2:
                raise ValueError(
                    f'{self.ann_file}, line {lineno}: expected "<image path> '
                    f'<label>" (mmpretrain\'s ImageNet list format), got '
                    f'{" ".join(fields)!r}.')
            label = parse_number(fields[1], self.ann_file, lineno, 'the label',
                                 int)
            if not 0 <= label < num_classes:
                raise ValueError(
                    f'{self.ann_file}, line {lineno}: label {label} is '
                    f'outside 0..{num_classes - 1} (the {num_classes} '
                    f'classes).')
            entries.append((fields[0].replace('\\', '/'), label, lineno))
        if not entries:
            raise ValueError(f'{self.ann_file} lists no image.')
        return entries

    def _join(self, *parts: str) -> str:
        return fileio.join_path(*parts, backend_args=self.backend_args)

    def _load_train(self, wnid_to_idx: dict) -> List[dict]:
        # No boxes stored here: get_data_info adds the empty ones, which
        # saves ~200 bytes of pickle per image (~250 MB for the 1.28M
        # training images held by mmengine).
        data_list = []
        if self.ann_file:
            for rel, label, lineno in self._read_ann_file(len(wnid_to_idx)):
                folder = rel.split('/')[0] if '/' in rel else None
                if folder in wnid_to_idx and wnid_to_idx[folder] != label:
                    raise ValueError(
                        f'{self.ann_file}, line {lineno}: label {label} but '
                        f'the class folder {folder!r} is class '
                        f'{wnid_to_idx[folder]}.')
                data_list.append(
                    dict(
                        img_path=self._join(self.img_prefix, rel),
                        image_id=f'{self._split_folder}/{rel}',
                        gt_label=label))
            return data_list
        for folder in sorted(
                fileio.list_dir_or_file(
                    self.img_prefix,
                    list_file=False,
                    backend_args=self.backend_args)):
            if folder not in wnid_to_idx:
                raise ValueError(
                    f'Class folder "{self._join(self.img_prefix, folder)}" '
                    f'is not one of the {len(wnid_to_idx)} given classes.')
            label = wnid_to_idx[folder]
            path = self._join(self.img_prefix, folder)
            for name in list_images(
                    path, recursive=False, backend_args=self.backend_args):
                data_list.append(
                    dict(
                        img_path=self._join(path, name),
                        image_id=f'{self._split_folder}/{folder}/{name}',
                        gt_label=label))
        if not data_list:
            raise ValueError(f'No image found in the class folders of '
                             f'"{self.img_prefix}".')
        return data_list

    @staticmethod
    def _text(elem: Optional[ET.Element], tag: str, path: str) -> str:
        node = None if elem is None else elem.find(tag)
        if node is None or node.text is None or not node.text.strip():
            raise ValueError(f'{path}: missing or empty <{tag}> element.')
        return node.text.strip()

    def parse_xml(
            self, path: str, wnid_to_idx: dict
    ) -> Tuple[int, Tuple[int, int], List[List[float]]]:
        """Parse one val XML into (label, (w, h), boxes).

        Args:
            path (str): The XML file.
            wnid_to_idx (dict): wnid -> class index.

        Returns:
            tuple: ``gt_label``, ``img_size`` (w, h), list of x1 y1 x2 y2.
        """
        try:
            root = ET.fromstring(
                fileio.get(path, backend_args=self.backend_args))
        except ET.ParseError as e:
            raise ValueError(f'{path}: malformed XML ({e}).') from None
        size = root.find('size')
        if size is None:
            raise ValueError(f'{path}: missing <size> element.')
        # ElementTree keeps no line numbers; the element path names the spot.
        w = parse_number(
            self._text(size, 'width', path), path, None, 'size/width', int)
        h = parse_number(
            self._text(size, 'height', path), path, None, 'size/height', int)
        objects = root.findall('object')
        if not objects:
            raise ValueError(f'{path}: no <object> element.')
        labels, boxes = set(), []
        for k, obj in enumerate(objects):
            wnid = self._text(obj, 'name', path)
            if wnid not in wnid_to_idx:
                raise ValueError(f'{path}: object {k} has class {wnid!r}, '
                                 f'which is not a known class.')
            labels.add(wnid)
            bnd = obj.find('bndbox')
            if bnd is None:
                raise ValueError(f'{path}: object {k} has no <bndbox>.')
            box = [
                parse_number(
                    self._text(bnd, t, path), path, None,
                    f'object {k} bndbox/{t}')
                for t in ('xmin', 'ymin', 'xmax', 'ymax')
            ]
            boxes.append(
                check_box(box, f'{path} (object {k})', None, (w, h),
                          self.box_clip_tolerance))
        if len(labels) > 1:
            raise ValueError(f'{path}: objects of several classes '
                             f'{sorted(labels)}; expected one class.')
        return wnid_to_idx[labels.pop()], (w, h), boxes

    def _load_val(self, wnid_to_idx: dict) -> List[dict]:
        if not fileio.isdir(self.ann_dir, backend_args=self.backend_args):
            raise self._missing(self.ann_dir)
        if self.ann_file:
            listed = self._read_ann_file(len(wnid_to_idx))
        else:
            listed = [(rel, None, None) for rel in list_images(
                self.img_prefix, backend_args=self.backend_args)]
        data_list = []
        for rel, listed_label, lineno in listed:
            stem = osp.splitext(osp.basename(rel))[0]
            xml = self._join(self.ann_dir, stem + '.xml')
            if not fileio.isfile(xml, backend_args=self.backend_args):
                raise FileNotFoundError(
                    f'No box annotation "{xml}" for the val image '
                    f'"{self._join(self.img_prefix, rel)}".')
            label, img_size, boxes = self.parse_xml(xml, wnid_to_idx)
            if listed_label is not None and listed_label != label:
                raise ValueError(
                    f'{self.ann_file}, line {lineno}: label {listed_label} '
                    f'but {xml} names class {label}.')
            gt = boxes_to_array(boxes)
            data_list.append(
                dict(
                    img_path=self._join(self.img_prefix, rel),
                    image_id=f'{self._split_folder}/{rel}',
                    gt_label=label,
                    img_size=img_size,
                    gt_bboxes=gt,
                    ori_gt_bboxes=gt.copy()))
        if not data_list:
            raise ValueError(f'No image found in "{self.img_prefix}".')
        return data_list

    def get_data_info(self, idx: int) -> dict:
        """The idx-th data info; train images get (0, 4) box arrays."""
        info = super().get_data_info(idx)
        if 'gt_bboxes' not in info:
            info['gt_bboxes'] = boxes_to_array([])
            info['ori_gt_bboxes'] = boxes_to_array([])
        return info

    @property
    def _split_folder(self) -> str:
        # 'val' for data/imagenet/val: the benchmark's image ids start with
        # the split folder.
        return osp.basename(osp.normpath(self.img_prefix))

    def load_data_list(self) -> List[dict]:
        """List the images of the split with labels and boxes."""
        if not self.ann_file and not fileio.isdir(
                self.img_prefix, backend_args=self.backend_args):
            raise self._missing(self.img_prefix)
        if self.ann_file and not fileio.isfile(
                self.ann_file, backend_args=self.backend_args):
            raise self._missing(self.ann_file)
        wnids = self._wnids()
        if len(set(wnids)) != len(wnids):
            raise ValueError('The given classes repeat a wnid.')
        wnid_to_idx = {w: i for i, w in enumerate(wnids)}
        if self.split == 'train':
            return self._load_train(wnid_to_idx)
        return self._load_val(wnid_to_idx)

    def extra_repr(self) -> List[str]:
        """Extra lines of ``repr(dataset)``."""
        return [
            f'Root of dataset: \t{self.data_root}',
            f'Split: \t{self.split}',
        ]
