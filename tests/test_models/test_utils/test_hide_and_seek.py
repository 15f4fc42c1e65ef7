import pytest
import torch

from mmspg.models import HideAndSeek
from mmspg.registry import BATCH_AUGMENTS


def test_mask_on_fixed_rng_by_hand():
    has = HideAndSeek(
        grid_size=2, drop_rate=0.5, generator=torch.Generator().manual_seed(2))
    # torch.rand((2, 3)) with seed 2 is < 0.5 at patches (0, 1) and (1, 0)
    # only; a 3 x 5 image has 2 x 3 patches of 2 x 2, the last row and
    # column clipped
    expected = torch.tensor([[1., 1., 0., 0., 1.], [1., 1., 0., 0., 1.],
                             [0., 0., 1., 1., 1.]])
    torch.testing.assert_close(has.keep_mask(1, 3, 5)[0, 0], expected)
    # and the same rule in general: pixel (r, c) follows patch (r//2, c//2)
    draws = torch.rand((2, 3), generator=torch.Generator().manual_seed(2))
    assert (draws < 0.5).tolist() == [[False, True, False],
                                      [True, False, False]]


def test_call_fills_hidden_pixels_and_keeps_labels():
    has = BATCH_AUGMENTS.build(
        dict(type='HideAndSeek', grid_size=4, drop_rate=0.5, fill=-7.0))
    torch.manual_seed(0)
    x = torch.rand(3, 3, 8, 12) + 1.0
    score = torch.eye(3, dtype=torch.long)  # the preprocessor's one-hot
    torch.manual_seed(1)
    out, out_score = has(x.clone(), score)
    torch.manual_seed(1)
    keep = has.keep_mask(3, 8, 12)
    assert out_score.dtype == torch.float32
    torch.testing.assert_close(out_score, torch.eye(3))
    hidden = keep.expand_as(x) == 0
    assert hidden.any() and (~hidden).any()
    assert (out[hidden] == -7.0).all()
    torch.testing.assert_close(out[~hidden], x[~hidden])
    # patches are whole 4 x 4 blocks, the same in every channel
    blocks = keep[:, 0].reshape(3, 2, 4, 3, 4)
    assert (blocks == blocks[:, :, :1, :, :1]).all()


def test_drop_rate_extremes_and_grid_zero():
    x = torch.rand(2, 3, 6, 6)
    assert (HideAndSeek(4, 1.0)(x, None)[0] == 0).all()
    torch.testing.assert_close(HideAndSeek(4, 0.0)(x, None)[0], x)
    torch.testing.assert_close(HideAndSeek(0, 1.0)(x, None)[0], x)
    # several sizes: one per image, 0 among them hides nothing
    gen = torch.Generator().manual_seed(0)
    masks = HideAndSeek([0, 3], 1.0, generator=gen).keep_mask(20, 6, 6)
    per_image = masks.flatten(1).sum(1)
    assert set(per_image.tolist()) == {0.0, 36.0}


@pytest.mark.parametrize(
    'kwargs', [dict(grid_size=-1),
               dict(grid_size=[]),
               dict(drop_rate=2.0)])
def test_bad_args(kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        HideAndSeek(**kwargs)
