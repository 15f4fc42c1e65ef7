"""Issue 22: the README's install keeps an installed torch. Hermetic: pip
resolves the install (``--dry-run --report``) in a throw-away venv that
holds an older torch, against a local folder of stand-in torch /
torchvision wheels (each torchvision pins one torch, as the real ones do),
with no index and no pip configuration; mmspg's other requirements come
from this environment (``--system-site-packages``)."""
import json
import os
import os.path as osp
import shutil
import subprocess
import sys
import zipfile

import pytest
from packaging_testutils import REPO

# the stand-ins: an older and a newer pair
WHEELS = [('torch', '2.0.0', []), ('torch', '2.1.0', []),
          ('torchvision', '0.15.0', ['torch==2.0.0']),
          ('torchvision', '0.16.0', ['torch==2.1.0'])]


def _fake_wheel(folder, name, version, requires):
    dist = f'{name}-{version}.dist-info'
    files = {
        f'{dist}/METADATA':
        ''.join([
            'Metadata-Version: 2.1\n', f'Name: {name}\n',
            f'Version: {version}\n'
        ] + [f'Requires-Dist: {r}\n' for r in requires]),
        f'{dist}/WHEEL':
        'Wheel-Version: 1.0\nGenerator: mmspg-tests\n'
        'Root-Is-Purelib: true\nTag: py3-none-any\n',
    }
    files[f'{dist}/RECORD'] = ''.join(f'{p},,\n' for p in files) + \
        f'{dist}/RECORD,,\n'
    path = osp.join(folder, f'{name}-{version}-py3-none-any.whl')
    with zipfile.ZipFile(path, 'w') as z:
        for p, text in files.items():
            z.writestr(p, text)


@pytest.fixture(scope='module')
def old_torch_venv(tmp_path_factory):
    """(python of a venv with the stand-in torch 2.0.0, wheels folder,
    a copy of the source tree, environment for pip)."""
    if shutil.which('git') is None or not osp.exists(osp.join(REPO, '.git')):
        pytest.skip('needs a git checkout of mmspg')
    root = tmp_path_factory.mktemp('keeps_torch')
    wheels = root / 'wheels'
    wheels.mkdir()
    for name, version, requires in WHEELS:
        _fake_wheel(str(wheels), name, version, requires)
    src = root / 'src'  # the build writes egg-info: not into the checkout
    files = subprocess.run(
        ['git', 'ls-files', '-co', '--exclude-standard', '-z'],
        cwd=REPO,
        check=True,
        capture_output=True).stdout.decode().split('\0')
    for f in files:
        if f and osp.isfile(osp.join(REPO, f)):
            (src / f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(osp.join(REPO, f), src / f)
    # the system's pip and setuptools (no download), this environment's
    # packages, and a torch of its own that shadows this environment's
    subprocess.run([
        sys.executable, '-m', 'venv', '--system-site-packages',
        '--without-pip',
        str(root / 'venv')
    ],
                   check=True)
    python = str(root / 'venv' / 'bin' / 'python')
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith('PIP_') and k != 'PYTHONPATH'
    }
    env['PIP_CONFIG_FILE'] = os.devnull  # no index, constraints or links
    subprocess.run([
        python, '-m', 'pip', 'install', '-q', '--no-index', '--find-links',
        str(wheels), '--no-deps', 'torch==2.0.0'
    ],
                   check=True,
                   env=env)
    return python, str(wheels), str(src), env


def _resolve(old_torch_venv, tmp_path, **extra_env):
    """What ``pip install -e ".[lite]"`` would install there."""
    python, wheels, src, env = old_torch_venv
    report = tmp_path / 'report.json'
    proc = subprocess.run([
        python, '-m', 'pip', 'install', '--dry-run', '--report',
        str(report), '-q', '--no-index', '--find-links', wheels,
        '--no-build-isolation', '-e', f'{src}[lite]'
    ],
                          env=dict(env, **extra_env),
                          capture_output=True,
                          text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    installs = json.loads(report.read_text())['install']
    return {i['metadata']['name']: i['metadata']['version'] for i in installs}


def test_install_keeps_the_installed_torch(old_torch_venv, tmp_path):
    plan = _resolve(old_torch_venv, tmp_path)
    assert 'torch' not in plan, plan  # kept: 2.0.0
    assert plan['torchvision'] == '0.15.0'  # the one built for it
    assert 'mmspg' in plan


def test_without_the_pin_pip_replaces_torch(old_torch_venv, tmp_path):
    """What the pin prevents (and what happened before it): the newest
    torchvision, and the torch it pins in place of the installed one."""
    plan = _resolve(old_torch_venv, tmp_path, MMSPG_FREE_TORCH='1')
    assert plan.get('torch') == '2.1.0', plan
    assert plan['torchvision'] == '0.16.0'
