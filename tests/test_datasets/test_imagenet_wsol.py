import os
import os.path as osp

import numpy as np
import pytest
from datasets_testutils import write_jpeg, write_lines

from mmspg.datasets import ImageNetWSOLDataset
from mmspg.registry import DATASETS

WNIDS = ['n01440764', 'n01443537']


def xml_text(w, h, objects):
    objs = ''.join(f'<object><name>{name}</name><pose>Unspecified</pose>'
                   f'<bndbox><xmin>{b[0]}</xmin><ymin>{b[1]}</ymin>'
                   f'<xmax>{b[2]}</xmax><ymax>{b[3]}</ymax></bndbox></object>'
                   for name, b in objects)
    return (f'<annotation><folder>val</folder><filename>x</filename>'
            f'<size><width>{w}</width><height>{h}</height><depth>3</depth>'
            f'</size>{objs}</annotation>')


def make_imagenet(root):
    root = str(root)
    for k, wnid in enumerate(WNIDS):
        for j in range(2):
            write_jpeg(
                osp.join(root, 'train', wnid, f'{wnid}_{j}.JPEG'), 20, 16)
    os.makedirs(osp.join(root, 'val_ann'))
    anns = {
        1:
        xml_text(40, 30, [(WNIDS[1], (1, 2, 21, 22))]),
        2:
        xml_text(32, 24, [(WNIDS[0], (0, 0, 10, 10)),
                          (WNIDS[0], (5, 6, 32, 24))]),
    }
    for i, text in anns.items():
        name = f'ILSVRC2012_val_{i:08d}'
        write_jpeg(osp.join(root, 'val', name + '.JPEG'), 40, 30)
        with open(osp.join(root, 'val_ann', name + '.xml'), 'w') as f:
            f.write(text)
    return root


@pytest.fixture
def imagenet_root(tmp_path):
    return make_imagenet(tmp_path / 'imagenet')


def test_train_split(imagenet_root):
    ds = DATASETS.build(
        dict(
            type='ImageNetWSOLDataset', data_root=imagenet_root,
            split='train'))
    assert ds.metainfo['classes'] == tuple(WNIDS)
    assert len(ds) == 4
    info = ds.get_data_info(2)
    assert info['image_id'] == 'train/n01443537/n01443537_0.JPEG'
    assert info['gt_label'] == 1
    assert info['gt_bboxes'].shape == (0, 4)
    assert info['gt_bboxes'].dtype == np.float32
    assert info['ori_gt_bboxes'].shape == (0, 4)
    # The pipeline gets them too (added lazily to save memory).
    assert ds[2]['gt_bboxes'].shape == (0, 4)


def test_val_split(imagenet_root):
    ds = ImageNetWSOLDataset(imagenet_root, split='val')
    assert len(ds) == 2
    first, second = ds.get_data_info(0), ds.get_data_info(1)
    assert first['image_id'] == 'val/ILSVRC2012_val_00000001.JPEG'
    assert first['img_path'] == osp.join(imagenet_root, 'val',
                                         'ILSVRC2012_val_00000001.JPEG')
    assert first['gt_label'] == 1 and first['img_size'] == (40, 30)
    np.testing.assert_allclose(first['gt_bboxes'], [[1, 2, 21, 22]])
    assert second['gt_label'] == 0 and second['img_size'] == (32, 24)
    np.testing.assert_allclose(second['gt_bboxes'],
                               [[0, 0, 10, 10], [5, 6, 32, 24]])
    np.testing.assert_array_equal(second['ori_gt_bboxes'], second['gt_bboxes'])


def test_classes_file_sets_order(imagenet_root, tmp_path):
    cls_file = str(tmp_path / 'wnids.txt')
    write_lines(cls_file, [f'{WNIDS[1]} coho', f'{WNIDS[0]} tench'])
    ds = ImageNetWSOLDataset(imagenet_root, split='val', classes=cls_file)
    assert ds.get_data_info(0)['gt_label'] == 0
    assert ds.get_data_info(1)['gt_label'] == 1
    assert ds.metainfo['classes'] == (f'{WNIDS[1]} coho', f'{WNIDS[0]} tench')


def _write_xml(root, i, text):
    with open(osp.join(root, 'val_ann', f'ILSVRC2012_val_{i:08d}.xml'),
              'w') as f:
        f.write(text)


@pytest.mark.parametrize('text, pattern', [
    ('<annotation><size><width>40</width>', r'malformed XML'),
    ('<annotation><object/></annotation>', r'missing <size>'),
    (xml_text(40, 30, []), r'no <object>'),
    (xml_text(40, 30, [('n00000000', (1, 2, 3, 4))]),
     r"class 'n00000000', which is not a known class"),
    (xml_text(40, 30, [(WNIDS[0],
                        (1, 2, 'x', 4))]), r'bndbox/xmax must be a number'),
    (xml_text(40, 30, [(WNIDS[0], (5, 2, 5, 4))]), r'non-positive size'),
    (xml_text(40, 30, [(WNIDS[0], (5, 2, 90, 4))]), r'outside the 40x30'),
    (xml_text(40, 30, [(WNIDS[0], (1, 2, 3, 4)),
                       (WNIDS[1],
                        (1, 2, 3, 4))]), r'objects of several classes'),
])
def test_malformed_xml_names_file(imagenet_root, text, pattern):
    _write_xml(imagenet_root, 2, text)
    with pytest.raises(ValueError, match=pattern) as e:
        ImageNetWSOLDataset(imagenet_root, split='val')
    assert 'ILSVRC2012_val_00000002.xml' in str(e.value)


def test_missing_xml_and_folders(imagenet_root, tmp_path):
    os.remove(
        osp.join(imagenet_root, 'val_ann', 'ILSVRC2012_val_00000001.xml'))
    with pytest.raises(FileNotFoundError, match='ILSVRC2012_val_00000001.xml'):
        ImageNetWSOLDataset(imagenet_root, split='val')
    with pytest.raises(FileNotFoundError, match=r'train/n01440764'):
        ImageNetWSOLDataset(str(tmp_path / 'none'), split='train')
