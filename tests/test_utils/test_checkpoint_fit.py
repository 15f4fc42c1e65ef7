from collections import OrderedDict

import pytest
import torch
import torch.nn as nn

from mmspg.utils import (CheckpointMismatchError, check_checkpoint_fits,
                         find_state_dict_mismatch)


def _model():
    return nn.Sequential(
        nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.Linear(4, 2))


def test_exact_fit_passes_and_ignores_bn_counter():
    model = _model()
    sd = OrderedDict(model.state_dict())
    sd.pop('1.num_batches_tracked')  # old checkpoints lack it
    assert find_state_dict_mismatch(model, sd) == ([], [], [])
    # DDP-style 'module.' prefixes are stripped as mmengine does
    wrapped = {'module.' + k: v for k, v in sd.items()}
    check_checkpoint_fits(model, {'state_dict': wrapped}, 'x.pth')


def test_all_problems_named():
    model = _model()
    sd = dict(model.state_dict())
    sd.pop('0.bias')
    sd['3.weight'] = torch.zeros(1)
    sd['2.weight'] = torch.zeros(2, 8)
    with pytest.raises(CheckpointMismatchError) as err:
        check_checkpoint_fits(model, {'state_dict': sd}, 'ckpt/x.pth')
    msg = str(err.value)
    assert 'ckpt/x.pth' in msg
    assert 'missing in the checkpoint (1): 0.bias' in msg
    assert 'unexpected in the checkpoint (1): 3.weight' in msg
    assert '2.weight [2, 8] vs [2, 4]' in msg


def test_not_a_dict():
    with pytest.raises(CheckpointMismatchError, match='list'):
        check_checkpoint_fits(_model(), [1, 2], 'x.pth')
