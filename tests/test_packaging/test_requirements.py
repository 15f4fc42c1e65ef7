"""The user install's requirements (the wheel's metadata): no contributor
tools, one OpenCV distribution (the one mmcv/mmengine need), torch pinned
to the installed release (issue 22: the install keeps the user's torch)."""
import importlib.metadata
import re
import zipfile

from packaging.requirements import Requirement

OPENCV = {
    'opencv-python', 'opencv-python-headless', 'opencv-contrib-python',
    'opencv-contrib-python-headless'
}
CONTRIBUTOR_TOOLS = {
    'pytest', 'openmim', 'flake8', 'isort', 'yapf', 'codespell', 'coverage'
}


def _requires(wheel):
    with zipfile.ZipFile(wheel) as z:
        (meta, ) = [
            n for n in z.namelist() if n.endswith('.dist-info/METADATA')
        ]
        text = z.read(meta).decode()
    return [
        Requirement(line.split(':', 1)[1].strip())
        for line in text.splitlines() if line.startswith('Requires-Dist:')
    ]


def _names(reqs, extras=()):
    """Names the install pulls with ``extras`` (markers evaluated)."""
    names = set()
    for req in reqs:
        env_ok = req.marker is None or any(
            req.marker.evaluate({'extra': e}) for e in ('', *extras))
        if env_ok:
            names.add(req.name.lower())
    return names


def test_user_install_has_no_contributor_tools(mmspg_wheel):
    reqs = _requires(mmspg_wheel[0])
    user = _names(reqs, extras=('lite', ))
    assert 'mmcv-lite' in user and 'mmpretrain' in user
    assert not user & CONTRIBUTOR_TOOLS, user & CONTRIBUTOR_TOOLS
    # the contributors' extra has them
    assert CONTRIBUTOR_TOOLS - {'coverage'} <= _names(reqs, ('tests', ))


def test_one_opencv_distribution(mmspg_wheel):
    reqs = _requires(mmspg_wheel[0])
    ours = _names(reqs, extras=('lite', )) & OPENCV
    # mmcv-lite and mmengine bring opencv-python; mmspg names none
    assert not ours, ours
    theirs = set()
    for dep in ('mmcv-lite', 'mmengine'):
        for line in importlib.metadata.requires(dep) or []:
            req = Requirement(line)
            if req.marker is None and req.name.lower() in OPENCV:
                theirs.add(req.name.lower())
    assert theirs == {'opencv-python'}


def test_torch_pinned_to_the_installed_release(mmspg_wheel):
    reqs = {r.name.lower(): r for r in _requires(mmspg_wheel[0])}
    installed = importlib.metadata.version('torch')
    public = re.sub(r'\+.*', '', installed)
    assert str(reqs['torch'].specifier) == f'=={public}'
    # any build of that release (a +cpu or +cuXXX label) satisfies it
    assert reqs['torch'].specifier.contains(installed, prereleases=True)
    assert str(reqs['torchvision'].specifier) == ''
