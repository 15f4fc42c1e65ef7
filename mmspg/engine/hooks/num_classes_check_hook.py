"""``NumClassesCheckHook``: the head's class count is the data set's.

Why: ``model.head.num_classes=5`` on 8 classes fails only at the first
iteration with an index error deep in the loss or the test-time maps, and
10 classes train silently with 2 classes no image ever has (their scores
still enter the softmax and the top-5). mmengine builds the data sets when
a loop is built, before the first hook of the loop runs, so this hook (ours)
compares ``model.head.num_classes`` with ``len(dataset.metainfo['classes'])``
of each built data set (train and val before training, test before testing)
and stops naming both numbers and the keys to set. Data sets without
``classes`` in their metainfo and heads without ``num_classes`` are not
checked.
"""
from typing import Optional

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmspg.registry import HOOKS

__all__ = ['NumClassesCheckHook', 'NumClassesMismatchError']


class NumClassesMismatchError(ValueError):
    """The model's class count is not the data set's."""


def _head_classes(runner) -> Optional[int]:
    model = runner.model
    if is_model_wrapper(model):
        model = model.module
    num = getattr(getattr(model, 'head', None), 'num_classes', None)
    return int(num) if isinstance(num, int) else None


def _dataset_classes(dataloader) -> Optional[tuple]:
    dataset = getattr(dataloader, 'dataset', None)
    metainfo = getattr(dataset, 'metainfo', None) or {}
    classes = metainfo.get('classes')
    return tuple(classes) if classes else None


@HOOKS.register_module()
class NumClassesCheckHook(Hook):
    """Refuse a run whose head has another class count than its data.
    Config (``default_runtime.py`` adds it)::

        default_hooks = dict(num_classes_check=dict(
            _scope_='mmspg', type='NumClassesCheckHook'))

    Args:
        enable (bool): The config switch, off with
            ``default_hooks.num_classes_check.enable=False`` (mmengine
            refuses ``=None`` for a default hook it does not define itself).
            Defaults to True.
    """

    priority = 'VERY_HIGH'

    def __init__(self, enable: bool = True) -> None:
        self.enable = enable
        self._val_checked = False

    def _check(self, runner, split: str, dataloader) -> None:
        if not self.enable:
            return
        head = _head_classes(runner)
        classes = _dataset_classes(dataloader)
        if head is None or classes is None or head == len(classes):
            return
        dataset = dataloader.dataset
        where = getattr(dataset, 'data_root', None) or getattr(
            dataset, 'ann_file', None) or ''
        if head < len(classes):
            effect = (f'labels {head}..{len(classes) - 1} are out of range '
                      'of the head')
        else:
            effect = (f'{head - len(classes)} classes of the head would '
                      'never be seen in the data')
        raise NumClassesMismatchError(
            f'model.head.num_classes={head} but the {split} data set '
            f'({type(dataset).__name__} {where}) has {len(classes)} classes: '
            f'{effect}. Set model.head.num_classes={len(classes)} (and '
            f'model.data_preprocessor.num_classes={len(classes)}), or point '
            f'{split}_dataloader at the data the model is for.')

    def before_train(self, runner) -> None:
        """Check the train and val data sets before the first iteration."""
        self._check(runner, 'train', runner.train_dataloader)
        if runner.val_loop is not None:
            self._check(runner, 'val', runner.val_dataloader)
            self._val_checked = True

    def before_val(self, runner) -> None:
        """Check the val data set of ``runner.val()`` (once)."""
        if not self._val_checked:
            self._check(runner, 'val', runner.val_dataloader)
            self._val_checked = True

    def before_test(self, runner) -> None:
        """Check the test data set before testing."""
        self._check(runner, 'test', runner.test_dataloader)
