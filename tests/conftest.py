"""Fixtures shared by several test folders: the toy data and config of
tests/data/toy_configs (importable as ``mmspg_toy_data`` once this conftest
has run) and a one-thread torch setting for the tiny models."""
import importlib.util
import os.path as osp
import sys

import pytest
import torch

_TOY = osp.join(
    osp.dirname(osp.abspath(__file__)), 'data', 'toy_configs', 'toy_data.py')
if 'mmspg_toy_data' not in sys.modules:
    _spec = importlib.util.spec_from_file_location('mmspg_toy_data', _TOY)
    sys.modules['mmspg_toy_data'] = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(sys.modules['mmspg_toy_data'])
toy = sys.modules['mmspg_toy_data']


@pytest.fixture(autouse=True)
def _mmspg_default_scope():
    """Each test starts in mmspg's scope, as mmpretrain's tests start in
    theirs (``register_all_modules()``): mmengine's default scope is global
    and the one a runner or an earlier test left would otherwise decide
    where ``mmspg.registry.MODELS.build`` looks (mmspg switches no scope)."""
    from mmengine.registry import init_default_scope
    init_default_scope('mmspg')


@pytest.fixture
def one_thread():
    """One intra-op thread: the machine's cores are shared, and one thread is
    also much faster for the tiny toy models. Folders opt in with an autouse
    fixture that requests it."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope='session')
def toy_root(tmp_path_factory):
    return toy.make_toy_data(tmp_path_factory.mktemp('toy_data'))
