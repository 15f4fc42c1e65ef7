import os.path as osp
import shutil
import subprocess
import sys

import pytest
from packaging_testutils import REPO, copy_checkout


@pytest.fixture(scope='session')
def mmspg_wheel(tmp_path_factory):
    """A non-editable wheel built from a copy of the source tree (so the
    build writes nothing into the checkout), and a folder it is installed
    into with ``pip install --target`` (never the global site-packages).

    Returns:
        tuple[str, str]: (wheel path, install folder for PYTHONPATH).
    """
    if shutil.which('git') is None or not osp.exists(osp.join(REPO, '.git')):
        pytest.skip('needs a git checkout of mmspg')
    root = tmp_path_factory.mktemp('mmspg_build')
    src = root / 'src'
    copy_checkout(str(src))
    wheels = root / 'wheels'
    subprocess.run([
        sys.executable, '-m', 'pip', 'wheel',
        str(src), '--no-deps', '--no-build-isolation', '-q', '-w',
        str(wheels)
    ],
                   check=True)
    (wheel, ) = list(wheels.glob('mmspg-*.whl'))
    site = root / 'site'
    subprocess.run([
        sys.executable, '-m', 'pip', 'install', '--no-deps', '-q', '--target',
        str(site),
        str(wheel)
    ],
                   check=True)
    return str(wheel), str(site)
