"""Score-map normalisations (GenDisc/IVR ``inference.py:82-115``) against
values computed by hand on hand-made maps."""
import numpy as np
import pytest

from mmspg.evaluation.functional.scoremap import normalize_scoremap
from mmspg.evaluation.functional.scoremap_norm import (SCOREMAP_NORMS, IVRNorm,
                                                       MaxNorm, MinMaxNorm,
                                                       PaSNorm,
                                                       build_scoremap_norm)

# 2 x 5, n = 10, values -2 .. 8 (sorted: -2 -1 0 1 2 3 4 5 6 8)
CAM = np.array([[-2., -1., 0., 1., 2.], [3., 4., 5., 6., 8.]])


def test_minmax_by_hand():
    out = MinMaxNorm()(CAM)
    # (cam + 2) / 10
    np.testing.assert_allclose(
        out, [[0, .1, .2, .3, .4], [.5, .6, .7, .8, 1.]], atol=1e-15)
    assert out.dtype == np.float64
    # the benchmark's normalize_scoremap, bit for bit
    rng = np.random.default_rng(0)
    m = rng.normal(size=(7, 9))
    assert np.array_equal(MinMaxNorm()(m), normalize_scoremap(m))


def test_max_by_hand():
    # max(cam, 0) / 8
    np.testing.assert_allclose(
        MaxNorm()(CAM), [[0, 0, 0, .125, .25], [.375, .5, .625, .75, 1.]],
        atol=1e-15)
    # not shift-invariant: an all-positive map keeps its minimum
    np.testing.assert_allclose(MaxNorm()(np.array([[2., 4.]])), [[.5, 1.]])


def test_pas_by_hand():
    # c = cam + 2 = 0 1 2 3 4 5 6 7 8 10; default p = 0.9: c[int(9.0)] = 10
    np.testing.assert_allclose(
        PaSNorm()(CAM), [[0, .1, .2, .3, .4], [.5, .6, .7, .8, 1.]],
        atol=1e-15)
    # p = 0.5: c[5] = 5; min(1, c / 5)
    np.testing.assert_allclose(
        PaSNorm(percentile=0.5)(CAM), [[0, .2, .4, .6, .8], [1, 1, 1, 1, 1]],
        atol=1e-15)


def test_ivr_by_hand():
    # p = 0.45: q = sorted(cam)[int(4.5)] = sorted[4] = 2;
    # max(cam - 2, 0) = 0 0 0 0 0 1 2 3 4 6, / 6
    np.testing.assert_allclose(
        IVRNorm()(CAM), [[0, 0, 0, 0, 0], [1 / 6, 2 / 6, 3 / 6, 4 / 6, 1]],
        atol=1e-15)
    # p = 0.2: q = sorted[2] = 0; cam / 8 clipped at 0 (= 'max' here)
    np.testing.assert_allclose(IVRNorm(percentile=0.2)(CAM), MaxNorm()(CAM))


def test_percentile_index_is_the_references_int_expression():
    # 100 * 0.29 = 28.999999999999996 in floating point: the reference's
    # int(n * p) takes index 28, not 29
    cam = np.arange(100, dtype=np.float64).reshape(10, 10)
    out = IVRNorm(percentile=0.29)(cam)
    expected = np.maximum(cam - 28, 0) / 71
    np.testing.assert_allclose(out, expected, atol=1e-15)


@pytest.mark.parametrize(
    'norm', [MinMaxNorm(), MaxNorm(),
             PaSNorm(), IVRNorm()])
def test_constant_or_nan_map_gives_zeros(norm):
    assert not norm(np.full((3, 4), 0.7)).any()
    m = CAM.copy()
    m[0, 0] = np.nan
    out = norm(m)
    assert not np.isnan(out).any() and not out.any()


def test_division_by_zero_cases_are_defined():
    # 'max' with no positive value: zeros (the reference's 0 / 0)
    assert not MaxNorm()(np.array([[-3., -1.]])).any()
    # 'ivr' when the percentile is the maximum: zeros
    top = np.array([[0., 5., 5., 5.]])
    assert not IVRNorm(percentile=0.5)(top).any()
    # 'pas' when the percentile is the minimum (n = 20: sorted(c)[18] is
    # 0, the reference divides by 0): 1 above it, 0 at it
    flat = np.ones((4, 5))
    flat[2, 3] = 4
    expected = np.zeros((4, 5))
    expected[2, 3] = 1
    np.testing.assert_array_equal(PaSNorm()(flat), expected)


@pytest.mark.parametrize('norm', [MinMaxNorm(), PaSNorm(), IVRNorm()])
def test_affine_invariant_ones_rescore_a_minmax_map(norm):
    rng = np.random.default_rng(1)
    m = rng.normal(size=(16, 16))
    assert norm.affine_invariant
    np.testing.assert_allclose(norm(3 * m + 7), norm(m), atol=1e-12)
    np.testing.assert_allclose(
        norm(normalize_scoremap(m)), norm(m), atol=1e-12)


def test_max_is_not_affine_invariant():
    assert not MaxNorm.affine_invariant
    m = np.array([[-1., 1., 3.]])
    assert not np.allclose(MaxNorm()(m + 5), MaxNorm()(m))


def test_input_is_not_modified():
    m = CAM.copy()
    for norm in SCOREMAP_NORMS.values():
        norm()(m)
    assert np.array_equal(m, CAM)


def test_build_by_name_dict_class_name_and_errors():
    assert isinstance(build_scoremap_norm(None), MinMaxNorm)
    assert isinstance(build_scoremap_norm('pas'), PaSNorm)
    ivr = build_scoremap_norm(dict(type='ivr', percentile=0.3))
    assert isinstance(ivr, IVRNorm) and ivr.percentile == 0.3
    assert build_scoremap_norm(dict(type='IVRNorm')).percentile == 0.45
    assert build_scoremap_norm(ivr) is ivr
    with pytest.raises(
            ValueError,
            match="CAMHead: loc_normalize: unknown "
            "normalisation 'l2'"):
        build_scoremap_norm('l2', 'CAMHead: loc_normalize')
    with pytest.raises(ValueError, match='percentile must be a number in'):
        build_scoremap_norm(dict(type='ivr', percentile=1.5))
    with pytest.raises(ValueError, match='bad parameters'):
        build_scoremap_norm(dict(type='max', percentile=0.5))
