"""Every recipe that starts from torchvision-format ImageNet weights loads
each tensor where the source's own loading code puts it.

Random torchvision-format VGG16, ResNet-50 and Inception-v3 state dicts are
written to files; each recipe's ``WSOLPretrained`` init is pointed at them;
the expected tensors come from a transcription of the benchmark's loading
rules (clovaai/wsolevaluation@96f4b88, cited per function), applied to the
same dict, then matched to our parameter names. No network.
"""
import copy
import glob
import os.path as osp
import re
from collections import OrderedDict

import pytest
import torch
import torch.nn as nn
from mmengine.config import Config

from mmspg.registry import MODELS
from mmspg.utils import CheckpointMismatchError

REPO = osp.dirname(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
CONVERTER_FILE = {
    'torchvision_vgg16': 'vgg16.pth',
    'torchvision_resnet50': 'resnet50.pth',
    'torchvision_resnet50_fc': 'resnet50.pth',
    'torchvision_inception_v3': 'inception_v3.pth',
}
SOURCE_FILE = {
    'torchvision_vgg16': 'vgg16-397923af.pth',
    'torchvision_resnet50': 'resnet50-19c8e357.pth',
    'torchvision_resnet50_fc': 'resnet50-19c8e357.pth',
    'torchvision_inception_v3': 'inception_v3_google-1a9a5a14.pth',
}


def _inits(node, path=()):
    """(path, init_cfg dict) of every WSOLPretrained init in a config."""
    found = []
    if isinstance(node, dict):
        init = node.get('init_cfg')
        if isinstance(init, dict) and init.get('type') == 'WSOLPretrained':
            found.append((path, init))
        for key, value in node.items():
            found += _inits(value, path + (key, ))
    return found


def _recipes():
    """Every recipe whose model has a WSOLPretrained init."""
    out = []
    for p in sorted(glob.glob(osp.join(REPO, 'configs', '*', '*.py'))):
        if '_base_' in p:
            continue
        cfg = Config.fromfile(p)
        if 'model' in cfg and _inits(cfg.model.to_dict()):
            out.append(osp.relpath(p, REPO))
    return out


RECIPES = _recipes()
# the benchmark's SPG networks are among them (tests/test_models/
# test_backbones/test_spg_benchmark_backbones.py has their wiring)
assert {
    'configs/spg/spg_vgg16-gap-wsolbench_1xb32_cub.py',
    'configs/spg/spg_resnet50-s8-wsolbench_1xb32_cub.py'
} <= set(RECIPES)


# --- the benchmark's rules, transcribed -----------------------------------
def remove_layer(state_dict, keyword):  # wsol/util.py:27-32
    for key in list(state_dict):
        if keyword in key:
            state_dict.pop(key)
    return state_dict


def replace_layer(state_dict, keyword1, keyword2):  # wsol/util.py:35-41
    for key in list(state_dict):
        if keyword1 in key:
            state_dict[key.replace(keyword1, keyword2)] = state_dict.pop(key)
    return state_dict


# wsol/vgg.py:25-48, the layer lists of each architecture type ('14x14';
# '28x28' keeps the same conv order)
VGG_CFG = {
    'cam': [
        64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M',
        512, 512, 512
    ],
    'acol': [
        64, 64, 'M1', 128, 128, 'M1', 256, 256, 256, 'M1', 512, 512, 512, 'M1',
        512, 512, 512, 'M2'
    ],
    'spg': [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M'],
    'adl': [
        64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 'A', 512, 512, 512,
        'A', 'M', 512, 512, 512, 'A'
    ],
}


def vgg_conv_indices(arch):
    """features indices of the convs make_layers builds (vgg.py:266-283)."""
    index, convs = 0, []
    for v in VGG_CFG[arch]:
        if isinstance(v, int):
            convs.append(index)
            index += 2  # conv + ReLU
        else:
            index += 1
    return convs


def vgg_adjust_pretrained_model(pretrained, model_keys):  # vgg.py:216-238

    def _get_keys(keys):
        return sorted(
            {int(k.split('.')[1])
             for k in keys if k.startswith('features.')},
            reverse=True)

    for p_key, c_key in zip(
            _get_keys(list(pretrained)), _get_keys(model_keys)):
        for suffix in ('.weight', '.bias'):
            pretrained[f'features.{c_key}{suffix}'] = pretrained.pop(
                f'features.{p_key}{suffix}')
    return pretrained


VGG_SPG_KEYS = (('features.17', 'SPG_A_1.0'), ('features.19', 'SPG_A_1.2'),
                ('features.21', 'SPG_A_1.4'), ('features.24', 'SPG_A_2.0'),
                ('features.26', 'SPG_A_2.2'), ('features.28', 'SPG_A_2.4'))


def vgg_batch_replace_layer(state_dict):  # vgg.py:241-248
    for old, new in VGG_SPG_KEYS:
        state_dict = replace_layer(state_dict, old, new)
    return state_dict


ADL_POSITION = [[], [], [], [0], [0, 2]]  # wsol/resnet.py:24


def resnet_align_layer(state_dict):  # resnet.py:420-439
    for key in reversed(sorted(state_dict)):
        if 'layer' not in key:
            continue
        key_sp = key.split('.')
        layer_idx, block_idx = int(key_sp[0][-1]), key_sp[1]
        if not ADL_POSITION[layer_idx]:
            continue
        move = sum(1 for pos in ADL_POSITION[layer_idx]
                   if pos < int(block_idx))
        key_sp[1] = str(int(block_idx) + move)
        state_dict['.'.join(key_sp)] = state_dict.pop(key)
    return state_dict


def resnet_batch_replace_layer(state_dict):  # resnet.py:442-449
    state_dict = replace_layer(state_dict, 'layer3.0.', 'SPG_A1.0.')
    for i in range(1, 6):
        state_dict = replace_layer(state_dict, f'layer3.{i}.',
                                   f'SPG_A2.{i - 1}.')
    return state_dict


def benchmark_vgg(file_sd, arch):
    """vgg.py:251-263 -> {benchmark model key: tensor}."""
    sd = OrderedDict(file_sd)
    if arch == 'spg':
        sd = vgg_batch_replace_layer(sd)
    sd = remove_layer(sd, 'classifier.')
    model_keys = [f'features.{i}.weight' for i in vgg_conv_indices(arch)]
    return vgg_adjust_pretrained_model(sd, model_keys)


def benchmark_resnet(file_sd, arch, ilsvrc):
    """resnet.py:452-470 (called with the architecture type, 480-481)."""
    sd = OrderedDict(file_sd)
    if arch == 'adl':
        sd = resnet_align_layer(sd)
    elif arch == 'spg':
        sd = resnet_batch_replace_layer(sd)
    if not ilsvrc or arch in ('acol', 'spg'):
        sd = remove_layer(sd, 'fc')
    return sd


def benchmark_inception(file_sd):  # inception.py:490-503
    sd = OrderedDict(file_sd)
    for keyword in ('Mixed_7', 'AuxLogits', 'fc.'):
        remove_layer(sd, keyword)
    return sd


# --- random torchvision-format files --------------------------------------
def _random_like(shapes, seed):
    gen = torch.Generator().manual_seed(seed)
    out = OrderedDict()
    for key, shape in shapes.items():
        if key.endswith('num_batches_tracked'):
            out[key] = torch.tensor(0)
        else:
            out[key] = torch.randn(shape, generator=gen)
    return out


def _shapes(model):
    return OrderedDict((k, v.shape) for k, v in model.state_dict().items())


@pytest.fixture(scope='module')
def files(tmp_path_factory):
    import torchvision
    root = tmp_path_factory.mktemp('torchvision')
    with torch.device('meta'):
        resnet = _shapes(torchvision.models.resnet50())
        inception = _shapes(
            torchvision.models.inception_v3(
                aux_logits=True, init_weights=False))
        vgg = _shapes(torchvision.models.vgg16().features)
    vgg = OrderedDict((f'features.{k}', v) for k, v in vgg.items())
    # the classifier is dropped by every source (vgg.py:259): its keys are
    # there, at a small size (25088 x 4096 floats would cost 400 MB)
    for i in (0, 3, 6):
        vgg[f'classifier.{i}.weight'] = (4, 4)
        vgg[f'classifier.{i}.bias'] = (4, )
    dicts = {
        'vgg16.pth': _random_like(vgg, 1),
        'resnet50.pth': _random_like(resnet, 2),
        'inception_v3.pth': _random_like(inception, 3),
    }
    paths = {}
    for name, sd in dicts.items():
        paths[name] = str(root / name)
        torch.save(sd, paths[name])
    return paths, dicts


def _arch(recipe):
    method = osp.basename(recipe).split('_')[0].split('-')[0]
    # wsol/config.py:62-67: HaS and CutMix build the 'cam' architecture
    return 'cam' if method in ('has', 'cutmix') else method


_BUILT = {}


def _build_initialised(cfg_dict, paths):
    """Build and init a (sub-)model config once per distinct config."""
    cfg_dict = copy.deepcopy(cfg_dict)
    for _, init in _inits({'m': cfg_dict}):
        init['checkpoint'] = paths[CONVERTER_FILE[init['converter']]]
    key = repr(cfg_dict)
    if key not in _BUILT:
        module = MODELS.build(cfg_dict)
        module.init_weights()
        _BUILT[key] = module
    return _BUILT[key]


@pytest.mark.parametrize('recipe', RECIPES)
def test_recipe_loads_as_the_source(recipe, files):
    paths, dicts = files
    cfg = Config.fromfile(osp.join(REPO, recipe)).model.to_dict()
    inits = dict(_inits(cfg))
    backbone_init = [i for p, i in inits.items() if p[0] == 'backbone']
    assert len(backbone_init) == 1, inits
    converter = backbone_init[0]['converter']
    # the recipe names the file its source loads
    assert backbone_init[0]['checkpoint'].endswith('/' +
                                                   SOURCE_FILE[converter])
    backbone = _build_initialised(cfg['backbone'], paths)
    file_sd = dicts[CONVERTER_FILE[converter]]
    arch = _arch(recipe)
    ilsvrc = '_in1k' in recipe
    ours = {
        k: v
        for k, v in backbone.state_dict().items()
        if not k.endswith('num_batches_tracked')
    }
    if converter == 'torchvision_vgg16':
        bench = benchmark_vgg(file_sd, arch if arch in VGG_CFG else 'cam')
        if arch == 'spg':
            expected = {k: bench[k] for k in ours}
        else:
            convs = [
                n for n, m in backbone.named_modules()
                if isinstance(m, nn.Conv2d)
            ]
            bench_convs = vgg_conv_indices(arch if arch in VGG_CFG else 'cam')
            assert len(convs) == len(bench_convs) == 13
            expected = {}
            for ours_conv, idx in zip(convs, bench_convs):
                for suffix in ('weight', 'bias'):
                    expected[f'{ours_conv}.{suffix}'] = bench[
                        f'features.{idx}.{suffix}']
    elif converter == 'torchvision_resnet50':
        bench = benchmark_resnet(file_sd, arch, ilsvrc)
        expected = {}
        for k in ours:
            match = re.match(r'layer(\d)\.(\d+)\.(.*)', k)
            if arch == 'adl' and match:  # ADLBackbone keeps torchvision's
                layer, block = int(match.group(1)), int(match.group(2))
                block += sum(1 for pos in ADL_POSITION[layer] if pos < block)
                expected[k] = bench[f'layer{layer}.{block}.{match.group(3)}']
            else:
                expected[k] = bench[k]
        # the ILSVRC classifier: kept exactly where the benchmark keeps it
        head_init = inits.get(('head', ))
        assert (head_init is not None) == ('fc.weight' in bench), recipe
        if head_init is not None:
            head = _build_initialised(cfg['head'], paths)
            assert torch.equal(head.fc.weight, bench['fc.weight'])
            assert torch.equal(head.fc.bias, bench['fc.bias'])
    else:
        bench = benchmark_inception(file_sd)
        expected = {k: bench[k] for k in ours}
    assert set(expected) == set(ours)
    wrong = [k for k in ours if not torch.equal(ours[k], expected[k])]
    assert not wrong, f'{recipe}: {wrong[:5]}'


@pytest.mark.parametrize('base, old, new', [
    ('wsol_resnet50_s16.py', 'layer1.0.conv1.weight',
     'layer1.0.conv_1.weight'),
    ('wsol_vgg16_gap.py', 'features.28.bias', 'features.28.b'),
    ('wsol_inception_v3.py', 'Mixed_6e.branch_pool.conv.weight',
     'Mixed_6e.branch_pool.conv.w'),
])
def test_a_renamed_key_stops_the_build(base, old, new, files, tmp_path):
    paths, dicts = files
    sd = OrderedDict(dicts[CONVERTER_FILE[_converter(base)]])
    sd[new] = sd.pop(old)
    bad = str(tmp_path / 'renamed.pth')
    torch.save(sd, bad)
    cfg = Config.fromfile(osp.join(REPO, 'configs/_base_/models',
                                   base)).model.to_dict()['backbone']
    cfg['init_cfg']['checkpoint'] = bad
    backbone = MODELS.build(cfg)
    with pytest.raises(CheckpointMismatchError) as err:
        backbone.init_weights()
    assert new in str(err.value) and 'renamed.pth' in str(err.value)
    # the layer left without weights is named too, in the model's names
    assert 'not in the file' in str(err.value)


def _converter(base):
    cfg = Config.fromfile(osp.join(REPO, 'configs/_base_/models', base))
    return cfg.model.backbone.init_cfg.converter
