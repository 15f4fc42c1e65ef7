"""mmspg's child registries: default_scope='mmspg', 'mmspg.' prefixes,
mmpretrain types from the mmspg scope, mmspg types from mmpretrain configs,
and a light ``import mmspg``."""
import subprocess
import sys

import pytest
from mmengine.registry import DATASETS as ROOT_DATASETS
from mmengine.registry import MODELS as ROOT_MODELS
from mmengine.registry import RUNNERS as ROOT_RUNNERS
from mmengine.registry import DefaultScope, init_default_scope
from mmpretrain import registry as mmpretrain_registry

from mmspg import registry

HEAD = dict(
    num_classes=3, in_channels=(4, 4, 4), mid_channels=4,
    guidance_channels=4, mask_size=8)


def test_children_of_mmpretrain_with_scope_and_locations():
    assert registry.MODELS.scope == 'mmspg'
    assert registry.MODELS.parent is mmpretrain_registry.MODELS
    assert mmpretrain_registry.MODELS.children['mmspg'] is registry.MODELS
    assert registry.DATASETS.parent is mmpretrain_registry.DATASETS
    # runners: straight under mmengine's root (see mmspg/registry.py)
    assert registry.RUNNERS.parent is ROOT_RUNNERS


@pytest.mark.parametrize('type_', ['SPGHead', 'mmspg.SPGHead'])
def test_default_scope_mmspg_resolves_mmspg_types(type_):
    init_default_scope('mmspg')
    head = ROOT_MODELS.build(dict(HEAD, type=type_))
    assert type(head).__name__ == 'SPGHead'


@pytest.mark.parametrize('type_', ['ResNet', 'mmpretrain.ResNet'])
def test_default_scope_mmspg_resolves_mmpretrain_types(type_):
    init_default_scope('mmspg')
    net = ROOT_MODELS.build(dict(type=type_, depth=18, base_channels=4,
                                 stem_channels=4))
    assert type(net).__module__.startswith('mmpretrain.')


def test_mmpretrain_scope_needs_the_prefix():
    init_default_scope('mmpretrain')
    with pytest.raises(KeyError, match='SPGHead'):
        ROOT_MODELS.build(dict(HEAD, type='SPGHead'))
    head = ROOT_MODELS.build(dict(HEAD, type='mmspg.SPGHead'))
    assert type(head).__name__ == 'SPGHead'
    # or _scope_ on the dict: the whole subtree is built in mmspg's scope
    head = ROOT_MODELS.build(dict(HEAD, type='SPGHead', _scope_='mmspg'))
    assert type(head).__name__ == 'SPGHead'


def test_mmspg_classifier_in_mmpretrain_scope_takes_unprefixed_children():
    """'mmspg.WSOLClassifier' in a default_scope='mmpretrain' config builds
    its head and the head's losses in the mmspg scope."""
    init_default_scope('mmpretrain')
    model = ROOT_MODELS.build(
        dict(
            type='mmspg.WSOLClassifier',
            backbone=dict(type='ResNet', depth=18, base_channels=4,
                          stem_channels=4, out_indices=(1, 2, 3)),
            head=dict(HEAD, type='SPGHead', in_channels=(8, 16, 32))))
    assert type(model.head.loss_guidance).__name__ == 'SPGLoss'
    assert DefaultScope.get_current_instance().scope_name == 'mmpretrain'


def test_building_through_mmspg_registry_from_mmpretrain_scope():
    init_default_scope('mmpretrain')
    # the head builds SPGLoss / seed generators with mmspg's MODELS
    head = registry.MODELS.build(dict(HEAD, type='SPGHead'))
    assert type(head.loss_guidance).__name__ == 'SPGLoss'
    dataset_cls = ROOT_DATASETS.get('mmspg.CUBWSOLDataset')
    assert dataset_cls.__name__ == 'CUBWSOLDataset'


def test_scoped_runner_type_without_any_default_scope():
    """mmpretrain's tools/train.py builds `runner_type` through mmengine's
    root registry before any scope exists (was: KeyError 'WSOLRunner is not
    in the runner registry')."""
    assert ROOT_RUNNERS.get('mmspg.WSOLRunner').__name__ == 'WSOLRunner'


def test_import_mmspg_is_light():
    code = ('import sys, mmspg, mmspg.evaluation.functional\n'
            'heavy = [m for m in ("torch", "mmengine", "mmpretrain", "mmcv")'
            ' if m in sys.modules]\n'
            'assert not heavy, heavy\n'
            # lazy subpackages still resolve
            'assert mmspg.models.SPGHead.__name__ == "SPGHead"\n'
            'from mmspg.evaluation import WSOLEvaluator\n')
    subprocess.run([sys.executable, '-c', code], check=True)


def test_custom_imports_still_work(tmp_path):
    """Old-style configs (custom_imports=['mmspg'] + default_scope='mmspg')
    still load and resolve."""
    from mmengine.config import Config
    path = tmp_path / 'c.py'
    path.write_text("custom_imports = dict(imports=['mmspg'], "
                    "allow_failed_imports=False)\n"
                    "default_scope = 'mmspg'\n")
    cfg = Config.fromfile(str(path))
    init_default_scope(cfg.default_scope)
    assert ROOT_MODELS.build(dict(HEAD, type='SPGHead'))
