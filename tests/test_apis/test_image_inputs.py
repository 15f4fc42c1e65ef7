"""Inference reads files in their stored frame (never EXIF-rotated), with
the decoder of the recipe's loading step, so that the network sees what it
saw in training and annotation boxes land where they belong."""
import os.path as osp

import numpy as np
import pytest
from mmengine.config import Config
from PIL import Image

from mmspg.apis import inference_localizer
from mmspg.apis.image_inputs import load_image
from mmspg.apis.model import decode_backend

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _rotated_jpeg(path, h=30, w=50):
    """A w x h JPEG with a white top-left block and a 90-degree EXIF
    tag."""
    img = np.zeros((h, w, 3), np.uint8)
    img[:10, :15] = 255
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.fromarray(img).save(path, exif=exif, quality=95)
    return str(path)


@pytest.mark.parametrize('backend', ['cv2', 'pillow'])
def test_load_image_keeps_the_stored_frame(tmp_path, backend):
    img = load_image(_rotated_jpeg(tmp_path / 'r.jpg'), 0, backend)
    assert img.shape == (30, 50, 3)
    assert img[:10, :15].min() > 200 and img[20:, 35:].max() < 50


def test_pillow_decode_is_the_sources(tmp_path):
    rng = np.random.default_rng(0)
    path = str(tmp_path / 'cmyk.jpg')
    Image.fromarray(rng.integers(0, 256, (20, 24, 3),
                                 np.uint8)).convert('CMYK').save(
                                     path, quality=95)
    want = np.asarray(Image.open(path).convert('RGB'))[..., ::-1]
    np.testing.assert_array_equal(load_image(path, 0, 'pillow'), want)
    # OpenCV converts CMYK otherwise: the recipe's decoder matters
    assert np.abs(load_image(path, 0, 'cv2').astype(int) - want).max() >= 1


def test_decode_backend_is_the_recipes(tiny_config):
    assert decode_backend(Config.fromfile(tiny_config)) == 'cv2'
    for recipe in ('configs/cam/cam_vgg16-gap_1xb32_cub.py',
                   'configs/spg/spg_inception-v3_2xb10_cub-321px.py'):
        cfg = Config.fromfile(osp.join(REPO, recipe))
        assert decode_backend(cfg) == 'pillow'


def test_inferencer_result_is_in_the_stored_frame(tiny_model, tmp_path):
    result = inference_localizer(
        tiny_model, _rotated_jpeg(tmp_path / 'r.jpg'), topk=1)
    assert result['ori_shape'] == (30, 50)
    assert result['loc_maps'].shape == (1, 30, 50)
