import importlib.util
import os.path as osp

import pytest

from mmspg.datasets import OpenImagesWSOLDataset

_spec = importlib.util.spec_from_file_location(
    'openimages_layout',
    osp.join(osp.dirname(__file__), '..', 'data', 'openimages_layout.py'))
_layout = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_layout)
make_openimages = _layout.make_openimages


@pytest.fixture(scope='module')
def oi(tmp_path_factory):
    return make_openimages(str(tmp_path_factory.mktemp('oi')))


def _ds(oi, split, **kwargs):
    return OpenImagesWSOLDataset(
        metadata_root=osp.join(oi['metadata'], split),
        data_prefix=oi['images'],
        mask_root=oi['masks'],
        **kwargs)


def test_test_split_has_masks_and_first_line_ignore(oi):
    ds = _ds(oi, 'test')
    assert len(ds) == 6 and ds.CLASSES == ('c00', 'c01')
    info = ds.get_data_info(0)
    assert info['image_id'] == 'test/c00/0000.jpg'
    assert info['gt_label'] == 0 and info['gt_bboxes'].shape == (0, 4)
    assert [osp.basename(p) for p in info['gt_mask_paths']
            ] == ['0000_m00_a.png', '0000_m00_b.png']
    assert all(osp.isfile(p) for p in info['gt_mask_paths'])
    assert info['ignore_mask_path'].endswith('test/c00/0000_ignore.png')
    assert len(ds.get_data_info(1)['gt_mask_paths']) == 1


def test_train_split_has_labels_only(oi):
    info = _ds(oi, 'train').get_data_info(0)
    assert 'gt_mask_paths' not in info and info['gt_label'] == 0


def test_errors_name_file_and_line(oi, tmp_path):
    with pytest.raises(FileNotFoundError, match='localization.txt'):
        meta = tmp_path / 'm'
        meta.mkdir()
        for name in ('image_ids.txt', 'class_labels.txt'):
            (meta / name).write_text(
                open(osp.join(oi['metadata'], 'test', name)).read())
        OpenImagesWSOLDataset(
            metadata_root=str(meta),
            data_prefix=oi['images'],
            mask_root=oi['masks'],
            require_masks=True)
    (meta / 'localization.txt'
     ).write_text('test/c00/0000.jpg,a.png,b.png\ntest/c00/0000.jpg,a.png\n')
    with pytest.raises(ValueError, match=r'localization.txt, line 2'):
        OpenImagesWSOLDataset(
            metadata_root=str(meta),
            data_prefix=oi['images'],
            mask_root=oi['masks'])
    (meta / 'localization.txt').write_text('test/c00/0000.jpg,a.png,\n')
    with pytest.raises(ValueError, match="'test/c00/0001.jpg'.*no mask"):
        OpenImagesWSOLDataset(
            metadata_root=str(meta),
            data_prefix=oi['images'],
            mask_root=oi['masks'])
    with pytest.raises(FileNotFoundError, match='mask_root'):
        _ds(oi, 'test', **{}).__class__(
            metadata_root=osp.join(oi['metadata'], 'test'),
            data_prefix=oi['images'],
            mask_root=str(tmp_path / 'nowhere'))


def test_masks_beside_images_by_default(oi, tmp_path):
    """The benchmark's layout: masks in the image folder (mask_root None)."""
    import shutil
    root = tmp_path / 'dataset'
    shutil.copytree(oi['images'], root)
    shutil.copytree(oi['masks'], root, dirs_exist_ok=True)
    ds = OpenImagesWSOLDataset(
        metadata_root=osp.join(oi['metadata'], 'test'), data_prefix=str(root))
    info = ds.get_data_info(0)
    assert info['gt_mask_paths'][0].startswith(str(root))
    assert all(osp.isfile(p) for p in info['gt_mask_paths'])
