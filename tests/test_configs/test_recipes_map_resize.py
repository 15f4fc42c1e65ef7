"""Every recipe resizes its test maps as its protocol's source does
(docs/interfaces.md, "Score-map resize"): the official-code protocol (the
recipes on the official SPG Inception-v3, ``*_2xb10_*-321px.py``) as
xiaomengyc/SPG (``'bilinear'``), every other recipe as the WSOL benchmark
whose metrics it reports (``'bicubic'``)."""
import glob
import os.path as osp

import pytest
from mmengine.config import Config

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
RECIPES = sorted(
    osp.relpath(p, REPO)
    for p in glob.glob(osp.join(REPO, 'configs', '*', '*.py'))
    if '_base_' not in p)


def _loc_resize(model: dict) -> str:
    """The resize a built model would use (the heads' and the classifier's
    default is 'bicubic')."""
    head = model.get('head', {})
    if 'loc_resize' in head:
        return head['loc_resize']
    return model.get('loc_resize', 'bicubic')


def test_recipes_are_found():
    assert len(RECIPES) > 40


@pytest.mark.parametrize('path', RECIPES)
def test_recipe_map_resize_is_its_protocol(path):
    cfg = Config.fromfile(osp.join(REPO, path))
    official = cfg.model.backbone.get('variant') == 'spg-official'
    if path.endswith('-321px.py'):
        assert official
    assert _loc_resize(cfg.model) == ('bilinear' if official else 'bicubic')
