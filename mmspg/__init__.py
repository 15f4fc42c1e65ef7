"""mmspg: Self-produced Guidance (SPG) for weakly supervised object
localization, as an OpenMMLab plugin.

``import mmspg`` is light (no torch, mmengine or mmpretrain): the
subpackages load on first use (``mmspg.models``, ``from mmspg.apis import
...``), and the components register into mmspg's child registries when a
config first names them (``locations`` in :mod:`mmspg.registry`), so
``default_scope='mmspg'`` or an ``'mmspg.'`` prefix is all a config needs;
``custom_imports=dict(imports=['mmspg'])`` still works and is harmless.
This is what lets ``tools/eval_scoremaps.py`` (numpy/OpenCV only) start in
a fraction of a second (docs/benchmarks.md).

In a process that has already imported torch, ``import mmspg`` also
allow-lists the globals that mmengine checkpoints need under
``torch.load(weights_only=True)`` (:mod:`mmspg.utils`, imported here);
elsewhere that happens when mmengine first builds in the ``'mmspg'`` scope
or mmspg's engine is first used.
"""
import importlib
import sys

from .version import __version__, version_info

_SUBPACKAGES = ('apis', 'datasets', 'engine', 'evaluation', 'models',
                'registry', 'utils', 'visualization')

__all__ = ['__version__', 'version_info', *_SUBPACKAGES]


def __getattr__(name: str):
    # PEP 562: ``mmspg.models`` etc. import on first access.
    if name in _SUBPACKAGES:
        return importlib.import_module(f'{__name__}.{name}')
    if not name.startswith('_'):
        # ``mmspg.SPGHead``: any registered component (see registry.lookup)
        obj = importlib.import_module(f'{__name__}.registry').lookup(name)
        if obj is not None:
            return obj
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')


if 'torch' in sys.modules:
    # torch is there already, so this costs only mmengine's runner; the
    # allow-list must be in place before any torch.load of a checkpoint.
    from . import utils  # noqa: F401,E402
