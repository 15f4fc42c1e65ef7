"""``WSOLRunner``: a deprecated name, kept one release so that configs of
mmspg 0.x with ``runner_type = 'mmspg.WSOLRunner'`` still build.

mmspg has no Runner subclass any more: what ``WSOLRunner`` added lives at
mmengine's own seams (``docs/architecture.md``, "Engine"). The name builds
mmengine's ``Runner`` and warns; not a ``Runner`` subclass itself, so that
nothing can come to depend on it.
"""
import warnings

from mmengine.runner import Runner

from mmspg.registry import RUNNERS

__all__ = ['WSOLRunner']


@RUNNERS.register_module()
class WSOLRunner:
    """Deprecated: ``runner_type='mmspg.WSOLRunner'`` builds mmengine's
    ``Runner`` (with a warning); drop ``runner_type`` from the config."""

    @staticmethod
    def from_cfg(cfg) -> Runner:
        """Build mmengine's ``Runner`` from ``cfg`` (what mmengine's
        ``build_runner_from_cfg`` calls on a registered runner type)."""
        warnings.warn(
            "runner_type='mmspg.WSOLRunner' is deprecated and will be "
            "removed in the next release: mmengine's Runner is used. Atomic "
            'checkpoints, checked loading and the cleanup come from '
            "default_hooks.checkpoint=dict(type='WSOLCheckpointHook') and "
            'auto-resume past corrupt checkpoints from mmspg\'s '
            'tools/train.py; remove runner_type from the config.',
            DeprecationWarning,
            stacklevel=2)
        return Runner.from_cfg(cfg)
