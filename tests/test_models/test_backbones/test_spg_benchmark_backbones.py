"""VggSpg / ResNetSpg with SPGHead are the WSOL benchmark's SPG networks
(clovaai/wsolevaluation@96f4b88 wsol/vgg.py:124-213, wsol/resnet.py:
213-331): the layers, which map each branch reads, the map sizes at 224 px,
and where torchvision's weights land (batch_replace_layer)."""
import os.path as osp
from collections import OrderedDict

import pytest
import torch
import torch.nn as nn
from mmengine.config import Config
from mmengine.registry import init_default_scope

from mmspg.registry import MODELS
from mmspg.utils import convert_checkpoint

REPO = osp.dirname(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
BASES = {
    'vgg': 'configs/_base_/models/spg_vgg16_wsolbench.py',
    'resnet': 'configs/_base_/models/spg_resnet50_wsolbench.py',
}
C = 7  # classes

# The benchmark's new layers (name there -> ours, weight shape), read off
# vgg.py:147-175 and resnet.py:240-262.
NEW_LAYERS = {
    'vgg': {
        'SPG_A_3.0': ('head.convs.0.0', (512, 512, 3, 3)),
        'SPG_A_3.2': ('head.convs.1.0', (512, 512, 3, 3)),
        'SPG_A_4': ('head.cls_conv', (C, 512, 1, 1)),
        'SPG_B_1a.0': ('head.spg_b1_conv.0', (512, 512, 3, 3)),
        'SPG_B_2a.0': ('head.spg_b2_conv.0', (512, 512, 3, 3)),
        'SPG_B_shared.0': ('head.spg_b_shared.0.0', (512, 512, 3, 3)),
        'SPG_B_shared.2': ('head.spg_b_shared.1', (1, 512, 1, 1)),
        'SPG_C.0': ('head.spg_c.0.0', (512, 512, 3, 3)),
        'SPG_C.2': ('head.spg_c.1', (1, 512, 1, 1)),
    },
    'resnet': {
        'SPG_A4': ('head.cls_conv', (C, 2048, 1, 1)),
        'SPG_B_1a.0': ('head.spg_b1_conv.0', (1024, 1024, 3, 3)),
        'SPG_B_2a.0': ('head.spg_b2_conv.0', (1024, 1024, 3, 3)),
        'SPG_B_shared.0': ('head.spg_b_shared.0.0', (1024, 1024, 3, 3)),
        'SPG_B_shared.2': ('head.spg_b_shared.1', (1, 1024, 1, 1)),
        'SPG_C.0': ('head.spg_c.0.0', (512, 2048, 3, 3)),
        'SPG_C.2': ('head.spg_c.1', (1, 512, 1, 1)),
    },
}
# what each branch reads (vgg.py:182-197; resnet.py:300-314): branch -> the
# backbone module whose output it takes
READS = {
    'vgg': {
        'spg_b1_conv': 'pool',
        'spg_b2_conv': 'SPG_A_2',
        'convs': 'SPG_A_2'
    },
    'resnet': {
        'spg_b1_conv': 'SPG_A1',
        'spg_b2_conv': 'SPG_A2',
        'cls_conv': 'layer4',
        'spg_c': 'layer4'
    },
}


def _model(arch, large_feature_map=False):
    init_default_scope('mmspg')  # module-scoped fixtures run before conftest's
    cfg = Config.fromfile(osp.join(REPO, BASES[arch])).model
    cfg.backbone.init_cfg = None  # random: the wiring does not need weights
    cfg.backbone.large_feature_map = large_feature_map
    cfg.head.num_classes = C
    torch.manual_seed(0)
    return MODELS.build(cfg)


@pytest.fixture(scope='module', params=['vgg', 'resnet'])
def arch_model(request):
    return request.param, _model(request.param)


def test_new_layers_are_the_benchmarks(arch_model):
    arch, model = arch_model
    params = dict(model.named_parameters())
    ours = {n for n in params if n.startswith('head.')}
    expected = set()
    for bench, (name, shape) in NEW_LAYERS[arch].items():
        assert tuple(params[f'{name}.weight'].shape) == shape, bench
        assert tuple(params[f'{name}.bias'].shape) == (shape[0], )
        expected |= {f'{name}.weight', f'{name}.bias'}
    assert ours == expected  # nothing more, nothing less
    # Xavier-uniform, zero bias (vgg.py:177, resnet.py:264; util.py:50-55)
    model.init_weights()
    conv = params[NEW_LAYERS[arch]['SPG_B_1a.0'][0] + '.weight']
    fan_in, fan_out = conv.shape[1] * 9, conv.shape[0] * 9
    bound = (6 / (fan_in + fan_out))**0.5
    assert conv.abs().max() <= bound and conv.abs().max() > 0.9 * bound
    assert not params[NEW_LAYERS[arch]['SPG_C.0'][0] + '.bias'].any()


@pytest.mark.parametrize('large', [False, True])
@pytest.mark.parametrize('arch', ['vgg', 'resnet'])
def test_branch_wiring_and_map_sizes_at_224(arch, large):
    model = _model(arch, large).eval()
    seen = {}

    def keep(key, index):

        def hook(module, args, output):
            seen[key] = args[0] if index == 'in' else output

        return hook

    for branch, source in READS[arch].items():
        head_module = getattr(model.head, branch)
        if isinstance(head_module, nn.ModuleList):
            head_module = head_module[0]
        head_module.register_forward_hook(keep(('in', branch), 'in'))
        getattr(model.backbone,
                source).register_forward_hook(keep(('out', source), 'out'))
    inputs = torch.rand(2, 3, 224, 224)
    with torch.no_grad():
        feats = model.extract_feat(inputs)
        out = model.head.forward_guidance(feats, torch.tensor([1, 4]))
    side = 28 if large else 14
    widths = (512, 512, 512) if arch == 'vgg' else (1024, 1024, 2048)
    assert [tuple(f.shape) for f in feats] == [(2, c, side, side)
                                               for c in widths]
    for branch, source in READS[arch].items():
        assert seen[('in', branch)] is seen[('out', source)] or torch.equal(
            seen[('in', branch)], seen[('out', source)]), (branch, source)
    if arch == 'vgg':
        # SPG-C reads SPG_A_3's output (vgg.py:194-195): SPG-A's convs
        last = model.head._features(feats[2])
        assert torch.equal(
            model.head.spg_c(last),
            model.head.spg_c(model.head.convs[1](model.head.convs[0](
                feats[2]))))
    assert tuple(out['cams'].shape) == (2, C, side, side)
    for key in ('attention', 'b1', 'b2', 'c', 'seed_b1', 'seed_b2', 'seed_c'):
        assert tuple(out[key].shape) == (2, 1, 224, 224), key


def _random_torchvision(arch):
    import torchvision
    with torch.device('meta'):
        net = torchvision.models.vgg16(
        ) if arch == 'vgg' else torchvision.models.resnet50()
    gen = torch.Generator().manual_seed(5)
    return OrderedDict((k, torch.randn(v.shape, generator=gen))
                       for k, v in net.state_dict().items()
                       if 'classifier' not in k)


def _replace_layer(state_dict, keyword1, keyword2):  # wsol/util.py:35-41
    for key in list(state_dict):
        if keyword1 in key:
            state_dict[key.replace(keyword1, keyword2)] = state_dict.pop(key)
    return state_dict


BATCH_REPLACE = {  # vgg.py:241-248, resnet.py:442-449
    'vgg': [('features.17', 'SPG_A_1.0'), ('features.19', 'SPG_A_1.2'),
            ('features.21', 'SPG_A_1.4'), ('features.24', 'SPG_A_2.0'),
            ('features.26', 'SPG_A_2.2'), ('features.28', 'SPG_A_2.4')],
    'resnet': [('layer3.0.', 'SPG_A1.0.'), ('layer3.1.', 'SPG_A2.0.'),
               ('layer3.2.', 'SPG_A2.1.'), ('layer3.3.', 'SPG_A2.2.'),
               ('layer3.4.', 'SPG_A2.3.'), ('layer3.5.', 'SPG_A2.4.')],
}


def test_rekeying_lands_where_batch_replace_layer_puts_it(arch_model):
    arch, model = arch_model
    file_sd = _random_torchvision(arch)
    expected = OrderedDict(file_sd)
    for old, new in BATCH_REPLACE[arch]:
        expected = _replace_layer(expected, old, new)
    if arch == 'resnet':
        expected.pop('fc.weight'), expected.pop('fc.bias')
    converter = 'torchvision_vgg16' if arch == 'vgg' else \
        'torchvision_resnet50'
    converted, _ = convert_checkpoint(converter, file_sd, model.backbone)
    assert set(converted) == set(expected)
    assert all(torch.equal(converted[k], expected[k]) for k in expected)
    # and every backbone tensor is one of them (nothing new in the trunk)
    own = {
        k
        for k in model.backbone.state_dict()
        if not k.endswith('num_batches_tracked')
    }
    assert own == {k for k in expected if not k.endswith('tracked')}
    renamed = [k for k in converted if k.startswith('SPG_A')]
    # conv4_1-5_3 (weight, bias); layer3's six blocks
    assert len(renamed) == (12 if arch == 'vgg' else len(
        [k for k in file_sd if k.startswith('layer3.')]))
    assert not any(k.startswith('layer3.') for k in converted)


DEFAULT_SEEDS = dict(  # config.py:213-224
    seed_b2=(0.7, 0.01),
    seed_b1=(0.5, 0.05),
    seed_c=(0.7, 0.1))


@pytest.mark.parametrize('recipe', [
    'spg_vgg16-gap-wsolbench_1xb64_in1k.py',
    'spg_resnet50-s16-wsolbench_1xb64_in1k.py',
    'spg_vgg16-gap-wsolbench_1xb32_openimages.py',
    'spg_resnet50-s16-wsolbench_1xb32_openimages.py'
])
def test_default_cells_keep_config_py_values(recipe):
    cfg = Config.fromfile(osp.join(REPO, 'configs', 'spg', recipe))
    for key, (high, low) in DEFAULT_SEEDS.items():
        assert (cfg.model.head[key].high_thr,
                cfg.model.head[key].low_thr) == (high, low)
    assert cfg.model.backbone.large_feature_map is False
    assert 'DEFAULTS:' in open(osp.join(REPO, 'configs', 'spg', recipe)).read()
    assert cfg.model.head.num_classes == (1000 if 'in1k' in recipe else 100)
