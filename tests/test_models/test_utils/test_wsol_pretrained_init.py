"""WSOLPretrained: strict, with declared new layers, one log line; on tiny
torchvision-named modules (the recipes are covered in
tests/test_models/test_backbones/test_benchmark_pretrained.py)."""
import pytest
import torch
import torch.nn as nn

from mmspg.models.utils import WSOLPretrainedInit
from mmspg.utils import CheckpointMismatchError


class Tiny(nn.Module):
    """torchvision ResNet names: conv1, bn1, plus a layer the file lacks."""

    def __init__(self, extra=True, zero_init_residual=False):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 4, 3)
        self.bn1 = nn.BatchNorm2d(4)
        if extra:
            self.extra = nn.Conv2d(4, 2, 1)
        self.zero_init_residual = zero_init_residual


def _file(tmp_path, **changes):
    sd = {
        k: torch.randn(v.shape) if v.is_floating_point() else v
        for k, v in Tiny(extra=False).state_dict().items()
    }
    sd['fc.weight'] = torch.randn(5, 4)
    sd['fc.bias'] = torch.randn(5)
    for old, new in changes.items():
        sd[new] = sd.pop(old)
    path = str(tmp_path / 'tiny.pth')
    torch.save(sd, path)
    return path, sd


def _init(path, **kwargs):
    return WSOLPretrainedInit(
        checkpoint=path, converter='torchvision_resnet50', **kwargs)


def test_loads_and_logs_one_line(tmp_path, monkeypatch):
    path, sd = _file(tmp_path)
    lines = []
    monkeypatch.setattr('mmspg.models.utils.wsol_pretrained_init.print_log',
                        lambda msg, **kw: lines.append(msg))
    module = Tiny()
    before = module.extra.weight.clone()
    _init(path, new_layers=['extra'])(module)
    assert torch.equal(module.conv1.weight, sd['conv1.weight'])
    assert torch.equal(module.bn1.running_var, sd['bn1.running_var'])
    assert torch.equal(module.extra.weight, before)  # new: left as it was
    (line, ) = lines
    assert '\n' not in line
    assert f'{len(sd) - 2} tensors from {path}' in line
    assert 'dropped from the file: fc' in line
    assert 'new layers: extra' in line


def test_an_undeclared_missing_layer_stops_the_build(tmp_path):
    path, _ = _file(tmp_path)
    module = Tiny()
    before = module.conv1.weight.clone()
    with pytest.raises(CheckpointMismatchError) as err:
        _init(path)(module)
    assert 'extra.weight' in str(err.value)
    assert torch.equal(module.conv1.weight, before)  # nothing was loaded


def test_renamed_and_misshaped_keys_are_named(tmp_path):
    path, _ = _file(tmp_path, **{'bn1.bias': 'bn_1.bias'})
    with pytest.raises(CheckpointMismatchError) as err:
        _init(path, new_layers=['extra'])(Tiny())
    assert 'bn_1.bias' in str(err.value) and 'bn1.bias' in str(err.value)
    sd = torch.load(path)
    sd['bn1.bias'] = torch.zeros(7)
    torch.save(sd, path)
    with pytest.raises(CheckpointMismatchError, match=r'bn1.bias \[7\]'):
        _init(path, new_layers=['extra'])(Tiny())


def test_config_mistakes_are_named(tmp_path):
    path, _ = _file(tmp_path)
    with pytest.raises(KeyError, match='no_such'):
        WSOLPretrainedInit(checkpoint=path, converter='no_such')
    with pytest.raises(KeyError, match='extr'):
        _init(path, new_layers=['extr'])(Tiny())
    with pytest.raises(ValueError, match='zero_init_residual'):
        _init(path, new_layers=['extra'])(Tiny(zero_init_residual=True))


def test_registered_for_init_cfg(tmp_path):
    from mmengine.model import BaseModule
    path, sd = _file(tmp_path)

    class Net(BaseModule):

        def __init__(self):
            super().__init__(
                init_cfg=dict(
                    type='WSOLPretrained',
                    checkpoint=path,
                    converter='torchvision_resnet50'))
            self.conv1 = nn.Conv2d(3, 4, 3)
            self.bn1 = nn.BatchNorm2d(4)

    net = Net()
    net.init_weights()
    assert torch.equal(net.conv1.weight, sd['conv1.weight'])
