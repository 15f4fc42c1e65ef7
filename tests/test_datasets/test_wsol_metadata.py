import os.path as osp

import numpy as np
import pytest
from datasets_testutils import write_jpeg, write_lines

from mmspg.datasets import WSOLMetadataDataset
from mmspg.registry import DATASETS


def make_metadata(root, boxes=True, sizes=True):
    """Benchmark-style metadata for 3 images of 2 classes."""
    root = str(root)
    ids = ['001.Aa/a_1.jpg', '001.Aa/a_2.jpg', '002.Bb/b_1.jpg']
    for rel in ids:
        write_jpeg(osp.join(root, 'images', rel), 40, 30)
    meta = osp.join(root, 'metadata', 'test')
    write_lines(osp.join(meta, 'image_ids.txt'), ids)
    write_lines(
        osp.join(meta, 'class_labels.txt'),
        [f'{ids[0]},0', f'{ids[1]},0', f'{ids[2]},1'])
    if sizes:
        write_lines(
            osp.join(meta, 'image_sizes.txt'), [f'{i},40,30' for i in ids])
    if boxes:
        write_lines(
            osp.join(meta, 'localization.txt'),
            [
                f'{ids[0]},1,2,11,12',
                f'{ids[1]},0,0,20,10',
                f'{ids[1]},5,5,40.5,30',  # second box, half-pixel overshoot
                f'{ids[2]},3,4,13,14',
            ])
    return root, meta


def test_parse(tmp_path):
    root, meta = make_metadata(tmp_path)
    ds = DATASETS.build(
        dict(
            type='WSOLMetadataDataset',
            data_root=root,
            metadata_root='metadata/test',
            data_prefix='images'))
    assert len(ds) == 3
    assert ds.metainfo['classes'] == ('Aa', 'Bb')  # from the folders
    info = ds.get_data_info(1)
    assert info['image_id'] == '001.Aa/a_2.jpg'
    assert info['img_path'] == osp.join(root, 'images', '001.Aa/a_2.jpg')
    assert info['gt_label'] == 0 and info['img_size'] == (40, 30)
    assert info['gt_bboxes'].dtype == np.float32
    np.testing.assert_allclose(info['gt_bboxes'],
                               [[0, 0, 20, 10], [5, 5, 40, 30]])
    np.testing.assert_array_equal(info['ori_gt_bboxes'], info['gt_bboxes'])
    assert ds.get_data_info(2)['gt_label'] == 1


def test_train_split_without_boxes(tmp_path):
    root, meta = make_metadata(tmp_path, boxes=False, sizes=False)
    ds = WSOLMetadataDataset(meta, data_prefix=osp.join(root, 'images'))
    info = ds.get_data_info(0)
    assert info['gt_bboxes'].shape == (0, 4)
    assert info['ori_gt_bboxes'].shape == (0, 4)
    assert 'img_size' not in info


def test_proxy_ids(tmp_path):
    root, meta = make_metadata(tmp_path)
    write_lines(osp.join(meta, 'image_ids_proxy.txt'), ['002.Bb/b_1.jpg'])
    ds = WSOLMetadataDataset(
        meta, data_prefix=osp.join(root, 'images'), proxy=True)
    assert [d['image_id'] for d in ds.load_data_list()] == ['002.Bb/b_1.jpg']


def test_missing_metadata_message(tmp_path):
    with pytest.raises(FileNotFoundError) as e:
        WSOLMetadataDataset(str(tmp_path / 'meta'), data_prefix='')
    msg = str(e.value)
    assert 'image_ids.txt' in msg and 'localization.txt' in msg
    assert str(tmp_path / 'meta') in msg


@pytest.mark.parametrize('fname, lines, pattern', [
    ('localization.txt', ['001.Aa/a_1.jpg,1,2,11'
                          ], r'localization.txt, line 1: expected 3 or 5'),
    ('localization.txt', [
        '001.Aa/a_1.jpg,1,2,11,12', '001.Aa/a_2.jpg,0,zero,20,10'
    ], r'localization.txt, line 2: y0 must be a number'),
    ('localization.txt', [
        '001.Aa/a_1.jpg,1,2,11,12', '001.Aa/a_2.jpg,0,0,20,10',
        '002.Bb/b_9.jpg,3,4,13,14'
    ], r"localization.txt, line 3: image id '002.Bb/b_9.jpg' is not in "
     r'class_labels.txt'),
    ('localization.txt', [
        '001.Aa/a_1.jpg,1,2,11,12', '001.Aa/a_2.jpg,20,0,20,10'
    ], r'localization.txt, line 2: box .* non-positive size'),
    ('localization.txt', [
        '001.Aa/a_1.jpg,1,2,11,12', '001.Aa/a_2.jpg,0,0,60,10'
    ], r'localization.txt, line 2: box .* outside the 40x30'),
    ('localization.txt', [
        '001.Aa/a_1.jpg,1,2,11,12', '001.Aa/a_2.jpg,0,0,20,10'
    ], r"image_ids.txt, line 3: image id '002.Bb/b_1.jpg' has no box"),
    ('localization.txt', ['001.Aa/a_1.jpg,m.png,i.png'],
     r'localization.txt, line 1: this is a mask-style'),
    ('localization.txt', ['001.Aa/a_1.jpg,1,2,11,12', '001.Aa/a_2.jpg,0,0'],
     r'localization.txt, line 2: expected 5 comma-separated fields '
     r'\(<id>,<x0>,<y0>,<x1>,<y1>\), got 3'),
    ('class_labels.txt', ['001.Aa/a_1.jpg,0', '001.Aa/a_2.jpg,one'],
     r'class_labels.txt, line 2: the class label must be an integer'),
    ('class_labels.txt', ['001.Aa/a_1.jpg,0', '002.Bb/b_1.jpg,1'],
     r"image_sizes.txt, line 2: image id '001.Aa/a_2.jpg' is not in "
     r'class_labels.txt'),
    ('image_sizes.txt', ['001.Aa/a_1.jpg,40'
                         ], r'image_sizes.txt, line 1: expected 3'),
    ('image_ids.txt', ['001.Aa/a_1.jpg', '001.Aa/a_1.jpg'],
     r"image_ids.txt, line 2: image id '001.Aa/a_1.jpg' repeats line 1"),
])
def test_malformed_files_name_file_and_line(tmp_path, fname, lines, pattern):
    root, meta = make_metadata(tmp_path)
    write_lines(osp.join(meta, fname), lines)
    with pytest.raises(ValueError, match=pattern):
        WSOLMetadataDataset(meta, data_prefix=osp.join(root, 'images'))


def test_image_without_label(tmp_path):
    root, meta = make_metadata(tmp_path, boxes=False, sizes=False)
    write_lines(
        osp.join(meta, 'class_labels.txt'),
        ['001.Aa/a_1.jpg,0', '002.Bb/b_1.jpg,1'])
    with pytest.raises(
            ValueError,
            match=r"image_ids.txt, line 2: image id "
            r"'001.Aa/a_2.jpg' has no line in .*class_labels"):
        WSOLMetadataDataset(meta, data_prefix=osp.join(root, 'images'))


def test_given_classes_bound_labels(tmp_path):
    root, meta = make_metadata(tmp_path)
    ds = WSOLMetadataDataset(
        meta, data_prefix=osp.join(root, 'images'), classes=['a', 'b', 'c'])
    assert ds.metainfo['classes'] == ('a', 'b', 'c')
    with pytest.raises(ValueError, match=r'class_labels.txt, line 3: label 1'):
        WSOLMetadataDataset(
            meta, data_prefix=osp.join(root, 'images'), classes=['a'])
