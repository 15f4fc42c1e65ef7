"""Datasets read through mmengine's fileio with ``backend_args`` (a
registered in-memory backend stands for petrel/S3/HTTP), ImageNet from an
``ann_file`` list, and annotation files that start with a UTF-8 BOM."""
import os
import os.path as osp

import numpy as np
import pytest
from datasets_testutils import make_cub
from mmengine import fileio
from mmengine.fileio.backends import BaseStorageBackend
from test_imagenet_wsol import WNIDS, make_imagenet

from mmspg.datasets import (CUBWSOLDataset, ImageNetWSOLDataset,
                            WSOLMetadataDataset)
from mmspg.evaluation.functional import read_image_ids, write_metadata


class MemoryBackend(BaseStorageBackend):
    """Files in a dict, keyed by 'mem://...' paths; counts every read."""

    files = {}
    reads = []

    def __init__(self, **kwargs):
        pass

    def get(self, filepath):
        self.reads.append(str(filepath))
        return self.files[str(filepath)]

    def get_text(self, filepath, encoding='utf-8'):
        return self.get(filepath).decode(encoding)

    def exists(self, filepath):
        return self.isfile(filepath) or self.isdir(filepath)

    def isfile(self, filepath):
        return str(filepath) in self.files

    def isdir(self, filepath):
        prefix = str(filepath).rstrip('/') + '/'
        return any(k.startswith(prefix) for k in self.files)

    def join_path(self, filepath, *filepaths):
        return '/'.join([str(filepath).rstrip('/'), *filepaths])

    def list_dir_or_file(self,
                         dir_path,
                         list_dir=True,
                         list_file=True,
                         suffix=None,
                         recursive=False):
        prefix = str(dir_path).rstrip('/') + '/'
        seen = set()
        for key in sorted(self.files):
            if not key.startswith(prefix):
                continue
            parts = key[len(prefix):].split('/')
            if list_dir and len(parts) > 1 and parts[0] not in seen:
                seen.add(parts[0])
                yield parts[0]
            if list_file and (recursive or len(parts) == 1):
                yield '/'.join(parts)


fileio.register_backend(
    'mmspg_test_memory', MemoryBackend, force=True, prefixes='mem')


@pytest.fixture
def memory():
    MemoryBackend.files.clear()
    MemoryBackend.reads.clear()
    yield MemoryBackend
    MemoryBackend.files.clear()


def upload(local_root, uri_root, store):
    """Copy a local folder into the in-memory store."""
    for dirpath, _, names in os.walk(local_root):
        for name in names:
            path = osp.join(dirpath, name)
            rel = osp.relpath(path, local_root).replace(os.sep, '/')
            with open(path, 'rb') as f:
                store.files[f'{uri_root}/{rel}'] = f.read()


def test_cub_from_a_storage_backend(tmp_path, memory):
    local = CUBWSOLDataset(make_cub(tmp_path / 'cub'), split='test')
    upload(str(tmp_path / 'cub'), 'mem://bucket/cub', memory)
    ds = CUBWSOLDataset(
        'mem://bucket/cub',
        split='test',
        pipeline=[dict(type='LoadImageFromFileWSOL')])
    assert len(ds) == len(local) > 0
    assert ds[0]['img_path'] == 'mem://bucket/cub/images/' + \
        local.get_data_info(0)['image_id']
    np.testing.assert_array_equal(
        ds.get_data_info(0)['gt_bboxes'],
        local.get_data_info(0)['gt_bboxes'])
    assert ds.get_data_info(0)['img_size'] == \
        local.get_data_info(0)['img_size']
    # every file came from the backend: annotations, headers, pixels
    assert 'mem://bucket/cub/images.txt' in memory.reads
    w, h = local.get_data_info(0)['img_size']
    assert ds[0]['img'].shape[:2] == (h, w)
    assert any(r.endswith('.jpg') for r in memory.reads)


def test_backend_args_select_the_backend(tmp_path, memory):
    """No URI prefix: ``backend_args`` alone picks the backend."""
    upload(make_cub(tmp_path / 'cub'), 'plainroot/cub', memory)
    ds = CUBWSOLDataset(
        'plainroot/cub',
        split='train',
        backend_args=dict(backend='mmspg_test_memory'))
    assert len(ds) > 0
    assert 'plainroot/cub/classes.txt' in memory.reads
    assert not osp.exists('plainroot')


def test_imagenet_from_ann_file_on_a_backend(tmp_path, memory):
    root = make_imagenet(tmp_path / 'imagenet')
    os.makedirs(osp.join(root, 'meta'))
    with open(osp.join(root, 'meta', 'train.txt'), 'w') as f:
        # mmpretrain's format: path relative to the image folder, label
        f.write(f'{WNIDS[1]}/{WNIDS[1]}_0.JPEG 1\n'
                f'{WNIDS[0]}/{WNIDS[0]}_1.JPEG 0\n')
    with open(osp.join(root, 'meta', 'val.txt'), 'w') as f:
        f.write('ILSVRC2012_val_00000002.JPEG 0\n')
    upload(root, 'mem://in1k', memory)
    train = ImageNetWSOLDataset(
        'mem://in1k', split='train', ann_file='meta/train.txt')
    assert [d['image_id'] for d in train.load_data_list()] == [
        f'train/{WNIDS[1]}/{WNIDS[1]}_0.JPEG',
        f'train/{WNIDS[0]}/{WNIDS[0]}_1.JPEG'
    ]
    assert [train.get_data_info(i)['gt_label'] for i in range(2)] == [1, 0]
    val = ImageNetWSOLDataset(
        'mem://in1k', split='val', ann_file='meta/val.txt')
    assert len(val) == 1
    info = val.get_data_info(0)
    assert info['img_path'] == 'mem://in1k/val/ILSVRC2012_val_00000002.JPEG'
    assert info['gt_bboxes'].shape == (2, 4) and info['gt_label'] == 0


def test_imagenet_ann_file_disagreeing_label_names_line(tmp_path):
    root = make_imagenet(tmp_path / 'imagenet')
    with open(osp.join(root, 'val.txt'), 'w') as f:
        f.write('ILSVRC2012_val_00000001.JPEG 1\n'
                'ILSVRC2012_val_00000002.JPEG 1\n')
    with pytest.raises(ValueError, match=r'val.txt, line 2: label 1 but'):
        ImageNetWSOLDataset(root, split='val', ann_file='val.txt')
    with open(osp.join(root, 'train.txt'), 'w') as f:
        f.write(f'{WNIDS[0]}/{WNIDS[0]}_0.JPEG 7\n')
    with pytest.raises(ValueError, match=r'train.txt, line 1: label 7'):
        ImageNetWSOLDataset(root, split='train', ann_file='train.txt')


def _add_bom(path):
    with open(path, 'rb') as f:
        data = f.read()
    with open(path, 'wb') as f:
        f.write(b'\xef\xbb\xbf' + data)


def test_cub_files_with_a_bom(tmp_path):
    root = make_cub(tmp_path / 'cub')
    plain = CUBWSOLDataset(root, split='test')
    for name in ('images.txt', 'classes.txt', 'bounding_boxes.txt',
                 'image_class_labels.txt', 'train_test_split.txt'):
        _add_bom(osp.join(root, name))
    with_bom = CUBWSOLDataset(root, split='test')
    assert with_bom.metainfo['classes'] == plain.metainfo['classes']
    assert [d['image_id'] for d in with_bom.load_data_list()] == \
        [d['image_id'] for d in plain.load_data_list()]


def test_wsol_metadata_with_a_bom(tmp_path):
    meta = str(tmp_path / 'meta')
    write_metadata(meta, ['a/1.jpg', 'b/2.jpg'], [0, 1], [(10, 10), (12, 8)],
                   [[[1, 1, 5, 5]], [[0, 0, 4, 4]]])
    for name in ('image_ids.txt', 'class_labels.txt', 'image_sizes.txt',
                 'localization.txt'):
        _add_bom(osp.join(meta, name))
    # the numpy-only reader of tools/eval_scoremaps.py
    assert read_image_ids(meta) == ['a/1.jpg', 'b/2.jpg']
    ds = WSOLMetadataDataset(meta, lazy_init=False)
    assert [d['image_id'] for d in ds.load_data_list()] == \
        ['a/1.jpg', 'b/2.jpg']
