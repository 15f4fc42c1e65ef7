"""The WSOL benchmark's tuned recipes (issue #17) resolve to their cell's
values: one case per high / medium row of docs/research/
wsolbench_hparams.csv whose (dataset, backbone, method) has a tuned recipe,
checked in the resolved config or in what it builds; each recipe and
metafile carries the benchmark's number of its cell."""
import csv
import functools
import glob
import os.path as osp
import re

import pytest
import torch
import yaml
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope

from mmspg.registry import MODELS, PARAM_SCHEDULERS

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CSV = osp.join(REPO, 'docs', 'research', 'wsolbench_hparams.csv')
METHODS = ('cam', 'has', 'acol', 'spg', 'adl', 'cutmix')
BACKBONES = {
    'vgg16-gap': 'vgg16',
    'inception-v3': 'inception_v3',
    'resnet50-s8': 'resnet50',
    'resnet50-s16': 'resnet50'
}
DATASETS = {'cub': 'CUB', 'in1k': 'ILSVRC', 'openimages': 'OpenImages'}
SCORES = ('MaxBoxAccV2', 'PxAP')
# cells with tuned values but no recipe, cells without an mmspg component:
# none since VggSpg / ResNetSpg (wsol/vgg.py:124, wsol/resnet.py:213)
NO_RECIPE = set()
NO_COMPONENT = set()

with open(CSV, newline='') as f:
    ROWS = list(csv.DictReader(f))
# the benchmark's scores at two decimals (GenDisc/IVR@05ba4ca perf.png)
with open(CSV.replace('.csv', '_more.csv'), newline='') as f:
    SCORES_2DP = {
        (r['dataset'], r['backbone'], r['method']): r['value']
        for r in csv.DictReader(f) if r['param'] in SCORES
    }


def _cell_of(path):
    """(dataset, backbone, method) of a benchmark recipe, or None."""
    m = re.fullmatch(
        r'([a-z]+)_([a-z0-9-]+?)(-wsolbench)?_(\d+)xb(\d+)_'
        r'([a-z0-9]+)\.py', osp.basename(path))
    if not m or m.group(1) not in METHODS or m.group(2) not in BACKBONES \
            or m.group(6) not in DATASETS:
        return None
    if (m.group(1) == 'spg') != bool(m.group(3)):
        return None  # SPG's benchmark recipes are its -wsolbench ones
    return DATASETS[m.group(6)], BACKBONES[m.group(2)], m.group(1)


def _header(path):
    lines = []
    with open(path) as f:
        for line in f:
            if not line.startswith('#'):
                break
            lines.append(line[1:].strip())
    return ' '.join(lines)


RECIPES = {}  # cell -> path
for _path in sorted(glob.glob(osp.join(REPO, 'configs', '*', '*.py'))):
    _cell = _cell_of(_path)
    if _cell is not None:
        assert _cell not in RECIPES, (_path, RECIPES.get(_cell))
        RECIPES[_cell] = _path
TUNED = {c: p for c, p in RECIPES.items() if 'TUNED:' in _header(p)}


def _agrees(actual, expected):
    """``actual`` equals the CSV string ``expected`` to its precision (the
    sources print 9-11 significant digits, some truncated)."""
    if expected.upper() in ('TRUE', 'FALSE'):
        return actual is (expected.upper() == 'TRUE')
    if isinstance(actual, bool):
        return False
    value = float(expected)
    if 'E' in expected.upper() or '.' not in expected:
        return actual == pytest.approx(value, rel=1e-9)
    decimals = len(expected.split('.')[1])
    return abs(actual - value) < 10**-decimals


def _same(a, b):
    if a.upper() in ('TRUE', 'FALSE') or b.upper() in ('TRUE', 'FALSE'):
        return a.upper() == b.upper()
    return _agrees(float(a), b) or _agrees(float(b), a)


def _trusted_rows():
    rows = [
        r for r in ROWS if r['confidence'] in ('high', 'medium')
        and r['param'] not in SCORES and r['dataset'] in DATASETS.values()
    ]
    return rows


def _cases():
    """(cell, param, expected value, the conflicting values or ())."""
    groups = {}
    for r in _trusted_rows():
        cell = (r['dataset'], r['backbone'], r['method'])
        if cell in TUNED:
            groups.setdefault((cell, r['param']), []).append(r['value'])
    cases = []
    for (cell, param), values in groups.items():
        distinct = []
        for v in values:
            if not any(_same(v, d) for d in distinct):
                distinct.append(v)
        if len(distinct) == 1:
            cases.append((cell, param, distinct[0], ()))
        else:
            chosen = _chosen(TUNED[cell], param, distinct)
            cases.append((cell, param, chosen, tuple(distinct)))
    return cases


def _chosen(path, param, values):
    """The value a recipe's header names as chosen in its 'Conflict:' line
    of ``param``; every value of the conflict must be named there."""
    text = _header(path)
    for part in text.split('Conflict: ')[1:]:
        if part.split()[0] != param:
            continue
        for v in values:
            assert v in part, f'{path}: conflict of {param} omits {v}'
        m = re.search(r'chosen ([0-9.eE+-]+|True|False)', part)
        assert m, f'{path}: conflict of {param} names no chosen value'
        (chosen, ) = [v for v in values if _same(v, m.group(1))]
        return chosen
    raise AssertionError(f'{path}: the sources disagree on {param} '
                         f'({values}) but the header names no conflict')


CASES = _cases()


@functools.lru_cache(maxsize=None)
def _cfg(path):
    return Config.fromfile(path)


@functools.lru_cache(maxsize=None)
def _model(path):
    """The recipe's model with its data preprocessor (batch augments), no
    pretrained weights."""
    init_default_scope('mmspg')
    cfg = _cfg(path)
    model_cfg = cfg.model.copy()
    inner = model_cfg.backbone
    if inner.type == 'ADLBackbone':
        inner = inner.backbone
    inner.init_cfg = None  # no download
    model_cfg.setdefault('data_preprocessor', cfg.data_preprocessor)
    torch.manual_seed(0)
    return MODELS.build(model_cfg)


def _gpus_x_batch(path):
    gpus, batch = re.search(r'_(\d+)xb(\d+)_', osp.basename(path)).groups()
    assert _cfg(path).train_dataloader.batch_size == int(batch)
    return int(gpus) * int(batch)


def _decays_as_benchmark(cfg, frequency):
    """The scheduler's lr per 0-based epoch is main.py's: before each epoch
    adjust_learning_rate(epoch + 1) (main.py:370) multiplies by 0.1 when
    that 1-based epoch is a multiple of lr_decay_frequency (main.py:337-340).
    """
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    scheduler = PARAM_SCHEDULERS.build(
        dict(cfg.param_scheduler, optimizer=optimizer))
    bench_lr = 1.0
    for epoch in range(cfg.train_cfg.max_epochs):
        if (epoch + 1) % frequency == 0:
            bench_lr *= 0.1
        if optimizer.param_groups[0]['lr'] != pytest.approx(bench_lr):
            return False
        scheduler.step()
    return True


def _large_feature_map(model, backbone):
    """What the built backbone does, as the benchmark's flag would."""
    net = model.backbone
    if backbone == 'inception_v3':
        # no max-pool after Mixed_5d (wsol/inception.py:183-184)
        return net.pool_5d is None
    if backbone == 'resnet50':
        # layer3 at stride 1 (wsol/resnet.py:73, 84; the 'pytorch' style
        # strides the 3x3 conv)
        # (ResNetSpg: layer3's first block is SPG_A1, resnet.py:233-236)
        first = net.SPG_A1[0] if hasattr(net, 'SPG_A1') else net.layer3[0]
        return tuple(first.conv2.stride) == (1, 1)
    # VGG16: the '28x28' configs drop pool4 (wsol/vgg.py:25-47)
    halving = [
        m for m in net.modules()
        if isinstance(m, torch.nn.MaxPool2d) and m.stride == 2
    ]
    return len(halving) == 3


def _adl_layers(model):
    return [m for m in model.modules() if type(m).__name__ == 'ADL']


SPG_SEEDS = {'1': 'seed_b2', '2': 'seed_b1', '3': 'seed_c'}


def _resolved(path, cell, param):
    cfg = _cfg(path)
    if param == 'lr':
        return cfg.optim_wrapper.optimizer.lr
    if param == 'weight_decay':
        return cfg.optim_wrapper.optimizer.weight_decay
    if param == 'epochs':
        return cfg.train_cfg.max_epochs
    if param == 'batch_size':
        return _gpus_x_batch(path)
    model = _model(path)
    if param == 'large_feature_map':
        return _large_feature_map(model, cell[1])
    if param.startswith('spg_threshold_'):
        # 1h/1l seed B2 from the attention, 2h/2l B1 from sigmoid(B2), 3h/3l
        # C from the fused map (wsol/method/spg.py:36-56; config.py:249-251)
        level, side = param[-2], param[-1]
        seed = getattr(model.head, SPG_SEEDS[level])
        return seed.high_thr if side == 'h' else seed.low_thr
    if param == 'acol_threshold':
        return model.head.erase_threshold
    if param in ('adl_drop_rate', 'adl_threshold'):
        layers = _adl_layers(model)
        # three ADL layers per benchmark architecture, one value for all
        # (main.py:123-124; wsol/vgg.py:43-44, resnet.py:24,
        # inception.py:414-416)
        assert len(layers) == 3
        attr = 'drop_rate' if param == 'adl_drop_rate' else 'threshold_ratio'
        (value, ) = {getattr(m, attr) for m in layers}
        return value
    augment = model.data_preprocessor.batch_augments
    if param == 'has_grid_size':
        (grid, ) = augment.augments[0].grid_sizes
        return grid
    if param == 'has_drop_rate':
        return augment.augments[0].drop_rate
    if param == 'cutmix_beta':
        return augment.augments[0].alpha
    if param == 'cutmix_prob':
        # RandomBatchAugment adds "no augment" with 1 - p (main.py:165-167
        # mixes a batch when cutmix_prob > rand)
        assert augment.augments[1:] == [None]
        return augment.probs[0]
    raise KeyError(f'no check for the CSV parameter {param!r}')


@pytest.mark.parametrize(
    'cell, param, expected, conflict',
    CASES,
    ids=['-'.join(c[0]) + f'-{c[1]}' for c in CASES])
def test_tuned_recipe_has_the_cells_value(cell, param, expected, conflict):
    path = TUNED[cell]
    if param == 'lr_decay_frequency':
        cfg = _cfg(path)
        assert _decays_as_benchmark(cfg, int(expected))
        assert cfg.param_scheduler.gamma == 0.1
        return
    actual = _resolved(path, cell, param)
    assert _agrees(actual, expected), (path, param, actual, expected)


def test_every_cell_with_values_has_a_tuned_recipe():
    with_lr = {(r['dataset'], r['backbone'], r['method'])
               for r in _trusted_rows() if r['param'] == 'lr'}
    assert with_lr - NO_RECIPE <= set(TUNED)
    assert not NO_COMPONENT & set(RECIPES)
    # and the ones without values keep the defaults, saying so
    for cell, path in RECIPES.items():
        if cell not in TUNED:
            assert 'DEFAULTS:' in _header(path), path
            assert cell not in with_lr, path


def test_cases_cover_every_tuned_recipe():
    """Each tuned recipe is checked for the schedule and its batch, and for
    its lr unless every source of that lr is low: then the recipe takes a
    low row's value and its header says so."""
    for cell, path in TUNED.items():
        params = {p for c, p, _, _ in CASES if c == cell}
        assert {'weight_decay', 'epochs', 'lr_decay_frequency',
                'batch_size'} <= params, (cell, params)
        if 'lr' not in params:
            lr = _cfg(path).optim_wrapper.optimizer.lr
            low = [
                r['value'] for r in ROWS
                if r['param'] == 'lr' and (r['dataset'], r['backbone'],
                                           r['method']) == cell
            ]
            (value, ) = [v for v in low if _agrees(lr, v)]
            assert f'lr {value} (low)' in _header(path)
        if cell[1] == 'inception_v3' and cell[2] != 'cam':
            # only low rows (both WSOL_RS copies): False, as the header says
            assert 'large_feature_map' not in params
            assert 'large_feature_map False' in _header(path)
            assert not _large_feature_map(_model(path), cell[1])


# main.py:72-77, 141-153: the parameters whose name holds one of these are
# the feature layers (lr) for VGG / Inception and the classifier layers
# (lr x lr_classifier_ratio, 10 by config.py:197) for ResNet
FEATURE_PATTERNS = {
    'vgg16': ('features.', ),
    'inception_v3': ('Mixed', 'Conv2d_1', 'Conv2d_2', 'Conv2d_3', 'Conv2d_4'),
    'resnet50': ('layer4.', 'fc.'),
}


@pytest.mark.parametrize('cell', sorted(TUNED), ids='-'.join)
def test_classifier_lr_is_ten_times_the_cells_lr(cell):
    path = TUNED[cell]
    cfg = _cfg(path)
    model = _model(path)
    lr = cfg.optim_wrapper.optimizer.lr
    optimizer = build_optim_wrapper(model, cfg.optim_wrapper).optimizer
    names = {id(p): n for n, p in model.named_parameters()}
    patterns = FEATURE_PATTERNS[cell[1]]
    seen = set()
    for group in optimizer.param_groups:
        for p in group['params']:
            name = names[id(p)]
            seen.add(name)
            hit = any(k in name for k in patterns)
            ten_x = hit if cell[1] == 'resnet50' else not hit
            assert group['lr'] == pytest.approx(lr * (10 if ten_x else 1)), \
                name
            assert group['nesterov'] is True and group['momentum'] == 0.9
    assert seen == set(names.values())


def _score(cell):
    (row, ) = [
        r for r in ROWS if (r['dataset'], r['backbone'],
                            r['method']) == cell and r['param'] in SCORES
    ]
    return row['param'], row['value']


@pytest.mark.parametrize('cell', sorted(RECIPES), ids='-'.join)
def test_header_and_metafile_carry_the_benchmark_number(cell):
    path = RECIPES[cell]
    metric, value = _score(cell)
    assert f'{metric} {value}' in _header(path), path
    folder = osp.dirname(path)
    with open(osp.join(folder, 'metafile.yml')) as f:
        models = yaml.safe_load(f)['Models']
    name = osp.splitext(osp.basename(path))[0]
    (model, ) = [m for m in models if m['Name'] == name]
    (result, ) = model['Results']
    two = SCORES_2DP[cell]
    assert result['Metrics'] == {f'{metric} (paper)': float(two)}
    # the header's one decimal (main_table.png: CAM + the method's delta)
    # agrees with it within that rounding
    assert abs(float(two) - float(value)) < 0.1
    with open(osp.join(folder, 'README.md')) as f:
        (row, ) = [
            ln for ln in f.read().splitlines()
            if ln.startswith(f'| [{name}](./{name}.py)')
        ]
    assert f'{metric} {two}' in row, row


def test_reproduce_md_lists_all_54_cells():
    with open(osp.join(REPO, 'docs', 'reproduce.md')) as f:
        text = f.read()
    cells = {(r['dataset'], r['backbone'], r['method'])
             for r in ROWS if r['param'] in SCORES}
    assert len(cells) == 54
    for cell in cells:
        metric, value = _score(cell)
        key = f'| {cell[2]} | {cell[1]} | {cell[0]} |'
        (line, ) = [ln for ln in text.splitlines() if ln.startswith(key)]
        assert f'| {metric} {SCORES_2DP[cell]} |' in line, line
        path = RECIPES.get(cell)
        if path is None:
            assert cell in NO_COMPONENT and 'no recipe' in line, line
        else:
            assert osp.relpath(path, REPO) in line, line
            assert ('tuned' if cell in TUNED else 'defaults') in line, line
