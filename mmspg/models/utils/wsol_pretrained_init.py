"""Strict pretrained initialisation with a source's key handling."""
import os.path as osp
import re
from typing import Optional, Sequence

import torch.nn as nn
from mmengine.logging import print_log
from mmengine.model.weight_init import update_init_info
from mmengine.runner.checkpoint import CheckpointLoader

from mmspg.registry import WEIGHT_INITIALIZERS
from mmspg.utils.checkpoint_convert import (CHECKPOINT_CONVERTERS,
                                            convert_checkpoint,
                                            extract_state_dict)
from mmspg.utils.checkpoint_fit import (CheckpointMismatchError,
                                        find_state_dict_mismatch)


def _listing(title: str, keys: Sequence[str], limit: int = 30) -> str:
    more = len(keys) - limit
    text = f'  {title} ({len(keys)}): ' + ', '.join(keys[:limit])
    return text + (f', ... and {more} more' if more > 0 else '')


def _layers(keys: Sequence[str]) -> str:
    """Parameter names grouped to their modules, for the one-line log."""
    names = []
    for key in keys:
        name = key.rsplit('.', 1)[0]
        if name not in names:
            names.append(name)
    return ', '.join(names) if names else 'none'


@WEIGHT_INITIALIZERS.register_module(name='WSOLPretrained')
class WSOLPretrainedInit:
    """Load a pretrained file into a module, as a source loads it, strictly.

    mmengine's ``Pretrained`` init loads with ``strict=False``: a renamed or
    missing key leaves that layer random with only a warning. This one
    converts the file's keys with a named converter
    (:data:`mmspg.utils.CHECKPOINT_CONVERTERS`: the benchmark's and the
    official code's key handling) and then requires every tensor of the
    module to come from the file, except those under ``new_layers``; any
    other missing, unexpected or mis-shaped key stops the build with the
    keys named, before a weight is copied. It logs one line: how many
    tensors came from which file, what the source drops from the file, and
    which layers are new. Files are read with mmengine's
    ``CheckpointLoader``, i.e. mmspg's weights-only loaders for local paths
    and URLs alike.

    mmengine runs initialisers of any other type than ``'Pretrained'``
    before the module's children and before the rest of its
    ``init_weights``; mmpretrain's ``ResNet`` then zeroes every ``norm3``
    (``zero_init_residual``) unless its init type is ``'Pretrained'``, so
    such a module must set ``zero_init_residual=False`` (checked here).

    Args:
        checkpoint (str): Path or URL of the file.
        converter (str): Name in ``CHECKPOINT_CONVERTERS``
            (``'torchvision_vgg16'``, ``'torchvision_resnet50'``,
            ``'torchvision_resnet50_fc'``, ``'torchvision_inception_v3'``).
        new_layers (Sequence[str]): Module names (prefixes of parameter
            names) the source initialises itself instead of from the file.
            Defaults to () (every tensor from the file).
        map_location (str): Passed to ``torch.load``. Defaults to 'cpu'.

    Example::

        init_cfg=dict(
            type='WSOLPretrained',
            checkpoint='https://download.pytorch.org/models/'
            'resnet50-19c8e357.pth',
            converter='torchvision_resnet50')
    """

    def __init__(self,
                 checkpoint: str,
                 converter: str,
                 new_layers: Sequence[str] = (),
                 map_location: Optional[str] = 'cpu') -> None:
        if converter not in CHECKPOINT_CONVERTERS:
            raise KeyError(f'WSOLPretrained: unknown converter {converter!r};'
                           f' known: {sorted(CHECKPOINT_CONVERTERS)}')
        if isinstance(new_layers, str):
            new_layers = (new_layers, )
        self.checkpoint = checkpoint
        self.converter = converter
        self.new_layers = tuple(new_layers)
        self.map_location = map_location
        self.wholemodule = False  # set by mmengine's initialize()
        self._info = f'{type(self).__name__}: {converter} from {checkpoint}'

    def _is_new(self, key: str) -> bool:
        return any(
            re.match(re.escape(p) + r'(\.|$)', key) for p in self.new_layers)

    def __call__(self, module: nn.Module) -> None:
        name = type(module).__name__
        if getattr(module, 'zero_init_residual', False):
            raise ValueError(
                f'WSOLPretrained: {name} has zero_init_residual=True, which '
                'would zero every loaded norm3 after this initialiser runs; '
                'set zero_init_residual=False on the backbone')
        own = module.state_dict()
        unknown = [
            p for p in self.new_layers
            if not any(re.match(re.escape(p) + r'(\.|$)', k) for k in own)
        ]
        if unknown:
            raise KeyError(f'WSOLPretrained: new_layers {unknown} name no '
                           f'parameter of {name}')
        ckpt = CheckpointLoader.load_checkpoint(
            self.checkpoint, map_location=self.map_location)
        state_dict = extract_state_dict(ckpt, self.checkpoint)
        state_dict, dropped = convert_checkpoint(self.converter, state_dict,
                                                 module)
        missing, unexpected, mis_shaped = find_state_dict_mismatch(
            module, state_dict)
        new = [k for k in missing if self._is_new(k)]
        missing = [k for k in missing if not self._is_new(k)]
        if missing or unexpected or mis_shaped:
            lines = [
                f'WSOLPretrained: "{self.checkpoint}" (converter '
                f'{self.converter}) does not fit {name}; nothing was '
                'loaded:'
            ]
            if missing:
                lines.append(
                    _listing('not in the file and not declared in new_layers',
                             missing))
            if unexpected:
                lines.append(
                    _listing(f'in the file, not in {name}', unexpected))
            if mis_shaped:
                lines.append(
                    _listing('mis-shaped (file vs model)', [
                        f'{k} {list(c)} vs {list(m)}' for k, c, m in mis_shaped
                    ]))
            raise CheckpointMismatchError('\n'.join(lines))
        module.load_state_dict(state_dict, strict=False)
        self._info = (f'{type(self).__name__}: {len(state_dict)} tensors '
                      f'from {osp.basename(self.checkpoint)}')
        print_log(
            f'WSOLPretrained: {name} <- {len(state_dict)} tensors from '
            f'{self.checkpoint} ({self.converter}); dropped from the file: '
            f'{_layers(dropped)}; new layers: {_layers(new)}',
            logger='current')
        if hasattr(module, '_params_init_info'):
            # mmengine's init table then names this initialiser
            update_init_info(module, init_info=self._get_init_info())

    def _get_init_info(self) -> str:
        return self._info
