import os.path as osp
from unittest import mock

import cv2
import numpy as np
import pytest
from datasets_testutils import make_cub, write_jpeg
from PIL import Image

from mmspg.datasets import CUBWSOLDataset
from mmspg.datasets.transforms import LoadImageFromFileWSOL
from mmspg.datasets.transforms.loading import _jpeg_truncated
from mmspg.registry import TRANSFORMS

LOG = 'mmspg.datasets.transforms.loading.print_log'


def jpeg_bytes(w=64, h=48):
    rng = np.random.default_rng(0)
    img = cv2.GaussianBlur(
        rng.integers(0, 255, (h, w, 3), dtype=np.uint8), (5, 5), 2)
    return cv2.imencode('.jpg', img)[1].tobytes()


def write_bytes(path, data):
    with open(path, 'wb') as f:
        f.write(data)
    return str(path)


def test_loads_and_adds_ori_boxes(tmp_path):
    path = write_jpeg(str(tmp_path / 'a.jpg'), 30, 20)
    t = TRANSFORMS.build(dict(type='LoadImageFromFileWSOL'))
    gt = np.array([[1, 2, 3, 4]], np.float32)
    res = t(dict(img_path=path, gt_bboxes=gt, img_size=(30, 20)))
    assert res['img'].shape == (20, 30, 3) and res['img'].dtype == np.uint8
    assert res['img_shape'] == (20, 30) and res['ori_shape'] == (20, 30)
    np.testing.assert_array_equal(res['ori_gt_bboxes'], gt)
    assert res['ori_gt_bboxes'] is not res['gt_bboxes']
    # An existing ori_gt_bboxes is kept.
    ori = np.array([[9, 9, 10, 10]], np.float32)
    res = t(dict(img_path=path, gt_bboxes=gt, ori_gt_bboxes=ori))
    assert res['ori_gt_bboxes'] is ori


@pytest.mark.parametrize('content, reason', [
    (None, 'FileNotFoundError'),
    (b'', 'the file is empty'),
    (b'this is not an image', 'not a decodable image'),
    ('truncated', 'truncated'),
])
def test_broken_image_raise_names_file(tmp_path, content, reason):
    path = str(tmp_path / 'broken.jpg')
    if content == 'truncated':
        data = jpeg_bytes()
        write_bytes(path, data[:len(data) // 2])
    elif content is not None:
        write_bytes(path, content)
    t = LoadImageFromFileWSOL(on_error='raise')
    with pytest.raises(OSError, match=reason) as e:
        t(dict(img_path=path))
    assert path in str(e.value)


def test_broken_image_skip_counts_and_logs(tmp_path):
    good = write_jpeg(str(tmp_path / 'good.jpg'), 8, 8)
    bad = write_bytes(tmp_path / 'bad.jpg', jpeg_bytes()[:300])
    t = LoadImageFromFileWSOL(on_error='skip')
    with mock.patch(LOG) as log:
        assert t(dict(img_path=bad)) is None
        assert t(dict(img_path=str(tmp_path / 'missing.jpg'))) is None
        assert t(dict(img_path=good)) is not None
    assert t.num_skipped == 2
    assert log.call_count == 2
    assert bad in log.call_args_list[0].args[0]
    assert '2 image(s) skipped' in log.call_args_list[1].args[0]


def test_truncation_caught_when_decoder_is_lenient(tmp_path, monkeypatch):
    # OpenCV 4 decodes truncated JPEGs (grey bottom); emulate it.
    data = jpeg_bytes()
    path = write_bytes(tmp_path / 't.jpg', data[:-200])
    t = LoadImageFromFileWSOL()
    monkeypatch.setattr(t, '_decode', lambda b: np.zeros(
        (48, 64, 3), np.uint8))
    with pytest.raises(OSError, match='truncated'):
        t(dict(img_path=path))
    # Complete files, also with bytes after the EOI marker, are fine.
    assert not _jpeg_truncated(data)
    assert not _jpeg_truncated(data + b'trailing bytes' * 10)
    assert _jpeg_truncated(data[:-2])


def test_size_mismatch_with_annotation(tmp_path):
    path = write_jpeg(str(tmp_path / 'a.jpg'), 30, 20)
    with pytest.raises(OSError, match=r'30x20 .* annotation says 40x20'):
        LoadImageFromFileWSOL()(dict(img_path=path, img_size=(40, 20)))
    with pytest.raises(OSError, match='swapped'):
        LoadImageFromFileWSOL()(dict(img_path=path, img_size=(20, 30)))
    res = LoadImageFromFileWSOL(check_img_size=False)(
        dict(img_path=path, img_size=(40, 20)))
    assert res['img'].shape[:2] == (20, 30)


def test_bad_arguments():
    with pytest.raises(ValueError, match='on_error'):
        LoadImageFromFileWSOL(on_error='ignore')
    with pytest.raises(ValueError, match='on_error'):
        LoadImageFromFileWSOL(ignore_empty=True)
    # flags with which mmcv applies the EXIF orientation
    for backend in ('cv2', 'pillow'):
        with pytest.raises(ValueError, match='color_ignore_orientation'):
            LoadImageFromFileWSOL(color_type='color', imdecode_backend=backend)
        with pytest.raises(ValueError, match='grayscale_ignore'):
            LoadImageFromFileWSOL(
                color_type='grayscale', imdecode_backend=backend)


@pytest.mark.parametrize('backend', ['cv2', 'pillow'])
def test_exif_tag_is_not_applied(tmp_path, backend):
    """A 90-degree EXIF tag neither rotates the image nor stops the size
    check: the annotation is in the stored frame (both sources)."""
    img = np.zeros((20, 30, 3), np.uint8)
    img[:5, :10] = 255  # top-left block, in the stored frame
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees on display
    path = str(tmp_path / 'rot.jpg')
    Image.fromarray(img).save(path, exif=exif, quality=95)
    t = LoadImageFromFileWSOL(imdecode_backend=backend)
    res = t(dict(img_path=path, img_size=(30, 20)))
    assert res['img'].shape == (20, 30, 3)
    assert res['img'][:5, :10].min() > 200 and res['img'][15:, 20:].max() < 50


def test_pillow_decode_is_the_sources_convert_rgb(tmp_path):
    """Grey + alpha: PIL's convert('RGB') drops the alpha, mmcv's pillow
    path would paste the image on a grey canvas."""
    rng = np.random.default_rng(0)
    la = rng.integers(0, 256, (6, 9, 2), dtype=np.uint8)
    path = str(tmp_path / 'la.png')
    Image.fromarray(la, 'LA').save(path)
    res = LoadImageFromFileWSOL(imdecode_backend='pillow')(dict(img_path=path))
    np.testing.assert_array_equal(res['img'],
                                  np.repeat(la[..., :1], 3, axis=2))


def _broken_cub(tmp_path):
    root = make_cub(tmp_path / 'cub')
    data = open(osp.join(root, 'images', '001.Aa', 'a_1.jpg'), 'rb').read()
    write_bytes(osp.join(root, 'images', '001.Aa', 'a_1.jpg'), data[:100])
    return root


def test_dataset_refetches_after_skip(tmp_path):
    root = _broken_cub(tmp_path)
    ds = CUBWSOLDataset(
        root,
        split='train',
        pipeline=[dict(type='LoadImageFromFileWSOL', on_error='skip')])
    with mock.patch(LOG) as log:
        for _ in range(4):  # index 0 is broken; never a crash, never None
            out = ds[0]
            assert out is not None
            assert out['image_id'] == '002.Bb/b_1.jpg'
    # mmengine refetches a random index, possibly the broken one again.
    assert log.call_count >= 4
    assert all('a_1.jpg' in c.args[0] for c in log.call_args_list)


def test_dataset_raise_names_file(tmp_path):
    root = _broken_cub(tmp_path)
    ds = CUBWSOLDataset(
        root,
        split='train',
        pipeline=[dict(type='LoadImageFromFileWSOL', on_error='raise')])
    with pytest.raises(OSError, match='a_1.jpg'):
        ds[0]


def test_fast_decode_is_opencv_and_says_not_protocol(tmp_path):
    rng = np.random.default_rng(0)
    path = str(tmp_path / 'cmyk.jpg')
    rgb = rng.integers(0, 256, (20, 24, 3), np.uint8)
    Image.fromarray(rgb).convert('CMYK').save(path, quality=95)
    with mock.patch(LOG) as log:
        fast = LoadImageFromFileWSOL(
            imdecode_backend='pillow', fast_decode=True)
    assert 'NOT the protocol' in log.call_args.args[0]
    assert 'fast_decode=True' in repr(fast)
    exact = LoadImageFromFileWSOL(imdecode_backend='pillow')
    opencv = LoadImageFromFileWSOL(imdecode_backend='cv2')
    got = fast(dict(img_path=path))['img']
    np.testing.assert_array_equal(got, opencv(dict(img_path=path))['img'])
    diff = np.abs(got.astype(int) - exact(dict(img_path=path))['img'])
    assert diff.max() == 1  # OpenCV's CMYK conversion, one level off


def test_skip_logs_for_real(tmp_path):
    """The skip path's log call itself works (the tests above mock it):
    mmengine's logger takes an int level."""
    t = LoadImageFromFileWSOL(on_error='skip')
    assert t(dict(img_path=str(tmp_path / 'missing.jpg'))) is None
    assert t.num_skipped == 1
    LoadImageFromFileWSOL(imdecode_backend='pillow', fast_decode=True)
