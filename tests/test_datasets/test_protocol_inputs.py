"""Every protocol recipe feeds the network what its source's data code feeds
it, for any image file (issue 21, "Done means").

The sources' transforms are written out with PIL and torchvision:
- WSOL benchmark (clovaai/wsolevaluation data_loaders.py lines 196-197,
  209-225): ``Image.open(f).convert('RGB')``, then ``Resize((256, 256))``
  (train, before the random crop) or ``Resize((224, 224))`` (val/test);
- official SPG code (xiaomengyc/SPG utils/mydataset.py line 37,
  utils/LoadData.py lines 21-26 and 41-42): the same decode, then
  ``Resize(356)`` on the short side (train, before the random crop) and
  ``CenterCrop(321)`` (test).
The recipe's pipeline runs up to ``PackInputs`` without its random steps,
on generated files of every kind a data set may hold; the packed input,
in the channel order the data preprocessor hands to the network, must be
within one grey level of the source's everywhere, and the decoded image
must equal the source's exactly.

Recipes are found from configs/*/*.py (the demo is not a protocol recipe:
tests/test_datasets/test_demo checks that its inputs did not change).
The official-code protocol is the one on the official SPG Inception-v3
(``variant='spg-official'``, as tests/test_configs/test_recipes_map_resize.py
classifies recipes); every other recipe uses the benchmark's transforms.
"""
import functools
import glob
import os.path as osp

import numpy as np
import pytest
import torch
import yaml
from configs_testutils import recipe_of_short_name
from mmengine.config import Config
from mmengine.dataset import Compose
from PIL import Image
from torchvision import transforms as T

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
RECIPES = sorted(
    osp.relpath(p, REPO)
    for p in glob.glob(osp.join(REPO, 'configs', '*', '*.py'))
    if '/_base_/' not in p and '/demo/' not in p
    # short names resolve to the recipes they name (configs_testutils)
    and recipe_of_short_name(p) is None)
RANDOM_STEPS = ('BoxAwareRandomCrop', 'RandomFlip', 'RandomCrop',
                'BoxAwareRandomResizedCrop', 'RandomResizedCrop')

# The source's transforms after decoding, per protocol and split.
REFERENCE = {
    ('benchmark', 'train'): T.Resize((256, 256)),
    ('benchmark', 'test'): T.Resize((224, 224)),
    ('official', 'train'): T.Resize(356),
    ('official', 'test'): T.Compose([T.Resize(356),
                                     T.CenterCrop(321)]),
}


def _photo(w, h, seed=0):
    """(h, w, 3) uint8 with gradients, edges and noise, so that filters
    that differ (PIL's antialiasing bilinear, OpenCV's) give other
    pixels."""
    rng = np.random.RandomState(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    img = np.stack([
        255 * x / max(w - 1, 1), 255 * y / max(h - 1, 1), 255 *
        ((x // 8 + y // 8) % 2)
    ], -1)
    img += rng.normal(0, 25, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def _exif(orientation):
    exif = Image.Exif()
    exif[0x0112] = orientation
    return exif


@pytest.fixture(scope='module')
def image_files(tmp_path_factory):
    """name -> path of one file of each kind."""
    root = tmp_path_factory.mktemp('protocol_inputs')
    base = Image.fromarray(_photo(120, 90))
    files = {}

    def save(name, img, **kwargs):
        files[name] = str(root / name)
        img.save(files[name], **kwargs)

    # EXIF orientation: 90 degrees, 180 degrees, mirrored
    save('exif-rot90.jpg', base, quality=92, exif=_exif(6))
    save('exif-rot180.jpg', base, quality=92, exif=_exif(3))
    save('exif-mirror.jpg', base, quality=92, exif=_exif(2))
    save('grayscale.jpg', base.convert('L'), quality=92)
    save('cmyk.jpg', base.convert('CMYK'), quality=92)
    save('progressive.jpg', base, quality=92, progressive=True)
    # PNG data under a .jpg name (ILSVRC has one)
    save('png-data.jpg', base, format='PNG')
    # grey + alpha PNG (mmcv's own pillow path would differ here)
    save('grey-alpha.png', base.convert('LA'))
    save('tiny-7x5.jpg', Image.fromarray(_photo(7, 5, 1)), quality=92)
    save(
        'photo-1600x1200.jpg',
        Image.fromarray(_photo(1600, 1200, 2)),
        quality=90)
    return files


@functools.lru_cache(maxsize=None)
def _cfg(path):
    return Config.fromfile(osp.join(REPO, path))


def _protocol(cfg):
    return ('official' if cfg.model.backbone.get('variant') == 'spg-official'
            else 'benchmark')


def _to_rgb(cfg):
    pre = cfg.model.get('data_preprocessor') or cfg.get('data_preprocessor')
    return bool(pre.get('to_rgb', False))


_DECODED = {}  # (repr of the loading step, file) -> (H, W, 3) BGR
_PIPELINES = {}  # repr of the steps -> built Compose
_OUTPUTS = {}  # (repr, file) -> (C, H, W) uint8 as packed
_REFERENCES = {}  # (protocol, split, file) -> (C, H, W) uint8 RGB


def _packed(steps, path):
    key = repr(steps)
    if key not in _PIPELINES:
        _PIPELINES[key] = Compose(steps)
    if (key, path) not in _OUTPUTS:
        with Image.open(path) as img:
            size = img.size  # stored (w, h), as image_sizes.txt has it
        out = _PIPELINES[key](
            dict(
                img_path=path,
                img_size=size,
                gt_bboxes=np.array([[0, 0, 1, 1]], np.float32),
                gt_label=0,
                image_id=osp.basename(path),
                sample_idx=0))
        _OUTPUTS[key, path] = out['inputs']
    return _OUTPUTS[key, path]


def _decoded(step, path):
    key = (repr(step), path)
    if key not in _DECODED:
        _DECODED[key] = Compose([step])(dict(img_path=path))['img']
    return _DECODED[key]


def _reference(protocol, split, path):
    if (protocol, split, path) not in _REFERENCES:
        img = Image.open(path).convert('RGB')
        out = REFERENCE[protocol, split](img)
        _REFERENCES[protocol, split, path] = T.PILToTensor()(out)
    return _REFERENCES[protocol, split, path]


def _pipelines(cfg):
    """(split, steps) of the recipe's loaders, random steps removed."""
    out = []
    for split in ('train', 'val', 'test'):
        loader = cfg.get(f'{split}_dataloader')
        if not loader:
            continue
        steps = [
            s for s in loader.dataset.pipeline if s['type'] not in RANDOM_STEPS
        ]
        assert len(steps) < len(loader.dataset.pipeline) or split != 'train'
        out.append(('train' if split == 'train' else 'test', steps))
    return out


def test_recipes_are_found_and_classified():
    """Every protocol recipe of the metafiles is tested, as its protocol."""
    assert len(RECIPES) > 40
    protocols = {}
    for path in glob.glob(osp.join(REPO, 'configs', '*', 'metafile.yml')):
        with open(path) as f:
            for model in yaml.safe_load(f)['Models']:
                protocols[model['Config']] = model['Metadata'].get(
                    'Protocol', 'WSOL-benchmark')
    assert set(protocols) <= set(RECIPES)
    official = [p for p, v in protocols.items() if v == 'official-code']
    assert len(official) >= 8
    for path in official:
        assert _protocol(_cfg(path)) == 'official', path


@pytest.mark.parametrize('path', RECIPES)
def test_recipe_input_is_the_sources(path, image_files):
    cfg = _cfg(path)
    protocol = _protocol(cfg)
    assert _to_rgb(cfg), 'the preprocessor must turn BGR into RGB'
    for split, steps in _pipelines(cfg):
        assert steps[0]['type'] == 'LoadImageFromFileWSOL'
        for name, file in image_files.items():
            # the decoded image is the sources' exactly (OpenCV's CMYK
            # conversion is one level off, which the resize may hide)
            want = np.asarray(Image.open(file).convert('RGB'))
            np.testing.assert_array_equal(
                _decoded(steps[0], file)[..., ::-1], want, err_msg=name)
            got = _packed(steps, file)
            want = _reference(protocol, split, file)
            assert got.dtype == torch.uint8
            got = got.flip(0)  # BGR -> RGB, as the data preprocessor does
            assert got.shape == want.shape, (split, name)
            diff = (got.int() - want.int()).abs().max().item()
            assert diff <= 1, (split, name, diff)


HEADER_LINES = {
    'benchmark':
    '# Input: PIL decode, no EXIF rotation; PIL bilinear 256 '
    '(train) / 224 (test).',
    'official':
    '# Input: PIL decode, no EXIF rotation; PIL bilinear short '
    'side 356, crop 321.',
}


@pytest.mark.parametrize('path', RECIPES)
def test_recipe_header_names_its_input(path):
    """One line, the last of the header comment, says what the recipe's
    pipeline does (checked above)."""
    with open(osp.join(REPO, path)) as f:
        lines = f.read().split('\n')
    header = lines[:next(i for i, s in enumerate(lines)
                         if not s.startswith('#'))]
    assert [s for s in lines if s.startswith('# Input:')] == [header[-1]]
    assert header[-1] == HEADER_LINES[_protocol(_cfg(path))]
