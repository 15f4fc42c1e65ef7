"""``register_all_modules``: the OpenMMLab entry that fills the registries.

mmengine calls ``<default_scope>.utils.register_all_modules(False)`` before it
builds anything in that scope (``Registry.switch_scope_and_registry``), as
for mmpretrain. mmspg's own registries import their modules lazily
(``locations`` in :mod:`mmspg.registry`), but mmengine's look-up walks the
parent registries without importing theirs, so this imports mmpretrain's
modules too: ``type='ResNet'`` under ``default_scope='mmspg'`` then resolves
in any process.
"""
import datetime
import warnings

from mmengine.registry import DefaultScope

__all__ = ['register_all_modules']


def register_all_modules(init_default_scope: bool = True) -> None:
    """Import mmpretrain's and mmspg's components into their registries.

    Args:
        init_default_scope (bool): Also make ``'mmspg'`` the default scope
            (as mmpretrain's function does for ``'mmpretrain'``). Defaults to
            True.
    """
    from mmpretrain.utils import register_all_modules as mmpretrain_modules
    mmpretrain_modules(init_default_scope=False)
    import mmspg.datasets  # noqa: F401
    import mmspg.engine  # noqa: F401
    import mmspg.evaluation  # noqa: F401
    import mmspg.models  # noqa: F401
    import mmspg.visualization  # noqa: F401

    if not init_default_scope:
        return
    current = DefaultScope.get_current_instance()
    if current is None:
        DefaultScope.get_instance('mmspg', scope_name='mmspg')
    elif current.scope_name != 'mmspg':
        warnings.warn(
            f'The current default scope "{current.scope_name}" is not '
            '"mmspg"; register_all_modules makes it "mmspg". Pass '
            'init_default_scope=False to keep it.')
        DefaultScope.get_instance(
            f'mmspg-{datetime.datetime.now()}', scope_name='mmspg')
