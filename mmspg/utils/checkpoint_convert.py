"""Key handling of torchvision-format ImageNet weights, as the WSOL benchmark
(clovaai/wsolevaluation) and the official SPG code load them.

One converter per source network; each takes the file's state dict and the
module it initialises (mmpretrain's ``VGG``/``ResNet``, mmspg's backbones,
a head) and returns the state dict in that module's key names, with the
file's keys the source drops. :class:`~mmspg.models.utils.WSOLPretrainedInit`
(``init_cfg=dict(type='WSOLPretrained', converter=NAME, ...)``) is the only
caller in configs; it checks the result strictly against the module.

Why not mmpretrain's ``tools/model_converters``: those are offline scripts
writing mmpretrain checkpoints (and have no VGG/ResNet torchvision entry:
mmpretrain's ResNet already uses torchvision's names, its VGG wraps each
conv in a ``ConvModule``); the benchmark's rules also depend on the model
(the SPG layer split), so they run at load time here.
"""
import re
from collections import OrderedDict
from typing import Callable, Dict, List, Tuple

import torch.nn as nn
from torch import Tensor

__all__ = [
    'CHECKPOINT_CONVERTERS', 'convert_checkpoint', 'extract_state_dict',
    'torchvision_vgg16', 'torchvision_resnet50', 'torchvision_resnet50_fc',
    'torchvision_inception_v3', 'INCEPTION_DROPPED_KEYS'
]

StateDict = Dict[str, Tensor]
Converted = Tuple[StateDict, List[str]]

#: Keys of Inception-v3 files that neither source keeps: the benchmark's
#: ``remove_layer`` of 'Mixed_7', 'AuxLogits', 'fc.' (wsol/inception.py:
#: 498-500); the official code keeps only keys its model has
#: (xiaomengyc/SPG utils/Restore.py:56), the same set.
INCEPTION_DROPPED_KEYS = re.compile(r'^(Mixed_7[abc]|AuxLogits|fc)\.')

_VGG_CONV_KEY = re.compile(r'^features\.(\d+)\.(weight|bias)$')


def extract_state_dict(checkpoint, filename: str = '<checkpoint>') -> Dict:
    """The weights of a loaded file: its ``state_dict`` (mmengine) or
    ``model`` entry, or the file itself (torchvision), ``module.`` prefixes
    (DataParallel) stripped."""
    if isinstance(checkpoint, nn.Module):
        checkpoint = checkpoint.state_dict()
    if not isinstance(checkpoint, dict):
        raise ValueError(f'{filename} holds a {type(checkpoint).__name__}, '
                         'not a dict of weights')
    for key in ('state_dict', 'model'):
        if isinstance(checkpoint.get(key), dict):
            checkpoint = checkpoint[key]
            break
    return OrderedDict(
        (re.sub(r'^module\.', '', k), v) for k, v in checkpoint.items())


def torchvision_vgg16(state_dict: StateDict, module: nn.Module) -> Converted:
    """torchvision ``vgg16`` (``features.N``, ``classifier.N``) onto any
    module whose ``nn.Conv2d`` layers are VGG-16's 13 convs in order.

    The benchmark's rules (wsol/vgg.py:251-263): the classifier is dropped
    (line 259, ``remove_layer(state_dict, 'classifier.')``), and
    ``adjust_pretrained_model`` (lines 216-238) pairs the file's conv
    indices with the model's ``features`` indices in sorted order, so the
    k-th conv of the file initialises the k-th conv of the model whatever
    pools or ADL layers sit between them. For SPG, ``batch_replace_layer``
    (lines 241-248) first moves convs 8-13 (``features.17`` ... ``28``) to
    ``SPG_A_1.{0,2,4}`` and ``SPG_A_2.{0,2,4}``, which are the 8th to 13th
    convs of ``VggSpg`` in definition order: the k-th-conv rule gives the
    same keys (tests check both).

    Here the model's convs are found by module type, so mmpretrain's
    ``VGG`` (``features.N.conv``), ``WSOLVGG``, ``ADLBackbone`` on them and
    mmspg's ``VggSpg`` all take the same file. A file with another number of
    convs (VGG-19, a BN variant) raises instead of the benchmark's silent
    truncation (``zip``, line 235).
    """
    dropped = [k for k in state_dict if k.startswith('classifier.')]
    convs = [n for n, m in module.named_modules() if isinstance(m, nn.Conv2d)]
    indices = sorted(
        {int(m.group(1))
         for m in map(_VGG_CONV_KEY.match, state_dict) if m})
    if len(indices) != len(convs):
        raise ValueError(
            f'torchvision_vgg16: the file has {len(indices)} convs '
            f'(features.{indices}) but {type(module).__name__} has '
            f'{len(convs)} ({convs}); the k-th conv of the file initialises '
            'the k-th conv of the model, so the counts must agree')
    target = {i: name for i, name in zip(indices, convs)}
    out = OrderedDict()
    for key, value in state_dict.items():
        if key in dropped:
            continue
        match = _VGG_CONV_KEY.match(key)
        if match:
            key = f'{target[int(match.group(1))]}.{match.group(2)}'
        # anything else stays as is and is reported as unexpected
        out[key] = value
    return out, dropped


# wsol/resnet.py:442-449, applied when the model splits layer3 (ResNetSpg)
_RESNET_SPG_KEYS = (('layer3.0.', 'SPG_A1.0.'), ('layer3.1.', 'SPG_A2.0.'),
                    ('layer3.2.', 'SPG_A2.1.'), ('layer3.3.', 'SPG_A2.2.'),
                    ('layer3.4.', 'SPG_A2.3.'), ('layer3.5.', 'SPG_A2.4.'))


def torchvision_resnet50(state_dict: StateDict,
                         module: nn.Module) -> Converted:
    """torchvision ``resnet50`` onto mmpretrain's ``ResNet`` (the same
    names), ``ADLBackbone`` on it, or mmspg's ``ResNetSpg``.

    The benchmark's rules (wsol/resnet.py:452-470): ``fc`` is dropped here
    (the backbone has none; on ILSVRC the CAM-family recipes load it into
    the head with :func:`torchvision_resnet50_fc`, lines 465-469); for SPG
    ``batch_replace_layer`` (lines 442-449) renames layer3's blocks to
    ``SPG_A1.0`` and ``SPG_A2.0-4``, done here when the module has
    ``SPG_A1``. ADL's ``align_layer`` (lines 420-439) shifts block indices
    because the benchmark inserts ADL modules into the ``nn.Sequential``;
    ``ADLBackbone`` attaches them by forward hooks, so the blocks keep
    torchvision's indices and no shift applies (the same tensor reaches the
    same block; tests check it against ``align_layer``).
    """
    dropped = [k for k in state_dict if k.startswith('fc.')]
    rename = _RESNET_SPG_KEYS if hasattr(module, 'SPG_A1') else ()
    out = OrderedDict()
    for key, value in state_dict.items():
        if key in dropped:
            continue
        for old, new in rename:
            if key.startswith(old):
                key = new + key[len(old):]
                break
        out[key] = value
    return out, dropped


def torchvision_resnet50_fc(state_dict: StateDict,
                            module: nn.Module) -> Converted:
    """Only torchvision ``resnet50``'s ``fc`` (ImageNet's 1000-class
    classifier), for a head whose ``nn.Linear`` is ``fc``.

    On ILSVRC the benchmark keeps ``fc`` for CAM, HaS, CutMix and ADL and
    loads the file strictly (wsol/resnet.py:453, 465-469: ``fc`` is removed
    only for other datasets or ACoL/SPG), so their classifier starts from
    ImageNet's. ``CAMHead(classifier='linear')`` names it ``fc`` too.
    """
    dropped = [k for k in state_dict if not k.startswith('fc.')]
    out = OrderedDict(
        (k, v) for k, v in state_dict.items() if k not in set(dropped))
    return out, dropped


def torchvision_inception_v3(state_dict: StateDict,
                             module: nn.Module) -> Converted:
    """torchvision ``inception_v3_google`` onto ``SPGInceptionV3`` (the
    same names): ``Mixed_7*``, ``AuxLogits`` and ``fc`` dropped
    (wsol/inception.py:498-500; official: see
    :data:`INCEPTION_DROPPED_KEYS`)."""
    dropped = [k for k in state_dict if INCEPTION_DROPPED_KEYS.match(k)]
    out = OrderedDict(
        (k, v) for k, v in state_dict.items() if k not in set(dropped))
    return out, dropped


#: converter name (``init_cfg`` ``converter=``) -> function
CHECKPOINT_CONVERTERS: Dict[str,
                            Callable[[StateDict, nn.Module], Converted]] = {
                                'torchvision_vgg16': torchvision_vgg16,
                                'torchvision_resnet50': torchvision_resnet50,
                                'torchvision_resnet50_fc':
                                torchvision_resnet50_fc,
                                'torchvision_inception_v3':
                                torchvision_inception_v3,
                            }


def convert_checkpoint(name: str, state_dict: StateDict,
                       module: nn.Module) -> Converted:
    """Apply the converter ``name`` (see :data:`CHECKPOINT_CONVERTERS`).

    Returns:
        tuple: the state dict in ``module``'s key names, and the file's
        keys the source drops.
    """
    if name not in CHECKPOINT_CONVERTERS:
        raise KeyError(f'unknown checkpoint converter {name!r}; known: '
                       f'{sorted(CHECKPOINT_CONVERTERS)}')
    return CHECKPOINT_CONVERTERS[name](state_dict, module)
