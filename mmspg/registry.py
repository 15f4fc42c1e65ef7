"""Registries of mmspg.

mmspg registers its components straight into mmpretrain's registries rather
than into child registries of its own. Why: a user mixes an SPG head into an
existing mmpretrain config by adding one ``custom_imports`` line; with
``default_scope='mmpretrain'`` every mmpretrain type (``ResNet``,
``PackInputs``, ``RepeatAugSampler``...) and every mmspg type resolves from the
same config without prefixes, and ``'mmpretrain.ResNet'`` works too. Child
registries would have to mirror all ~20 registries of mmpretrain to keep that
property. Names of mmspg components are chosen not to clash with mmpretrain's
(``SPGInceptionV3`` beside mmpretrain's ``InceptionV3``, ``CUBWSOLDataset``
beside ``CUB``).
"""
from mmpretrain.registry import (BATCH_AUGMENTS, DATA_SAMPLERS, DATASETS,
                                 EVALUATORS, HOOKS, LOOPS, METRICS,
                                 MODEL_WRAPPERS, MODELS,
                                 OPTIM_WRAPPER_CONSTRUCTORS, OPTIM_WRAPPERS,
                                 OPTIMIZERS, PARAM_SCHEDULERS, RUNNERS,
                                 TASK_UTILS, TRANSFORMS, VISBACKENDS,
                                 VISUALIZERS, WEIGHT_INITIALIZERS)

__all__ = [
    'BATCH_AUGMENTS', 'DATA_SAMPLERS', 'DATASETS', 'EVALUATORS', 'HOOKS',
    'LOOPS', 'METRICS',
    'MODEL_WRAPPERS', 'MODELS', 'OPTIM_WRAPPER_CONSTRUCTORS',
    'OPTIM_WRAPPERS', 'OPTIMIZERS', 'PARAM_SCHEDULERS', 'RUNNERS',
    'TASK_UTILS', 'TRANSFORMS', 'VISBACKENDS', 'VISUALIZERS',
    'WEIGHT_INITIALIZERS'
]
