import os
import os.path as osp

import numpy as np
import pytest
from datasets_testutils import CUB_IMAGES, make_cub, write_lines

from mmspg.datasets import CUBWSOLDataset
from mmspg.registry import DATASETS


def test_parse_test_split(cub_root):
    ds = DATASETS.build(
        dict(type='CUBWSOLDataset', data_root=cub_root, split='test'))
    assert ds.metainfo['classes'] == ('Aa', 'Bb')
    assert len(ds) == 2
    info = ds.get_data_info(0)
    assert info['image_id'] == '001.Aa/a_2.jpg'
    assert info['img_path'] == osp.join(cub_root, 'images', '001.Aa/a_2.jpg')
    assert info['gt_label'] == 0
    # x y w h -> x1 y1 x2 y2 in original pixels
    assert info['gt_bboxes'].dtype == np.float32
    np.testing.assert_allclose(info['gt_bboxes'], [[5.5, 4, 25.5, 16]])
    np.testing.assert_array_equal(info['ori_gt_bboxes'], info['gt_bboxes'])
    assert info['img_size'] == (36, 24)
    info = ds.get_data_info(1)
    assert info['gt_label'] == 1
    # x2 = 10 + 29 = 39 <= 40 stays
    np.testing.assert_allclose(info['gt_bboxes'], [[10, 6, 39, 26]])


def test_parse_train_split_without_size_check(cub_root):
    ds = CUBWSOLDataset(cub_root, split='train')
    assert [d['image_id'] for d in ds.load_data_list()
            ] == ['001.Aa/a_1.jpg', '002.Bb/b_1.jpg']
    # The header check is off by default for train: no img_size.
    assert 'img_size' not in ds.get_data_info(0)
    ds = CUBWSOLDataset(cub_root, split='train', check_boxes_in_image=True)
    assert ds.get_data_info(1)['img_size'] == (16, 20)


def test_bad_split(cub_root):
    with pytest.raises(ValueError, match='split'):
        CUBWSOLDataset(cub_root, split='val')


def test_missing_folder_message(tmp_path):
    root = str(tmp_path / 'nowhere' / 'CUB_200_2011')
    with pytest.raises(FileNotFoundError) as e:
        CUBWSOLDataset(root, split='test')
    msg = str(e.value)
    assert root in msg and 'bounding_boxes.txt' in msg
    assert 'images.txt' in msg and 'data/CUB_200_2011' in msg


def test_missing_file_message(cub_root):
    os.remove(osp.join(cub_root, 'classes.txt'))
    with pytest.raises(FileNotFoundError, match='classes.txt'):
        CUBWSOLDataset(cub_root, split='test')


@pytest.mark.parametrize('fname, lines, pattern', [
    ('bounding_boxes.txt', ['1 2 3 10 8', '2 5.5 4 20'
                            ], r'bounding_boxes.txt, line 2: expected 5'),
    ('bounding_boxes.txt', ['1 2 3 10 8', '2 5.5 four 20 12'],
     r'bounding_boxes.txt, line 2: y must be a number'),
    ('bounding_boxes.txt', [
        '1 2 3 10 8', '2 5 4 0 12', '3 0 0 1 1', '4 1 1 1 1'
    ], r'bounding_boxes.txt, line 2: box width and height must be '
     r'positive'),
    ('image_class_labels.txt', ['1 1', '2 1', '3 2', '4 2', '9 1'],
     r'image_class_labels.txt, line 5: image id 9 is not in '
     r'images.txt'),
    ('image_class_labels.txt', ['1 1', '2 3', '3 2', '4 2'],
     r'image_class_labels.txt, line 2: class id 3 is outside 1..2'),
    ('image_class_labels.txt', ['1 1', 'x 1'],
     r'image_class_labels.txt, line 2: the image id must be an '
     r'integer'),
    ('train_test_split.txt', ['1 1', '2 yes', '3 1', '4 0'],
     r'train_test_split.txt, line 2: is_training_image must be 0 or 1'),
    ('train_test_split.txt', ['1 1', '1 0'],
     r'train_test_split.txt, line 2: image id 1 repeats line 1'),
])
def test_malformed_files_name_file_and_line(cub_root, fname, lines, pattern):
    write_lines(osp.join(cub_root, fname), lines)
    with pytest.raises(ValueError, match=pattern):
        CUBWSOLDataset(cub_root, split='test')


def test_image_without_label_line(cub_root):
    write_lines(
        osp.join(cub_root, 'image_class_labels.txt'), ['1 1', '3 2', '4 2'])
    with pytest.raises(
            ValueError,
            match=r'images.txt, line 2: image id 2 '
            r'has no line in .*image_class_labels.txt'):
        CUBWSOLDataset(cub_root, split='test')


def _with_box(box, size=(40, 30)):
    images = list(CUB_IMAGES)
    images[1] = (2, '001.Aa/a_2.jpg', 1, 0, box, size)
    return images


def test_small_overshoot_is_clipped(tmp_path):
    # 40x30 image; x2 = 1 + 40 = 41 and y1 = -0.5: within 2% / 1 px.
    root = make_cub(tmp_path / 'cub', _with_box((1.0, -0.5, 40.0, 20.0)))
    ds = CUBWSOLDataset(root, split='test')
    np.testing.assert_allclose(
        ds.get_data_info(0)['gt_bboxes'], [[1, 0, 40, 19.5]])
    # Larger tolerance accepts more, smaller rejects.
    root = make_cub(tmp_path / 'cub2', _with_box((1.0, 0.0, 43.0, 20.0)))
    with pytest.raises(
            ValueError,
            match=r'bounding_boxes.txt, line 2: box '
            r'.* outside the 40x30'):
        CUBWSOLDataset(root, split='test')
    ds = CUBWSOLDataset(root, split='test', box_clip_tolerance=0.1)
    np.testing.assert_allclose(
        ds.get_data_info(0)['gt_bboxes'], [[1, 0, 40, 20]])


def test_absurd_box_rejected_or_kept_when_unchecked(tmp_path):
    root = make_cub(tmp_path / 'cub', _with_box((100.0, 5.0, 50.0, 10.0)))
    with pytest.raises(ValueError, match=r'bounding_boxes.txt, line 2'):
        CUBWSOLDataset(root, split='test')
    # Without the header check the box is kept as written.
    ds = CUBWSOLDataset(root, split='test', check_boxes_in_image=False)
    np.testing.assert_allclose(
        ds.get_data_info(0)['gt_bboxes'], [[100, 5, 150, 15]])


def test_missing_image_named_when_checking(tmp_path):
    root = make_cub(tmp_path / 'cub')
    os.remove(osp.join(root, 'images', '002.Bb', 'b_2.jpg'))
    with pytest.raises(FileNotFoundError, match='b_2.jpg'):
        CUBWSOLDataset(root, split='test')


def test_given_classes_must_match_count(cub_root):
    ds = CUBWSOLDataset(cub_root, split='test', classes=['x', 'y'])
    assert ds.metainfo['classes'] == ('x', 'y')
    with pytest.raises(ValueError, match='classes.txt lists 2'):
        CUBWSOLDataset(cub_root, split='test', classes=['x', 'y', 'z'])


def test_non_utf8_annotation_names_file_and_line(tmp_path):
    root = make_cub(tmp_path / 'cub')
    path = osp.join(root, 'images.txt')
    with open(path, 'rb') as f:
        lines = f.read().split(b'\n')
    lines[1] = lines[1].replace(b'a_', b'\xe9_', 1)  # Latin-1 byte
    with open(path, 'wb') as f:
        f.write(b'\n'.join(lines))
    with pytest.raises(
            ValueError,
            match=r"images.txt, line 2: not valid UTF-8 "
            r"\(byte b'\\xe9'"):
        CUBWSOLDataset(root, split='test')


def test_directory_instead_of_image_is_called_a_directory(tmp_path):
    root = make_cub(tmp_path / 'cub')
    img = osp.join(root, 'images', '001.Aa', 'a_2.jpg')
    os.remove(img)
    os.mkdir(img)
    with pytest.raises(
            IsADirectoryError, match=r'a_2.jpg" is a directory, not an image'):
        CUBWSOLDataset(root, split='test')
