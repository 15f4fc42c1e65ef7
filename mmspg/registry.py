"""Registries of mmspg: child registries of mmpretrain's, scope ``'mmspg'``.

Decision (ours), with the trade-offs:

* **Child registries** (what standalone OpenMMLab packages do: mmyolo,
  mmpose, mmpretrain itself), each ``Registry(kind, parent=<mmpretrain's>,
  scope='mmspg', locations=[<the mmspg subpackage>])``. What it gives:

  - ``default_scope = 'mmspg'`` configs resolve mmspg types (``'SPGHead'``)
    and, through the parent, every mmpretrain and mmengine type
    (``'ResNet'``, ``'PackInputs'``, ``'SGD'``) without prefixes;
  - ``'mmspg.SPGHead'`` resolves from any scope of the mmpretrain tree
    (``default_scope = 'mmpretrain'`` configs included), and
    ``'mmpretrain.ResNet'`` from the mmspg scope;
  - no ``custom_imports`` is needed: ``locations`` imports the right mmspg
    subpackage the first time a type is looked up, so ``import mmspg``
    itself can stay light (``tools/eval_scoremaps.py`` never imports torch);
  - mmspg's names can never shadow or be shadowed by mmpretrain's.

* The alternative we had, registering straight into mmpretrain's registries
  (what in-repo ``projects/`` folders do), let an mmpretrain config take
  an mmspg type unprefixed after one ``custom_imports`` line, but
  ``default_scope='mmspg'`` and ``'mmspg.'`` prefixes failed, mmspg's
  names shared mmpretrain's namespace, and every ``import mmspg`` had to
  import everything to register it. Price of the switch: in a config with
  ``default_scope='mmpretrain'``, mmspg types need the ``'mmspg.'`` prefix
  (or ``_scope_='mmspg'`` on their dict); see ``docs/own_configs.md``.

* ``RUNNERS`` is a child of mmengine's root runner registry (mmpretrain has
  no runners), so ``runner_type='mmspg.WSOLRunner'`` resolves even where
  no default scope exists yet: mmpretrain's and mmspg's ``tools/train.py``
  build the runner through mmengine's root registry before the runner
  creates the scope.

* Building through an mmspg registry (``MODELS.build(...)`` inside mmspg's
  components) switches to the ``'mmspg'`` scope for the whole subtree when
  the current scope is none or mmpretrain's/mmengine's, so an mmspg
  component built from a ``default_scope='mmpretrain'`` config still finds
  its unprefixed mmspg children (``SPGLoss``, ``SeedMaskGenerator``);
  mmpretrain types stay reachable through the parent. A dict that sets its
  own ``_scope_`` keeps it.

``from mmspg.registry import MODELS, DATASETS, TRANSFORMS, METRICS, ...`` is
the interface mmspg's components register with.
"""
from contextlib import contextmanager
from typing import Generator

from mmengine.registry import DefaultScope
from mmengine.registry import RUNNERS as MMENGINE_RUNNERS
from mmengine.registry import Registry
from mmpretrain import registry as mmpretrain_registry

__all__ = [
    'DATA_SAMPLERS', 'DATASETS', 'EVALUATORS', 'HOOKS', 'LOOPS', 'METRICS',
    'MODEL_WRAPPERS', 'MODELS', 'OPTIM_WRAPPER_CONSTRUCTORS',
    'OPTIM_WRAPPERS', 'OPTIMIZERS', 'PARAM_SCHEDULERS', 'RUNNERS',
    'TASK_UTILS', 'TRANSFORMS', 'BATCH_AUGMENTS', 'TOKENIZER', 'VISBACKENDS', 'VISUALIZERS',
    'WEIGHT_INITIALIZERS', 'SCOPE', 'MMSPGRegistry', 'mmspg_scope', 'lookup'
]

SCOPE = 'mmspg'
# Scopes whose registries are ancestors of mmspg's: switching from them to
# 'mmspg' loses no type. Builds under any other scope (say mmdet's) keep it.
_ANCESTOR_SCOPES = (None, 'mmpretrain', 'mmengine')


def _in_ancestor_scope() -> bool:
    current = DefaultScope.get_current_instance()
    return (current.scope_name if current else None) in _ANCESTOR_SCOPES


@contextmanager
def mmspg_scope() -> Generator[None, None, None]:
    """Build in the ``'mmspg'`` scope if the current one is an ancestor's.

    For mmspg components that build their children with mmpretrain's
    registries (``WSOLClassifier`` via ``ImageClassifier.__init__``, the
    datasets' pipelines via mmengine's ``Compose``): with this, a model
    named ``'mmspg.WSOLClassifier'`` in a ``default_scope='mmpretrain'``
    config still takes an unprefixed ``'SPGHead'``.
    """
    if _in_ancestor_scope():
        with DefaultScope.overwrite_default_scope(SCOPE):
            yield
    else:
        yield


def _with_scope(cfg):
    if isinstance(cfg, dict) and '_scope_' not in cfg and \
            'runner_type' not in cfg:
        cfg = cfg.copy()
        cfg['_scope_'] = SCOPE
    elif isinstance(cfg, (list, tuple)):
        cfg = [_with_scope(c) for c in cfg]
    return cfg


class MMSPGRegistry(Registry):
    """mmengine ``Registry`` that builds in the ``'mmspg'`` scope.

    Two differences from mmengine's ``Registry`` (why: see the module
    docstring): ``build`` switches the default scope to ``'mmspg'`` for
    the subtree it builds when the current scope is an ancestor's, and the
    first look-up also imports the parent's ``locations`` (mmengine's
    ``get`` walks the parents without importing them, so an mmpretrain type
    not yet imported would not be found from the mmspg scope).
    """

    def build(self, cfg, *args, **kwargs):
        runner_type = cfg.get('runner_type') if self.name == 'runner' \
            else None
        if isinstance(runner_type, str) and '.' not in runner_type:
            # A runner is built before its config's scope exists, under
            # whatever scope is current: name mmspg's runners with their
            # scope so that any scope finds them (a dict `_scope_` would
            # outlive the runner's own scope, see DefaultScope).
            self.import_from_location()
            if runner_type in self.module_dict:
                cfg = cfg.copy()
                cfg['runner_type'] = f'{SCOPE}.{runner_type}'
        elif _in_ancestor_scope():
            cfg = _with_scope(cfg)
        return super().build(cfg, *args, **kwargs)

    def import_from_location(self) -> None:
        if not self._imported:
            parent = self.parent
            while parent is not None:
                parent.import_from_location()
                parent = parent.parent
        super().import_from_location()


def _child(name: str, parent: Registry, *locations: str) -> MMSPGRegistry:
    return MMSPGRegistry(
        name, parent=parent, scope=SCOPE, locations=list(locations))


_mp = mmpretrain_registry
RUNNERS = _child('runner', MMENGINE_RUNNERS, 'mmspg.engine.runner')
LOOPS = _child('loop', _mp.LOOPS, 'mmspg.engine.runner')
HOOKS = _child('hook', _mp.HOOKS, 'mmspg.engine.hooks')
OPTIMIZERS = _child('optimizer', _mp.OPTIMIZERS, 'mmspg.engine')
OPTIM_WRAPPERS = _child('optimizer_wrapper', _mp.OPTIM_WRAPPERS,
                        'mmspg.engine')
OPTIM_WRAPPER_CONSTRUCTORS = _child('optimizer wrapper constructor',
                                    _mp.OPTIM_WRAPPER_CONSTRUCTORS,
                                    'mmspg.engine')
PARAM_SCHEDULERS = _child('parameter scheduler', _mp.PARAM_SCHEDULERS,
                          'mmspg.engine')
DATASETS = _child('dataset', _mp.DATASETS, 'mmspg.datasets')
DATA_SAMPLERS = _child('data sampler', _mp.DATA_SAMPLERS, 'mmspg.datasets')
TRANSFORMS = _child('transform', _mp.TRANSFORMS, 'mmspg.datasets')
MODELS = _child('model', _mp.MODELS, 'mmspg.models')
MODEL_WRAPPERS = _child('model_wrapper', _mp.MODEL_WRAPPERS, 'mmspg.models',
                        'mmspg.engine.runner')
WEIGHT_INITIALIZERS = _child('weight initializer', _mp.WEIGHT_INITIALIZERS,
                             'mmspg.models')
TASK_UTILS = _child('task util', _mp.TASK_UTILS, 'mmspg.models')
# mmpretrain's own root registries: without an 'mmspg' child, building a
# Mixup under default_scope='mmspg' warns that the scope is unknown.
BATCH_AUGMENTS = _child('batch augment', _mp.BATCH_AUGMENTS, 'mmspg.models')
TOKENIZER = _child('tokenizer', _mp.TOKENIZER, 'mmspg.models')
METRICS = _child('metric', _mp.METRICS, 'mmspg.evaluation.metrics')
EVALUATORS = _child('evaluator', _mp.EVALUATORS, 'mmspg.evaluation.metrics')
VISUALIZERS = _child('visualizer', _mp.VISUALIZERS, 'mmspg.visualization')
VISBACKENDS = _child('vis_backend', _mp.VISBACKENDS, 'mmspg.visualization')
del _mp


def lookup(name: str):
    """The mmspg component registered as ``name`` in any mmspg registry, or
    None. ``mmspg.__getattr__`` uses it, so that mmengine's fallback
    (``get_object_from_string('mmspg.CUBWSOLDataset')``) resolves an
    ``'mmspg.'``-prefixed type from registry trees where mmspg is not a
    direct child: mmengine's root registries (``default_scope='mmengine'``,
    no scope at all) and other packages' trees.
    """
    for reg in (RUNNERS, LOOPS, HOOKS, OPTIMIZERS, OPTIM_WRAPPERS,
                OPTIM_WRAPPER_CONSTRUCTORS, PARAM_SCHEDULERS, DATASETS,
                DATA_SAMPLERS, TRANSFORMS, MODELS, MODEL_WRAPPERS,
                WEIGHT_INITIALIZERS, TASK_UTILS, BATCH_AUGMENTS, TOKENIZER,
                METRICS, EVALUATORS, VISUALIZERS, VISBACKENDS):
        reg.import_from_location()
        if name in reg.module_dict:
            return reg.module_dict[name]
    return None
