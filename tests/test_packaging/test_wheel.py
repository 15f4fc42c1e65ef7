"""Packaging the mim way: a non-editable wheel ships configs, tools and
model-index.yml under mmspg/.mim, and model-index.yml lists every
metafile."""
import glob
import os.path as osp
import zipfile

import yaml
from packaging_testutils import REPO


def test_model_index_lists_every_metafile():
    with open(osp.join(REPO, 'model-index.yml')) as f:
        index = yaml.safe_load(f)
    metafiles = sorted(
        osp.relpath(p, REPO)
        for p in glob.glob(osp.join(REPO, 'configs', '*', 'metafile.yml')))
    assert metafiles
    assert sorted(index['Import']) == metafiles


def test_metafiles_name_existing_configs():
    for meta in glob.glob(osp.join(REPO, 'configs', '*', 'metafile.yml')):
        with open(meta) as f:
            models = yaml.safe_load(f)['Models']
        for model in models:
            assert osp.isfile(osp.join(REPO, model['Config'])), model['Name']


def test_wheel_ships_configs_tools_and_model_index(mmspg_wheel):
    wheel, _ = mmspg_wheel
    names = set(zipfile.ZipFile(wheel).namelist())
    assert 'mmspg/.mim/model-index.yml' in names
    for pattern in ('configs/**/*.py', 'configs/**/*.yml', 'tools/*.py',
                    'tools/**/*.py', 'tools/*.sh'):
        for path in glob.glob(osp.join(REPO, pattern), recursive=True):
            rel = osp.relpath(path, REPO)
            assert f'mmspg/.mim/{rel}' in names, rel
    # the package itself, its compiled core and no tests
    assert 'mmspg/registry.py' in names
    assert not any(n.startswith('tests/') for n in names)
    # nor the developers' benchmarks and stress tools (.dev_scripts/)
    dev = glob.glob(osp.join(REPO, '.dev_scripts', '*.py'))
    assert dev
    shipped = {osp.basename(n) for n in names}
    for path in dev:
        assert osp.basename(path) not in shipped, path


def test_installed_wheel_has_no_links_into_the_checkout(mmspg_wheel):
    _, site = mmspg_wheel
    mim = osp.join(site, 'mmspg', '.mim')
    for sub in ('configs', 'tools', 'model-index.yml'):
        assert not osp.islink(osp.join(mim, sub))
    assert osp.isfile(osp.join(mim, 'configs', 'demo', 'spg_demo.py'))
