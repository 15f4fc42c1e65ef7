"""mmspg.dependency_warnings filters exactly its two dependency warnings:
other warnings, even with similar text, still show."""
import subprocess
import sys

SCRIPT = r'''
import sys, warnings
import mmspg.dependency_warnings
# light: it must run before the tools import mmengine / torch
assert 'torch' not in sys.modules and 'mmengine' not in sys.modules
warnings.warn('pkg_resources is deprecated as an API. See ...')
warnings.warn('Fail to import ``MultiScaleDeformableAttention`` from x')
warnings.warn('pkg_resources is slow')
warnings.warn('Fail to import ``MultiScaleDeformableAttention`` (dep)',
              DeprecationWarning)
warnings.warn('a real warning')
'''


def test_filters_only_the_two_messages():
    err = subprocess.run([sys.executable, '-c', SCRIPT],
                         capture_output=True,
                         text=True,
                         check=True).stderr
    for shown in ('pkg_resources is slow', 'a real warning',
                  'MultiScaleDeformableAttention`` (dep)'):
        assert shown in err, shown
    assert 'pkg_resources is deprecated' not in err
    assert 'MultiScaleDeformableAttention`` from x' not in err
