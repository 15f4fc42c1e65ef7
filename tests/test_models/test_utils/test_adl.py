import pytest
import torch

from mmspg.models import ADL
from mmspg.registry import MODELS


def _x():
    # channel mean of each pixel: [[1, 2], [3, 4]] (image 0), [[-1, 0], [0,
    # 8]] (image 1)
    a = torch.tensor([[1., 2.], [3., 4.]])
    b = torch.tensor([[-1., 0.], [0., 8.]])
    x = torch.stack([torch.stack([a - 1, a + 1]), torch.stack([b, b])])
    return x  # (2, 2, 2, 2)


def test_importance_map_and_drop_mask_by_hand():
    adl = ADL(drop_rate=0.75, threshold_ratio=0.8)
    x = _x()
    torch.testing.assert_close(
        adl.importance_map(x)[:, 0],
        torch.sigmoid(
            torch.tensor([[[1., 2.], [3., 4.]], [[-1., 0.], [0., 8.]]])))
    # threshold 0.8 * max: image 0 -> 3.2 (drop the 4), image 1 -> 6.4
    expected = torch.tensor([[[1., 1.], [1., 0.]], [[1., 1.], [1., 0.]]])
    torch.testing.assert_close(adl.drop_mask(x)[:, 0], expected)


def test_drop_rate_decides_which_map_per_call():
    x = _x()
    always_drop = ADL(drop_rate=1.0, threshold_ratio=0.8).train()
    torch.testing.assert_close(always_drop(x), x * always_drop.drop_mask(x))
    never_drop = ADL(drop_rate=0.0, threshold_ratio=0.8).train()
    torch.testing.assert_close(never_drop(x), x * never_drop.importance_map(x))
    # one draw u per call: drop iff u + rate >= 1 (adl.py:33-36)
    gen = torch.Generator().manual_seed(0)
    draws = torch.rand(20, generator=torch.Generator().manual_seed(0))
    adl = ADL(drop_rate=0.75, generator=gen).train()
    dropped = [
        bool(torch.equal(adl(x), x * adl.drop_mask(x))) for _ in range(20)
    ]
    assert dropped == (draws + 0.75 >= 1).tolist()
    assert 0 < sum(dropped) < 20


def test_eval_is_identity():
    adl = MODELS.build(dict(type='ADL', drop_rate=1.0)).eval()
    x = _x()
    assert adl(x) is x


@pytest.mark.parametrize(
    'kwargs',
    [dict(drop_rate=1.5), dict(threshold_ratio=-0.1)])
def test_bad_args(kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        ADL(**kwargs)
