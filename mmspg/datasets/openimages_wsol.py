"""OpenImages30k of the WSOL benchmark: image labels, instance masks."""
import os.path as osp
from typing import Dict, List, Optional, Tuple

from mmspg.registry import DATASETS

from .wsol_metadata import WSOLMetadataDataset

OPENIMAGES_LAYOUT = """\
    <metadata_root>/            e.g. metadata/OpenImages/test
    ├── image_ids.txt           <image id>          (test/01226z/x.jpg)
    ├── class_labels.txt        <image id>,<label>
    ├── image_sizes.txt         <image id>,<w>,<h>  (optional)
    └── localization.txt        <image id>,<mask>,<ignore mask>
                                (one line per instance mask; the ignore mask
                                of an image's first line counts; empty for
                                the train split)
    <data_prefix>/<image id>    the images
    <mask_root>/<mask>          the masks (png, > 0 = object); by default
                                mask_root = data_prefix (masks beside the
                                images, the benchmark's layout)"""


@DATASETS.register_module()
class OpenImagesWSOLDataset(WSOLMetadataDataset):
    """OpenImages30k as the WSOL benchmark distributes it
    (clovaai/wsolevaluation ``metadata/OpenImages``, images and masks from
    its ``dataset/prepare_openimages.sh``).

    ``train`` has image-level labels only; ``val`` (the benchmark's
    ``train-fullsup``) and ``test`` list, per image, its instance masks and
    one ignore mask in ``localization.txt`` (``<id>,<mask>,<ignore>``; the
    benchmark's ``get_mask_paths`` keeps the ignore path of an image's first
    line, ``data_loaders.py:111-136``). Besides the fields of
    :class:`WSOLMetadataDataset` (``gt_bboxes`` is (0, 4): no boxes), each
    data info of a split with masks holds:

    - ``gt_mask_paths`` (list[str]): the instance masks, joined with
      ``mask_root``;
    - ``ignore_mask_path`` (str): the ignore mask joined with ``mask_root``,
      '' when the line gives none.

    Pack them with ``PackInputs(algorithm_keys=[..., 'gt_mask_paths',
    'ignore_mask_path'])``; ``PxAPMetric`` then computes PxAP (and PIoU)
    from the masks, with the core of ``tools/eval_scoremaps.py
    --mask-root``.

    Args:
        metadata_root (str): Folder of the metadata files.
        data_prefix (str): Folder the image ids are relative to.
        mask_root (str, optional): Folder the mask paths are relative to
            (the benchmark's ``<mask_root>/OpenImages``, ``config.py:76-78``),
            joined with ``data_root`` if relative. None (default): the image
            folder, as the benchmark's default layout keeps the masks beside
            the images (``--mask_root`` = ``--data_root`` = ``dataset/``,
            ``config.py:145-151``).
        require_masks (bool, optional): Fail unless every image has a mask
            (True), or ignore ``localization.txt`` (False). None (default):
            masks are read when ``localization.txt`` has lines, and then
            every image needs one.
        **kwargs: Other :class:`WSOLMetadataDataset` arguments.
    """

    def __init__(self,
                 metadata_root: str,
                 data_prefix: str = '',
                 mask_root: Optional[str] = None,
                 require_masks: Optional[bool] = None,
                 **kwargs) -> None:
        self._mask_root_arg = mask_root
        self.require_masks = require_masks
        self._masks: Optional[Dict[str, Tuple[List[str], str, int]]] = None
        super().__init__(
            metadata_root=metadata_root, data_prefix=data_prefix, **kwargs)

    @property
    def mask_root(self) -> str:
        """The mask folder (joined with ``data_root``)."""
        root = self._mask_root_arg
        if root is None:
            return self.img_prefix
        if self.data_root and not osp.isabs(root):
            root = osp.join(self.data_root, root)
        return root

    def _read_boxes(self, labels: dict, sizes: dict) -> None:
        """Read the mask lines instead of boxes (there are no boxes)."""
        self._masks = None
        path = self._meta_file('localization.txt')
        if self.require_masks is False:
            return None
        if not osp.isfile(path):
            if self.require_masks:
                raise self._missing(path)
            return None
        masks: Dict[str, Tuple[List[str], str, int]] = {}
        for path, lineno, fields in self._read_csv('localization.txt', (3, )):
            image_id, mask, ignore = (f.strip() for f in fields)
            self._check_known(image_id, labels, path, lineno)
            if not mask:
                raise ValueError(f'{path}, line {lineno}: empty mask path '
                                 f'for image {image_id!r}.')
            if image_id in masks:
                masks[image_id][0].append(mask)
            else:
                masks[image_id] = ([mask], ignore, lineno)
        if masks or self.require_masks:
            self._masks = masks
        return None

    def _class_names(self, labels: dict) -> List[str]:
        # ids are <split>/<class folder>/<file>: name classes by the folder
        # (the OpenImages class id, e.g. '01226z'), the same in every split
        num = max(v for v, _ in labels.values()) + 1
        folders = [set() for _ in range(num)]
        for image_id, (label, _) in labels.items():
            folders[label].add(osp.basename(osp.dirname(image_id)))
        names = [next(iter(f)) if len(f) == 1 else '' for f in folders]
        if all(names) and len(set(names)) == num:
            return names
        return [str(i) for i in range(num)]

    def load_data_list(self) -> List[dict]:
        """Data infos with ``gt_mask_paths`` / ``ignore_mask_path`` where
        the split has masks."""
        data_list = super().load_data_list()
        if self._masks is None:
            return data_list
        if not osp.isdir(self.mask_root):
            raise FileNotFoundError(
                f'{type(self).__name__}: mask folder {self.mask_root!r} '
                f'(mask_root) does not exist; expected layout:\n'
                f'{OPENIMAGES_LAYOUT}')
        for info in data_list:
            image_id = info['image_id']
            if image_id not in self._masks:
                raise ValueError(
                    f'{self._meta_file("localization.txt")}: image id '
                    f'{image_id!r} (of {self.ann_file}) has no mask line.')
            masks, ignore, _ = self._masks[image_id]
            info['gt_mask_paths'] = [
                osp.join(self.mask_root, m) for m in masks
            ]
            info['ignore_mask_path'] = osp.join(self.mask_root,
                                                ignore) if ignore else ''
        return data_list

    def extra_repr(self) -> List[str]:
        """Extra lines of ``repr(dataset)``."""
        return super().extra_repr() + [f'Masks: \t{self.mask_root}']
