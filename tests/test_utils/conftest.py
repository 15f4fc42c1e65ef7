"""Fixtures of the mmspg.utils tests (the toy data and the ``mmspg_toy_data``
helpers come from tests/conftest.py)."""
import pytest


@pytest.fixture(autouse=True)
def _single_thread(one_thread):
    """Every test here runs with one torch thread (tests/conftest.py)."""
