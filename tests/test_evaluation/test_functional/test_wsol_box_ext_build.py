"""The compiled box core is built by the install, and mmspg works without
it (an install without a C compiler)."""
import os

import numpy as np
import pytest

import mmspg.evaluation.functional.wsol_box as wsol_box
from mmspg.evaluation.functional import box_backends, quantized_max_ious


def test_extension_is_built():
    # `pip install -e .` compiles it; only an install without a C compiler
    # may skip it (then set MMSPG_ALLOW_NO_EXT=1 to run the suite).
    if os.environ.get('MMSPG_ALLOW_NO_EXT') == '1':
        pytest.skip('MMSPG_ALLOW_NO_EXT=1')
    assert 'c' in box_backends(), (
        'mmspg.evaluation.functional._wsol_box_ext is not built: run '
        '`pip install -e .` with a C compiler (gcc) available')


def test_without_extension_auto_uses_opencv(monkeypatch):
    q = np.zeros((8, 8), np.uint8)
    q[2:5, 3:7] = 200
    gt = np.array([[3, 2, 7, 5]])
    t = np.array([0.1, 0.5])
    expected = quantized_max_ious(q, gt, t, backend='opencv')
    monkeypatch.setattr(wsol_box, '_wsol_box_ext', None)
    assert box_backends() == ('opencv', )
    got = quantized_max_ious(q, gt, t)
    np.testing.assert_array_equal(got[0], expected[0])
    np.testing.assert_array_equal(got[1], expected[1])
    with pytest.raises(RuntimeError, match='compiled extension'):
        quantized_max_ious(q, gt, t, backend='c')


def test_stale_build_is_ignored_with_a_warning():
    # a build of other sources (no or another API_VERSION) would fail on
    # its first call with the current Python side
    class Stale:
        __file__ = 'old/_wsol_box_ext.so'

    with pytest.warns(UserWarning, match='stale build.*build_ext'):
        assert wsol_box._usable_extension(Stale()) is None
    current = Stale()
    current.API_VERSION = wsol_box.EXT_API_VERSION
    assert wsol_box._usable_extension(current) is current
    assert wsol_box._usable_extension(None) is None
    ext = wsol_box.compiled_extension()
    if ext is not None:  # the build here matches its sources
        assert ext.API_VERSION == wsol_box.EXT_API_VERSION


@pytest.mark.parametrize('kwargs, match', [
    (dict(backend='fast'), 'backend must be one of'),
    (dict(cam_thresholds=np.array([0.5, 1.5])), r'cam_thresholds must lie'),
    (dict(gt_boxes=np.zeros((0, 4))), 'at least one box'),
    (dict(q=np.zeros((4, 4), np.float32)), '2-D uint8'),
])
def test_bad_arguments_are_named(kwargs, match):
    args = dict(
        q=np.zeros((4, 4), np.uint8),
        gt_boxes=np.array([[0, 0, 1, 1]]),
        cam_thresholds=np.array([0.5]))
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        quantized_max_ious(**args)
