"""Install mmspg.

Packaging the mim way (as mmpretrain's setup.py): ``add_mim_extension``
puts ``configs/``, ``tools/`` and ``model-index.yml`` under
``mmspg/.mim/`` (copies for a wheel or sdist, links for an editable
install), and ``MANIFEST.in`` ships them, so that ``mim train mmspg
spg_demo.py``, ``mim test`` and ``mim search mmspg`` find them in a
non-editable install.

``mmcv`` is not in ``install_requires``, following OpenMMLab: the full mmcv
(with CUDA ops) and mmcv-lite provide the same ``mmcv`` package and must not
be installed together. ``pip install .[lite]`` adds mmcv-lite (enough for
mmspg; the README's user install); ``mim install .`` or ``pip install
.[mim]`` picks full mmcv. The ``tests`` extra is the contributors' (pytest,
openmim for the mim tests, the lint tools): ``pip install -e
.[lite,tests]``, as ``.ci/run``. torch is pinned to an installed release
(``torch_requirements``).
"""
import os
import os.path as osp
import re
import shutil
import subprocess
import sys
import warnings

from setuptools import Extension, find_packages, setup
from setuptools.command.build_ext import build_ext

try:  # PEP 660 editable installs (setuptools >= 64)
    from setuptools.command.editable_wheel import editable_wheel
except ImportError:  # older: `develop`, which leaves the egg-info itself
    editable_wheel = None

HERE = osp.dirname(osp.abspath(__file__))


def readme():
    with open(osp.join(HERE, 'README.md'), encoding='utf-8') as f:
        return f.read()


def get_version():
    with open(osp.join(HERE, 'mmspg', 'version.py'), encoding='utf-8') as f:
        return re.search(r"__version__ = '([^']+)'", f.read()).group(1)


def parse_requirements(fname):
    """Read requirement lines, skipping comments and blank lines."""
    path = osp.join(HERE, 'requirements', fname)
    with open(path, encoding='utf-8') as f:
        return [
            line.split('#')[0].strip() for line in f
            if line.split('#')[0].strip()
        ]


def installed_torch_version():
    """The torch release installed where mmspg is being installed, or None.

    pip builds mmspg in an isolated environment (PEP 517) whose ``sys.path``
    hides the target's site-packages, but runs the target's interpreter:
    ask that interpreter without the variables pip isolates it with.
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ('PYTHONPATH', 'PYTHONNOUSERSITE', 'PYTHONHOME')
    }
    code = ('import importlib.metadata as m\n'
            'try:\n    print(m.version("torch"))\n'
            'except m.PackageNotFoundError:\n    pass\n')
    try:
        out = subprocess.run([sys.executable, '-c', code],
                             env=env,
                             capture_output=True,
                             text=True,
                             timeout=60).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return out or None


def torch_requirements(requirements, installed=None):
    """Pin torch to the installed release, if any (issue 22: an install must
    not replace the user's torch, e.g. a cluster's CUDA build or the CPU
    build of the README).

    ``torchvision`` pins one torch release each; left free, pip takes the
    newest torchvision and replaces torch by the release it pins. With
    ``torch==<installed>`` pip keeps torch and picks the torchvision built
    for it. The local label (``+cpu``, ``+cu121``) is dropped so that any
    build of that release satisfies the pin. Without an installed torch
    (a fresh machine) the requirements stay as written.
    ``MMSPG_FREE_TORCH=1`` keeps them as written (building a wheel to
    share).

    Args:
        requirements (list[str]): Lines of ``requirements/runtime.txt``.
        installed (str | None): The installed torch version (e.g.
            ``'2.13.0+cpu'``); None: none installed.

    Returns:
        list[str]: ``requirements`` with the torch line pinned.
    """
    if installed is None or os.environ.get('MMSPG_FREE_TORCH') == '1':
        return requirements
    public = installed.split('+')[0]
    return [
        f'torch=={public}' if re.match(r'torch\s*([<>=!~]|$)', r) else r
        for r in requirements
    ]


MIM_FILES = ('tools', 'configs', 'model-index.yml')


def add_mim_extension():
    """Put the files mim needs into ``mmspg/.mim``.

    Copies for ``bdist_wheel`` / ``sdist`` (a wheel built by ``pip wheel``
    or ``pip install .`` runs ``bdist_wheel``), relative symbolic links for
    editable installs (``develop``; ``editable_wheel`` is the PEP 660 path
    of current pip). Other commands (``build_ext --inplace``, ``egg_info``)
    leave ``mmspg/.mim`` as it is. Follows mmpretrain's ``setup.py``.
    """
    if 'develop' in sys.argv or 'editable_wheel' in sys.argv:
        mode = 'symlink'
    elif 'sdist' in sys.argv or 'bdist_wheel' in sys.argv:
        mode = 'copy'
    else:
        return
    mim_path = osp.join(HERE, 'mmspg', '.mim')
    os.makedirs(mim_path, exist_ok=True)
    for filename in MIM_FILES:
        src_path = osp.join(HERE, filename)
        tar_path = osp.join(mim_path, filename)
        if not osp.exists(src_path):
            continue
        if osp.isfile(tar_path) or osp.islink(tar_path):
            os.remove(tar_path)
        elif osp.isdir(tar_path):
            shutil.rmtree(tar_path)
        if mode == 'symlink':
            try:
                os.symlink(osp.relpath(src_path, mim_path), tar_path)
                continue
            except OSError:  # e.g. Windows without the privilege
                warnings.warn(f'Cannot link {tar_path}; copying instead')
        if osp.isdir(src_path):
            shutil.copytree(
                src_path,
                tar_path,
                ignore=shutil.ignore_patterns('__pycache__', '*.pyc'))
        else:
            shutil.copyfile(src_path, tar_path)


class BuildExtWithOptionalOpenMP(build_ext):
    """Build the extension with OpenMP, or without it if that fails.

    With OpenMP, ``WSOLEvaluator`` spreads a batch over the OpenMP threads
    that torch already runs; without it (a compiler without OpenMP) the
    extension still builds and runs one image at a time per Python thread.
    """

    def build_extension(self, ext):
        flags = (ext.extra_compile_args, ext.extra_link_args)
        try:
            super().build_extension(ext)
        except Exception:  # noqa: B902 (CompileError, LinkError)
            ext.extra_compile_args = [a for a in flags[0] if a != '-fopenmp']
            ext.extra_link_args = [a for a in flags[1] if a != '-fopenmp']
            if (ext.extra_compile_args, ext.extra_link_args) == flags:
                raise
            super().build_extension(ext)


class EditableWheelWithEggInfo(editable_wheel or object):
    """A PEP 660 editable install that also leaves ``mmspg.egg-info`` in
    the checkout, so that ``PYTHONPATH=<checkout> mim ...`` works.

    Why: mim 0.3.9 finds a package's ``.mim`` folder at pkg_resources'
    location of its metadata (``mim.utils.get_installed_path``), which for
    an editable install is site-packages, where no ``mmspg/`` exists
    (open-mmlab/mim#114). With the checkout first on PYTHONPATH,
    pkg_resources meets the checkout's egg-info first and mim uses the
    checkout's ``mmspg/.mim`` links. pip's isolated build writes that
    egg-info anyway (while asking for the build requirements); a
    ``--no-build-isolation`` build does not, hence this step (ours).
    """

    def run(self):
        egg_info = self.reinitialize_command('egg_info')
        egg_info.egg_base = HERE
        self.run_command('egg_info')
        super().run()


add_mim_extension()
setup(
    name='mmspg',
    version=get_version(),
    description='Self-produced Guidance (SPG) for weakly supervised object '
    'localization, an OpenMMLab (mmengine/mmpretrain) plugin',
    long_description=readme(),
    long_description_content_type='text/markdown',
    keywords='weakly supervised object localization, SPG, CAM, OpenMMLab',
    packages=find_packages(exclude=('configs', 'tools', 'tests', 'docs')),
    include_package_data=True,
    python_requires='>=3.8',
    license='Apache License 2.0',
    install_requires=torch_requirements(
        parse_requirements('runtime.txt'), installed_torch_version()),
    extras_require={
        'lite': parse_requirements('lite.txt'),
        'mim': parse_requirements('mminstall.txt'),
        'tests': parse_requirements('tests.txt'),
    },
    # The exact WSOL box evaluation's compiled core (plain C, CPython API
    # only). optional: without a C compiler the install still succeeds and
    # mmspg falls back to the (slower, same numbers) OpenCV path.
    ext_modules=[
        Extension(
            'mmspg.evaluation.functional._wsol_box_ext',
            sources=[
                f'mmspg/evaluation/functional/csrc/{name}.c'
                for name in ('wsol_box_ext', 'wsol_box_levels', 'wsol_resize')
            ],
            depends=[
                f'mmspg/evaluation/functional/csrc/{name}.h'
                for name in ('wsol_box_ext', 'wsol_box_sweeps')
            ],
            extra_compile_args=['-O3', '-fopenmp'],
            extra_link_args=['-fopenmp'],
            optional=True)
    ],
    cmdclass=dict(
        build_ext=BuildExtWithOptionalOpenMP,
        **({} if editable_wheel is None else dict(
            editable_wheel=EditableWheelWithEggInfo))),
    zip_safe=False)
