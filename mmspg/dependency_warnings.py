"""Silence two import-time warnings of mmspg's dependencies that no mmspg
user can act on; imported first by mmspg's command-line tools
(``import mmspg.dependency_warnings``), before mmengine, mmcv or mmpretrain.

Only these two messages are filtered, each once here, nothing else:

- ``pkg_resources is deprecated as an API``: setuptools (80.9 and later)
  warns when mmengine 0.10.7 imports ``pkg_resources``
  (``mmengine/utils/package_utils.py``, and again at each of its
  ``importlib.reload(pkg_resources)``). mmspg's requirements keep
  setuptools below 81 so that the import keeps working; the change is
  mmengine's to make.
- ``Fail to import MultiScaleDeformableAttention``: mmcv-lite has no
  compiled ops, so ``mmcv/cnn/bricks/transformer.py`` warns when mmpretrain
  imports it. mmspg and mmpretrain's classifiers never use that module; a
  config that does (detection transformers) fails with its own error when
  the module is built.

The fix of the third repeated warning is at its source: ``tools/train.py``
and ``tools/test.py`` pin loader memory only where an accelerator exists.
Importing this module does not import torch, mmengine or mmcv.
"""
import warnings

#: (message regex, category) of each filtered warning (see the docstring).
FILTERED = (
    (r'pkg_resources is deprecated as an API', UserWarning),
    (r'Fail to import ``MultiScaleDeformableAttention``', UserWarning),
)

for _message, _category in FILTERED:
    warnings.filterwarnings('ignore', message=_message, category=_category)
