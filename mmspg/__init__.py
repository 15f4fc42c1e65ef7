"""mmspg: Self-produced Guidance (SPG) for weakly supervised object
localization, as an OpenMMLab plugin.

Importing ``mmspg`` registers every component into mmpretrain's registries
(see :mod:`mmspg.registry`) and allow-lists the globals that mmengine
checkpoints need under ``torch.load(weights_only=True)``.
"""
from .version import __version__, version_info

from . import engine  # noqa: F401,E402  (first: checkpoint safety on import)
from . import apis, datasets, evaluation, models, visualization  # noqa: F401,E402,E501

__all__ = ['__version__', 'version_info']
