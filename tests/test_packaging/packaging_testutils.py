"""Helpers of the packaging tests (a module, not conftest: several test
folders have a conftest.py, so ``from conftest import`` is ambiguous)."""
import os
import os.path as osp

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def installed_env(site):
    """Environment whose ``mmspg`` is the one in ``site``, not the repo."""
    env = dict(os.environ, PYTHONPATH=site)
    env.pop('PYTHONHOME', None)
    return env
