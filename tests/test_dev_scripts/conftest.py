"""Fixtures of the tests of ``.dev_scripts/`` (the developers' benchmarks
and stress tools, kept out of the wheel): run a script from the repository
root with one thread per process."""
import os
import os.path as osp
import subprocess
import sys

import pytest

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def run_script(name, *args, timeout=300):
    """Run ``.dev_scripts/<name>.py ARGS`` from the repository root, with
    this checkout first on ``PYTHONPATH`` (the scripts import ``mmspg``).

    Returns:
        subprocess.CompletedProcess: stdout and stderr merged in ``stdout``.
    """
    env = dict(os.environ, OMP_NUM_THREADS='1')
    env['PYTHONPATH'] = os.pathsep.join(
        p for p in (REPO, os.environ.get('PYTHONPATH')) if p)
    return subprocess.run(
        [sys.executable,
         osp.join('.dev_scripts', f'{name}.py'), *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout)


@pytest.fixture
def dev_script():
    """``run_script`` as a fixture (conftest modules are not importable by
    name: several test folders have one)."""
    return run_script
