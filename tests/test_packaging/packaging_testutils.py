"""Helpers of the packaging tests (a module, not conftest: several test
folders have a conftest.py, so ``from conftest import`` is ambiguous)."""
import os
import os.path as osp
import shutil
import subprocess

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def installed_env(site):
    """Environment whose ``mmspg`` is the one in ``site``, not the repo."""
    env = dict(os.environ, PYTHONPATH=site)
    env.pop('PYTHONHOME', None)
    return env


def source_files():
    """Tracked and untracked-but-not-ignored files: a fresh checkout."""
    out = subprocess.run(
        ['git', 'ls-files', '-co', '--exclude-standard', '-z'],
        cwd=REPO,
        check=True,
        capture_output=True).stdout
    return [
        f for f in out.decode().split('\0')
        if f and osp.isfile(osp.join(REPO, f))
    ]


def copy_checkout(dst):
    """Copy the files of a fresh checkout (:func:`source_files`) to
    ``dst``, so that a build writes nothing into the repository."""
    for f in source_files():
        target = osp.join(dst, f)
        os.makedirs(osp.dirname(target), exist_ok=True)
        shutil.copy2(osp.join(REPO, f), target)
