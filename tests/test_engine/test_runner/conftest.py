"""Fixtures of the runner tests: a fresh toy Config (the toy data and the
``mmspg_toy_data`` helpers come from tests/conftest.py)."""
import mmspg_toy_data as toy  # registered by tests/conftest.py
import pytest


@pytest.fixture(autouse=True)
def _single_thread(one_thread):
    """Every runner test runs with one torch thread (tests/conftest.py)."""


@pytest.fixture
def toy_cfg(toy_root):
    """A fresh Config of the toy model pointed at the toy data."""
    return toy.load_toy_cfg(toy_root)
