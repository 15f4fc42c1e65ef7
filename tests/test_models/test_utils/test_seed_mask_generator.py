import pytest
import torch

from mmspg.models import SeedMaskGenerator
from mmspg.registry import MODELS


def reference_seeds(att,
                    high_thr,
                    low_thr,
                    min_fg_pixels=30,
                    fallback_ratio=0.7):
    """Per-image loop as the official mark_obj/mark_bg (without its
    threshold-leak between images)."""
    out = torch.full_like(att, 255.)
    for i in range(att.shape[0]):
        a = att[i]
        pos = a > high_thr
        if int(pos.sum()) < min_fg_pixels:
            pos = a > float(a.max()) * fallback_ratio
        out[i][pos] = 1.
        out[i][a < low_thr] = 0.
    return out


def test_registered_and_values():
    gen = MODELS.build(
        dict(type='SeedMaskGenerator', high_thr=0.7, low_thr=0.05))
    assert isinstance(gen, SeedMaskGenerator)
    att = torch.rand(3, 1, 20, 20)
    mask = gen(att)
    assert mask.shape == att.shape and mask.is_floating_point()
    assert set(mask.unique().tolist()) <= {0., 1., 255.}
    assert torch.equal(mask == 1, att > 0.7)
    assert torch.equal(mask == 0, att < 0.05)
    assert torch.equal(mask == 255, (att >= 0.05) & (att <= 0.7))


def test_both_shapes_agree():
    gen = SeedMaskGenerator(0.6, 0.2)
    att = torch.rand(2, 16, 16)
    assert gen(att).shape == (2, 16, 16)
    assert torch.equal(gen(att), gen(att[:, None])[:, 0])


def test_fallback_per_image():
    gen = SeedMaskGenerator(0.7, 0.05, min_fg_pixels=30, fallback_ratio=0.7)
    att = torch.rand(2, 1, 10, 10) * 0.5 + 0.1  # image 0: nothing > 0.7
    att[1] = torch.rand(1, 10, 10) * 0.2 + 0.8  # image 1: all > 0.7
    mask = gen(att)
    # Image 0 falls back to att > 0.7 * its own max.
    thr0 = 0.7 * att[0].max()
    assert torch.equal(mask[0] == 1, att[0] > thr0)
    assert (mask[0] == 1).sum() > 0
    # Image 1 keeps the absolute threshold (no leak from image 0).
    assert torch.equal(mask[1] == 1, att[1] > 0.7)


def test_fallback_count_boundary():
    gen = SeedMaskGenerator(0.7, 0.05, min_fg_pixels=30)
    att = torch.full((2, 1, 10, 10), 0.5)
    att[0].view(-1)[:30] = 0.9  # exactly 30 fg pixels: no fallback
    att[1].view(-1)[:29] = 0.9  # 29: fallback to > 0.63 -> same pixels
    att[1].view(-1)[29] = 0.65  # ... plus this one
    mask = gen(att)
    assert (mask[0] == 1).sum() == 30
    assert (mask[1] == 1).sum() == 30 and mask[1].view(-1)[29] == 1


def test_background_wins():
    gen = SeedMaskGenerator(0.7, 0.1)
    # Max 0.05: fallback marks att > 0.035 as fg, but all are < 0.1 -> bg.
    att = torch.rand(1, 1, 8, 8) * 0.05
    assert torch.all(gen(att) == 0)


def test_vectorised_matches_reference():
    torch.manual_seed(0)
    att = torch.rand(6, 1, 24, 24)
    att[::2] *= torch.rand(3, 1, 1, 1) * 0.8  # several trigger the fallback
    for high, low in ((0.7, 0.05), (0.5, 0.05), (0.7, 0.1)):
        gen = SeedMaskGenerator(high, low)
        assert torch.equal(gen(att), reference_seeds(att, high, low))


def test_no_gradient():
    att = torch.rand(2, 1, 8, 8, requires_grad=True)
    mask = SeedMaskGenerator(0.7, 0.05)(att)
    assert not mask.requires_grad


@pytest.mark.parametrize('kwargs, name', [
    (dict(high_thr=0.3, low_thr=0.5), 'low_thr'),
    (dict(high_thr=1.5, low_thr=0.1), 'high_thr'),
    (dict(high_thr=0.7, low_thr=-0.1), 'low_thr'),
    (dict(high_thr=0.7, low_thr=0.0), 'low_thr'),
    (dict(high_thr=1.0, low_thr=0.1), 'high_thr'),
    (dict(high_thr=0.7, low_thr=0.1, fallback_ratio=0.), 'fallback_ratio'),
    (dict(high_thr=0.7, low_thr=0.1, min_fg_pixels=-1), 'min_fg_pixels'),
    (dict(high_thr='a', low_thr=0.1), 'high_thr'),
])
def test_validation(kwargs, name):
    with pytest.raises(ValueError, match=name):
        SeedMaskGenerator(**kwargs)


def test_bad_shape():
    with pytest.raises(ValueError, match='shape'):
        SeedMaskGenerator(0.7, 0.1)(torch.rand(2, 3, 8, 8))
