"""SPGInceptionV3(variant='wsol-benchmark'): the WSOL benchmark's trunk
(clovaai/wsolevaluation wsol/inception.py InceptionSpg), same weights."""
import pytest
import torch
import torch.nn.functional as F

from mmspg.models import SPGInceptionV3


@pytest.fixture(scope='module')
def pair():
    torch.manual_seed(0)
    official = SPGInceptionV3(
        out_indices=('Mixed_5d', 'Mixed_6d', 'Mixed_6e')).eval()
    official.init_weights()
    bench = SPGInceptionV3(variant='wsol-benchmark').eval()
    # the same parameters and buffers: one checkpoint fits both
    assert official.state_dict().keys() == bench.state_dict().keys()
    bench.load_state_dict(official.state_dict())
    return official, bench


def test_benchmark_pools_after_mixed_5d(pair):
    official, bench = pair
    x = torch.rand(1, 3, 96, 96)
    with torch.no_grad():
        f_off = official(x)
        f_bench = bench(x)
    # Mixed_5d: the official map, max-pooled 3x3 / 2, no padding, ceil
    # (wsol/inception.py lines 364-365); B1 is tapped there (line 367)
    pooled = F.max_pool2d(f_off[0], kernel_size=3, stride=2, ceil_mode=True)
    assert torch.equal(f_bench[0], pooled)
    assert [f.shape[-1] for f in f_off] == [12, 12, 12]  # 96 / 8
    assert [f.shape[-1] for f in f_bench] == [6, 6, 6]


def test_large_feature_map_is_the_official_trunk(pair):
    official, _ = pair
    large = SPGInceptionV3(
        variant='wsol-benchmark', large_feature_map=True).eval()
    large.load_state_dict(official.state_dict())
    x = torch.rand(1, 3, 64, 64)
    with torch.no_grad():
        for a, b in zip(official(x), large(x)):
            assert torch.equal(a, b)
    assert large.pool_5d is None and official.pool_5d is None


def test_bad_arguments():
    with pytest.raises(ValueError, match='variant'):
        SPGInceptionV3(variant='benchmark')
    with pytest.raises(ValueError, match='large_feature_map'):
        SPGInceptionV3(variant='wsol-benchmark', large_feature_map='yes')
