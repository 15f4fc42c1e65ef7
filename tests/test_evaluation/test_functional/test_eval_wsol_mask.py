"""PxAP on a hand-made mask with an ignore region."""
import cv2
import numpy as np
import pytest
from PIL import Image

from mmspg.evaluation.functional import (cam_threshold_grid,
                                         load_benchmark_mask, pxap_histograms,
                                         pxap_summary)


@pytest.fixture
def masks(tmp_path):
    fg = np.zeros((112, 112), np.uint8)
    fg[20:60, 20:60] = 255  # resized x2 to 224 by the benchmark (nearest)
    ignore = np.zeros((112, 112), np.uint8)
    ignore[50:90, 50:90] = 255  # overlaps the object: overlap stays fg
    cv2.imwrite(str(tmp_path / 'a_m0.png'), fg)
    cv2.imwrite(str(tmp_path / 'a_ignore.png'), ignore)
    return tmp_path


def test_mask_union_and_ignore_minus_foreground(masks):
    gt = load_benchmark_mask(str(masks), ['a_m0.png'], 'a_ignore.png')
    assert gt.shape == (224, 224)
    assert (gt[40:120, 40:120] == 1).all()
    assert gt[110, 110] == 1  # in both: foreground wins
    assert gt[150, 150] == 255 and gt[130, 100] == 255
    assert gt[10, 10] == 0 and gt[200, 200] == 0
    assert set(np.unique(gt).tolist()) == {0, 1, 255}
    with pytest.raises(FileNotFoundError, match='missing.png'):
        load_benchmark_mask(str(masks), ['missing.png'], '')


def test_mask_exif_orientation_is_ignored(tmp_path):
    """Masks are in the stored frame of their image, as every annotation;
    an EXIF tag (which OpenCV 5 applies to PNGs) must not turn them."""
    fg = np.zeros((112, 112), np.uint8)
    fg[:20, :60] = 255  # a wide bar at the top
    exif = Image.Exif()
    exif[0x0112] = 6  # 90 degrees on display
    Image.fromarray(fg).save(str(tmp_path / 'r_m0.png'), exif=exif)
    gt = load_benchmark_mask(str(tmp_path), ['r_m0.png'], '')
    assert (gt[:40, :120] == 1).all() and (gt[40:, :] == 0).all()


def test_pxap_ignores_the_ignore_region(masks):
    t = cam_threshold_grid(0.01)
    gt = load_benchmark_mask(str(masks), ['a_m0.png'], 'a_ignore.png')
    scoremap = np.full((224, 224), 0.1)
    scoremap[gt == 1] = 0.9
    scoremap[gt == 255] = 0.95  # would be false positives if not ignored
    fg, bg = pxap_histograms(scoremap, gt, t)
    assert fg.sum() == (gt == 1).sum() and bg.sum() == (gt == 0).sum()
    assert pxap_summary(fg, bg, t)['pxap'] == pytest.approx(100.0)
    # Without the ignore file the 0.95 pixels are background that outranks
    # the object: AP = n_fg / (n_fg + n_ignore).
    gt_no_ignore = load_benchmark_mask(str(masks), ['a_m0.png'], '')
    fg, bg = pxap_histograms(scoremap, gt_no_ignore, t)
    n_fg, n_ign = (gt == 1).sum(), (gt == 255).sum()
    assert pxap_summary(fg, bg, t)['pxap'] == pytest.approx(100 * n_fg /
                                                            (n_fg + n_ign))


def test_pxap_errors():
    t = cam_threshold_grid(0.1)
    with pytest.raises(RuntimeError, match='ground-truth'):
        pxap_summary(np.zeros(12), np.ones(12), t)
    with pytest.raises(ValueError, match='shape'):
        pxap_histograms(np.zeros((4, 4)), np.zeros((5, 5), np.uint8), t)
