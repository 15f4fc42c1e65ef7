"""Registries of mmspg: child registries of mmpretrain's, scope ``'mmspg'``.

What standalone OpenMMLab packages do (``mmpretrain/registry.py``, mmyolo,
mmpose): one ``Registry(kind, parent=<mmpretrain's>, scope='mmspg',
locations=[<the mmspg subpackage>])`` per kind. Hence:

- ``default_scope = 'mmspg'`` configs resolve mmspg types (``'SPGHead'``)
  and, through the parents, every mmpretrain and mmengine type
  (``'ResNet'``, ``'PackInputs'``, ``'SGD'``) without prefixes;
  ``'mmpretrain.ResNet'`` works too;
- configs of another scope (``default_scope = 'mmpretrain'``) name mmspg
  types with the ``'mmspg.'`` prefix, or put ``_scope_='mmspg'`` on the
  dict of an mmspg component so that its whole subtree (its own unprefixed
  children and defaults, e.g. SPGHead's ``SPGLoss``) is built in mmspg's
  scope; this is mmengine's own mechanism, mmspg switches no scope itself;
- no ``custom_imports`` is needed: ``locations`` imports the right mmspg
  subpackage on the first look-up, so ``import mmspg`` stays light
  (``tools/eval_scoremaps.py`` never imports torch), and mmengine calls
  :func:`mmspg.utils.register_all_modules` before it builds in the
  ``'mmspg'`` scope, which imports the parents' (mmpretrain's) modules;
- mmspg's names never shadow or are shadowed by mmpretrain's.

The alternative, registering straight into mmpretrain's registries (what
in-repo ``projects/`` folders do), would let an mmpretrain config take an
mmspg type unprefixed, but ``default_scope='mmspg'`` and ``'mmspg.'``
prefixes would fail and mmspg's names would share mmpretrain's namespace.

``from mmspg.registry import MODELS, DATASETS, TRANSFORMS, METRICS, ...`` is
the interface mmspg's components register with.
"""
from mmengine.registry import Registry
from mmpretrain import registry as mmpretrain_registry

__all__ = [
    'DATA_SAMPLERS', 'DATASETS', 'EVALUATORS', 'HOOKS', 'LOOPS', 'METRICS',
    'MODEL_WRAPPERS', 'MODELS', 'OPTIM_WRAPPER_CONSTRUCTORS', 'OPTIM_WRAPPERS',
    'OPTIMIZERS', 'PARAM_SCHEDULERS', 'RUNNERS', 'TASK_UTILS', 'TRANSFORMS',
    'BATCH_AUGMENTS', 'TOKENIZER', 'VISBACKENDS', 'VISUALIZERS',
    'WEIGHT_INITIALIZERS', 'SCOPE', 'lookup'
]

SCOPE = 'mmspg'


def _child(name: str, parent: Registry, *locations: str) -> Registry:
    return Registry(
        name, parent=parent, scope=SCOPE, locations=list(locations))


_mp = mmpretrain_registry
# only the deprecated WSOLRunner name (configs of the last release)
RUNNERS = _child('runner', _mp.RUNNERS, 'mmspg.engine.runner')
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
MODEL_WRAPPERS = _child('model_wrapper', _mp.MODEL_WRAPPERS, 'mmspg.models')
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
