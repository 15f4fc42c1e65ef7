"""WSOLEvaluator, deprecated for one release: it warns, and gives the
records, numbers and files of WSOLMetric / PxAPMetric / DumpWSOLScoreMaps."""
import os.path as osp

import numpy as np
import pytest
from test_pxap_metric import _mask_sample
from test_wsol_metric import random_samples

from mmspg.evaluation import (DumpWSOLScoreMaps, PxAPMetric, WSOLEvaluator,
                              WSOLMetric)
from mmspg.registry import METRICS


def test_warns_and_is_still_registered():
    with pytest.warns(DeprecationWarning, match='WSOLMetric'):
        metric = METRICS.build(dict(type='WSOLEvaluator'))
    assert isinstance(metric, WSOLEvaluator) and metric.prefix == 'wsol'
    with pytest.warns(DeprecationWarning):
        with pytest.raises(ValueError, match='cam_threshold'):
            WSOLEvaluator(cam_threshold=1.5)


def test_boxes_and_dump_equal_the_split_metrics(tmp_path):
    samples = random_samples(7, seed=3)
    kw = dict(cam_threshold=0.3, cam_curve_interval=0.01, top5_loc_star=True)
    with pytest.warns(DeprecationWarning):
        old = WSOLEvaluator(**kw, scoremap_dump_dir=str(tmp_path / 'old'))
    new = WSOLMetric(**kw)
    dump = DumpWSOLScoreMaps(out_dir=str(tmp_path / 'new'))
    for part in (samples[:4], samples[4:]):
        for metric in (old, new, dump):
            metric.process(None, part)
    expected = new.evaluate(7)
    assert dump.evaluate(7) == {}
    assert old.evaluate(7) == expected
    assert 'wsol/top5_loc_star' in expected
    for name in ('image_ids.txt', 'class_labels.txt', 'image_sizes.txt',
                 'localization.txt'):
        assert (tmp_path / 'old' / 'metadata' / name).read_text() == \
            (tmp_path / 'new' / 'metadata' / name).read_text()
    for s in samples:
        rel = osp.join('scoremaps', s['image_id'] + '.npy')
        np.testing.assert_array_equal(
            np.load(tmp_path / 'old' / rel), np.load(tmp_path / 'new' / rel))


def test_masks_go_to_pxap(tmp_path):
    fg = np.zeros((224, 224), bool)
    fg[40:160, 50:130] = True
    rng = np.random.default_rng(0)
    samples = [
        _mask_sample(tmp_path, f'm{i}',
                     np.clip(fg * 0.6 + rng.random((224, 224)) * 0.5, 0, 1),
                     fg) for i in range(3)
    ]
    with pytest.warns(DeprecationWarning):
        old = WSOLEvaluator()
    new = PxAPMetric()
    old.process(None, samples)
    new.process(None, samples)
    expected = new.evaluate(3)
    assert 0 < expected['wsol/pxap'] < 100
    assert old.evaluate(3) == expected


def test_split_metrics_refuse_the_other_kind_of_sample(tmp_path):
    fg = np.ones((224, 224), bool)
    mask = _mask_sample(tmp_path, 'x', fg * 1.0, fg)
    with pytest.raises(ValueError, match='PxAPMetric'):
        WSOLMetric().process(None, [mask])
    with pytest.raises(KeyError, match='WSOLMetric'):
        PxAPMetric().process(None, random_samples(1))
    with pytest.raises(ValueError, match='out_dir'):
        DumpWSOLScoreMaps(out_dir='')
