"""mmspg's child registries: default_scope='mmspg', 'mmspg.' prefixes,
mmpretrain types from the mmspg scope, mmspg types from mmpretrain configs
(prefix or ``_scope_``, mmengine's own mechanism; mmspg switches no scope),
and a light ``import mmspg``."""
import subprocess
import sys

import pytest
from mmengine.registry import DATASETS as ROOT_DATASETS
from mmengine.registry import MODELS as ROOT_MODELS
from mmengine.registry import RUNNERS as ROOT_RUNNERS
from mmengine.registry import DefaultScope, Registry, init_default_scope
from mmpretrain import registry as mmpretrain_registry

from mmspg import registry

HEAD = dict(
    num_classes=3,
    in_channels=(4, 4, 4),
    mid_channels=4,
    guidance_channels=4,
    mask_size=8)


def test_children_of_mmpretrain_with_scope_and_locations():
    assert registry.MODELS.scope == 'mmspg'
    assert registry.MODELS.parent is mmpretrain_registry.MODELS
    assert mmpretrain_registry.MODELS.children['mmspg'] is registry.MODELS
    assert registry.DATASETS.parent is mmpretrain_registry.DATASETS
    # plain mmengine registries, one per kind, as mmpretrain's
    for name in registry.__all__:
        reg = getattr(registry, name)
        if isinstance(reg, Registry):
            assert type(reg) is Registry, name
            assert reg.scope == 'mmspg' and reg.parent.scope == 'mmpretrain'


@pytest.mark.parametrize('type_', ['SPGHead', 'mmspg.SPGHead'])
def test_default_scope_mmspg_resolves_mmspg_types(type_):
    init_default_scope('mmspg')
    head = ROOT_MODELS.build(dict(HEAD, type=type_))
    assert type(head).__name__ == 'SPGHead'


@pytest.mark.parametrize('type_', ['ResNet', 'mmpretrain.ResNet'])
def test_default_scope_mmspg_resolves_mmpretrain_types(type_):
    init_default_scope('mmspg')
    net = ROOT_MODELS.build(
        dict(type=type_, depth=18, base_channels=4, stem_channels=4))
    assert type(net).__module__.startswith('mmpretrain.')


def test_mmpretrain_scope_needs_the_prefix():
    init_default_scope('mmpretrain')
    with pytest.raises(KeyError, match='SPGLoss'):
        ROOT_MODELS.build(dict(type='SPGLoss'))
    loss = ROOT_MODELS.build(dict(type='mmspg.SPGLoss'))
    assert type(loss).__name__ == 'SPGLoss'
    # a component that builds mmspg children (SPGHead: its seed generators
    # and SPGLoss) takes _scope_: the whole subtree is built in mmspg's scope
    head = ROOT_MODELS.build(dict(HEAD, type='SPGHead', _scope_='mmspg'))
    assert type(head).__name__ == 'SPGHead'
    assert type(head.loss_guidance).__name__ == 'SPGLoss'
    # the prefix alone suffices for mmspg's own defaults (SPGHead's seed
    # generators and SPGLoss are built under their prefixed names)
    head = ROOT_MODELS.build(dict(HEAD, type='mmspg.SPGHead'))
    assert type(head.loss_guidance).__name__ == 'SPGLoss'
    assert type(head.seed_b2).__name__ == 'SeedMaskGenerator'
    assert DefaultScope.get_current_instance().scope_name == 'mmpretrain'


def test_mmspg_classifier_in_mmpretrain_scope_with_scope_key():
    """An mmspg model in a default_scope='mmpretrain' config: ``_scope_``
    on its dict builds the subtree (the head, the head's SPGLoss) in mmspg's
    scope, and the caller's scope is left as it was."""
    init_default_scope('mmpretrain')
    model_cfg = dict(
        type='WSOLClassifier',
        _scope_='mmspg',
        backbone=dict(
            type='ResNet',
            depth=18,
            base_channels=4,
            stem_channels=4,
            out_indices=(1, 2, 3)),
        head=dict(HEAD, type='SPGHead', in_channels=(8, 16, 32)))
    model = ROOT_MODELS.build(model_cfg)
    assert type(model.head.loss_guidance).__name__ == 'SPGLoss'
    assert DefaultScope.get_current_instance().scope_name == 'mmpretrain'
    # without it, mmspg switches no scope: an unprefixed child is not found,
    # a prefixed one is
    model_cfg.pop('_scope_')
    model_cfg['type'] = 'mmspg.WSOLClassifier'
    with pytest.raises(KeyError, match='SPGHead'):
        ROOT_MODELS.build(model_cfg)
    model_cfg['head']['type'] = 'mmspg.SPGHead'
    model = ROOT_MODELS.build(model_cfg)
    assert type(model.head.loss_guidance).__name__ == 'SPGLoss'


def test_mmspg_types_from_mmengine_root_registries():
    init_default_scope('mmpretrain')
    dataset_cls = ROOT_DATASETS.get('mmspg.CUBWSOLDataset')
    assert dataset_cls.__name__ == 'CUBWSOLDataset'


def test_last_release_runner_type_without_any_default_scope():
    """Configs of the last release set runner_type='mmspg.WSOLRunner', which
    mmpretrain's tools/train.py builds through mmengine's root registry
    before any scope exists: the deprecated name still resolves."""
    assert ROOT_RUNNERS.get('mmspg.WSOLRunner').__name__ == 'WSOLRunner'


def test_register_all_modules_as_mmpretrain():
    """mmengine calls <scope>.utils.register_all_modules(False) before it
    builds in that scope; mmspg's imports mmpretrain's modules (the parents,
    which mmengine's look-up does not import) and sets the scope when
    asked."""
    code = ('from mmengine.registry import DefaultScope\n'
            'from mmpretrain.registry import MODELS\n'
            'from mmspg.utils import register_all_modules\n'
            'assert "ResNet" not in MODELS.module_dict\n'
            'register_all_modules()\n'
            'assert "ResNet" in MODELS.module_dict\n'
            'assert DefaultScope.get_current_instance().scope_name == '
            '"mmspg"\n')
    subprocess.run([sys.executable, '-c', code], check=True)


def test_import_mmspg_is_light():
    code = (
        'import sys, mmspg, mmspg.evaluation.functional\n'
        'heavy = [m for m in ("torch", "mmengine", "mmpretrain", "mmcv")'
        ' if m in sys.modules]\n'
        'assert not heavy, heavy\n'
        # lazy subpackages still resolve
        'assert mmspg.models.SPGHead.__name__ == "SPGHead"\n'
        'from mmspg.evaluation import WSOLMetric, PxAPMetric\n')
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
