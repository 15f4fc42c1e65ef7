"""Fixtures of the runner tests: the toy data and config of
tests/data/toy_configs (helpers importable as ``mmspg_toy_data``)."""
import importlib.util
import os.path as osp
import sys

import pytest
import torch

_TOY = osp.join(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))), 'data',
    'toy_configs', 'toy_data.py')
if 'mmspg_toy_data' not in sys.modules:
    _spec = importlib.util.spec_from_file_location('mmspg_toy_data', _TOY)
    sys.modules['mmspg_toy_data'] = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(sys.modules['mmspg_toy_data'])
toy = sys.modules['mmspg_toy_data']


@pytest.fixture(autouse=True)
def one_thread():
    """The machine's cores are shared; one intra-op thread is also much
    faster for this tiny model."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope='session')
def toy_root(tmp_path_factory):
    return toy.make_toy_data(tmp_path_factory.mktemp('toy_data'))


@pytest.fixture
def toy_cfg(toy_root):
    """A fresh Config of the toy model pointed at the toy data."""
    return toy.load_toy_cfg(toy_root)
