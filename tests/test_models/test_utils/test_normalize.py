import torch

from mmspg.models.utils import minmax_normalize


def test_minmax_normalize_per_map():
    maps = torch.randn(2, 3, 5, 6) * 4 + 2
    out = minmax_normalize(maps)
    assert out.shape == maps.shape
    flat = out.flatten(-2)
    assert torch.allclose(flat.amin(-1), torch.zeros(2, 3))
    assert torch.allclose(flat.amax(-1), torch.ones(2, 3))
    # Order inside each map is kept.
    assert torch.equal(out[0, 0].flatten().argsort(),
                       maps[0, 0].flatten().argsort())


def test_constant_map_is_zero_not_nan():
    maps = torch.stack([torch.full((4, 4), 3.0), torch.rand(4, 4)])
    out = minmax_normalize(maps)
    assert not torch.isnan(out).any()
    assert torch.all(out[0] == 0)
    assert out[1].max() == 1
