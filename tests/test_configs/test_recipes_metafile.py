"""configs/spg/metafile.yml lists every SPG recipe in mmpretrain's metafile
format, and marks paper numbers as such. Short names (a config that only
inherits one recipe, spg_inception_cub.py) are entry points, not recipes:
the metafiles list the recipe they name, so ``mim search`` shows each model
once."""
import glob
import os.path as osp

import yaml
from configs_testutils import REPO, short_names


def test_metafile_lists_every_recipe():
    with open(osp.join(REPO, 'configs/spg/metafile.yml')) as f:
        meta = yaml.safe_load(f)
    (collection, ) = meta['Collections']
    assert collection['Name'] == 'SPG'
    assert osp.isfile(osp.join(REPO, collection['README']))
    names = set()
    for model in meta['Models']:
        assert model['In Collection'] == 'SPG'
        assert osp.isfile(osp.join(REPO, model['Config'])), model['Config']
        assert osp.basename(model['Config']) == model['Name'] + '.py'
        assert 'Training Data' in model['Metadata']
        assert 'Weights' in model and model['Weights'] is None
        for result in model['Results'] or []:
            for key in result['Metrics']:
                # nothing is reproduced yet: every number is the paper's
                assert key.endswith('(paper)'), key
        names.add(model['Name'])
    shipped = {
        osp.splitext(osp.basename(p))[0]
        for p in glob.glob(osp.join(REPO, 'configs/spg/*.py'))
    }
    short = short_names(osp.join(REPO, 'configs/spg'))
    assert short == {
        'spg_inception_cub': 'spg_inception-v3_2xb10_cub-321px',
        'spg_inception_imagenet': 'spg_inception-v3_2xb10_in1k-321px',
    }
    assert set(short.values()) <= names
    assert names == shipped - set(short)


def test_every_metafile_names_its_collections_and_recipes():
    """Every method folder's metafile: each model is in a collection the
    file declares (mim search fails on an unknown one), its config exists
    and is named after it, and every recipe of the folder is listed."""
    paths = sorted(glob.glob(osp.join(REPO, 'configs', '*', 'metafile.yml')))
    assert len(paths) >= 6
    for path in paths:
        with open(path) as f:
            meta = yaml.safe_load(f)
        collections = {c['Name'] for c in meta['Collections']}
        folder = osp.dirname(path)
        listed = set()
        for model in meta['Models']:
            assert model['In Collection'] in collections, (path, model)
            assert osp.isfile(osp.join(REPO, model['Config']))
            assert osp.basename(model['Config']) == model['Name'] + '.py'
            listed.add(model['Name'])
        shipped = {
            osp.splitext(osp.basename(p))[0]
            for p in glob.glob(osp.join(folder, '*.py'))
        }
        assert listed == shipped - set(short_names(folder)), path
