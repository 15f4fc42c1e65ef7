"""The metrics score a map the model normalised (``loc_normalizer``) as the
benchmark's evaluators do: as given, with no second min-max.

Expectations are computed by hand from GenDisc/IVR ``evaluation.py``
(commit 05ba4ca): boxes from ``(map * 255).astype(uint8)`` thresholded at
``int(t * max)``, foreground strictly above (lines 130-139); PxAP from the
histograms of the float scores over ``np.arange(0, 1, 0.001)`` + [1, 2),
[2, 3) (lines 348-352, 370-380, 394-413).
"""
import cv2
import numpy as np
import pytest
import torch
from mmpretrain.structures import DataSample

from mmspg.evaluation import DumpWSOLScoreMaps, PxAPMetric, WSOLMetric
from mmspg.evaluation.functional import (MaxNorm, MinMaxNorm, box_backends,
                                         cam_threshold_grid, quantize_scoremap,
                                         quantized_max_ious)

# A 'max'-normalised 224 x 224 map whose minimum is not 0: the raw map is 1
# on the background and 2 on the object (x 50..99, y 60..119), so
# max(m, 0) / max = 0.5 and 1.
OBJECT = (slice(60, 120), slice(50, 100))


def max_map():
    raw = np.ones((224, 224))
    raw[OBJECT] = 2.0
    m = MaxNorm()(raw).astype(np.float32)
    assert m.min() == 0.5 and m.max() == 1.0
    return m


def box_sample(loc_map, normalizer, image_id='a'):
    ds = DataSample().set_gt_label(0).set_pred_score(torch.tensor([0.9, 0.1]))
    ds.set_field(torch.as_tensor(loc_map), 'gt_loc_map')
    # the object's box as the benchmark's boundingRect gives it (x1 = x + w)
    box = np.array([[50, 60, 100, 120]], np.float32)
    ds.set_field(box, 'gt_bboxes')
    ds.set_field(box, 'ori_gt_bboxes')
    ds.set_field(image_id, 'image_id', field_type='metainfo')
    ds.set_metainfo(dict(ori_shape=(224, 224), img_shape=(224, 224)))
    if normalizer is not None:
        ds.set_field(normalizer, 'loc_normalizer')
    return ds.to_dict()


def evaluate(samples, backend, **kwargs):
    metric = WSOLMetric(box_backend=backend, num_threads=0, **kwargs)
    metric.process(None, samples)
    return metric.compute_metrics(metric.results)


@pytest.mark.parametrize('backend', box_backends())
def test_max_map_boxes_as_the_reference(backend):
    out = evaluate([box_sample(max_map(), MaxNorm())], backend)
    # uint8 map: background int(0.5 * 255) = 127, object 255, max 255. At
    # cam_threshold 0.2 the level is int(0.2 * 255) = 51 < 127: the whole
    # image is foreground, box (0, 0, 223, 223), IoU 3000 / 50176 < 0.5.
    assert out['gt_known_loc'] == 0.0
    # the object alone from level 127 on: the first grid threshold with
    # int(t * 255) >= 127 is 0.499 (0.498 * 255 = 126.99)
    assert out['maxboxacc'] == 100.0
    assert out['best_threshold'] == pytest.approx(0.499)
    assert out['gt_known_loc_best'] == 100.0
    # a second min-max (what the metrics did before) would have made the
    # background 0: a hit at 0.2 and a best threshold of 0
    before = evaluate([box_sample(max_map(), None)], backend)
    assert before['gt_known_loc'] == 100.0
    assert before['best_threshold'] == 0.0


@pytest.mark.parametrize('backend', box_backends())
@pytest.mark.parametrize('frame', ['input', 'original'])
def test_max_map_as_given_in_every_frame(backend, frame):
    out = evaluate([box_sample(max_map(), MaxNorm())],
                   backend,
                   box_frame=frame)
    assert out['gt_known_loc'] == 0.0
    assert out['best_threshold'] == pytest.approx(0.499)


@pytest.mark.parametrize('backend', box_backends())
def test_a_metric_resize_reapplies_the_models_normaliser(backend):
    # a 112 px model scored at 224: our resize (bicubic), then MaxNorm again
    small = cv2.resize(max_map(), (112, 112), interpolation=cv2.INTER_AREA)
    out = evaluate([box_sample(small, MaxNorm())],
                   backend,
                   cam_curve_interval=0.01)
    expected = MaxNorm()(cv2.resize(
        small.astype(np.float64), (224, 224),
        interpolation=cv2.INTER_CUBIC)).astype(np.float32)
    v1, _ = quantized_max_ious(
        quantize_scoremap(expected), np.array([[50, 60, 100, 120]]),
        cam_threshold_grid(0.01))
    assert out['best_threshold'] == pytest.approx(
        cam_threshold_grid(0.01)[int(np.argmax(v1 >= 0.5))])
    assert out['best_threshold'] > 0.3  # not min-max: the background stays
    assert out['gt_known_loc'] == 0.0


@pytest.mark.parametrize('backend', box_backends())
def test_minmax_maps_score_as_before(backend):
    # min 0, max 1 exactly: as given == min-max again, bit for bit
    rng = np.random.default_rng(0)
    maps = [  # CAM-like: a 7 x 7 map upsampled (noise would be slow)
        MinMaxNorm()(cv2.resize(
            rng.random((7, 7)), (224, 224),
            interpolation=cv2.INTER_CUBIC)).astype(np.float32)
        for _ in range(3)
    ]
    new = evaluate(
        [box_sample(m, MinMaxNorm(), str(i)) for i, m in enumerate(maps)],
        backend)
    old = evaluate([box_sample(m, None, str(i)) for i, m in enumerate(maps)],
                   backend)
    assert new == old


@pytest.mark.parametrize('backend', box_backends())
def test_out_of_range_normalised_map_is_a_clear_error(backend):
    bad = max_map() * 2  # max 2: not what a normaliser may give
    with pytest.raises(ValueError, match=r"image 'a'.*\[0, 1\]"):
        evaluate([box_sample(bad, MaxNorm())], backend)


def mask_sample(tmp_path, loc_map, normalizer, fg):
    mask_path = str(tmp_path / 'm.png')
    cv2.imwrite(mask_path, fg.astype(np.uint8) * 255)
    ds = DataSample().set_gt_label(0).set_pred_score(torch.tensor([0.9, 0.1]))
    ds.set_field(torch.as_tensor(loc_map), 'gt_loc_map')
    ds.set_field([mask_path], 'gt_mask_paths')
    ds.set_field('', 'ignore_mask_path')
    ds.set_field('a', 'image_id', field_type='metainfo')
    if normalizer is not None:
        ds.set_field(normalizer, 'loc_normalizer')
    return ds.to_dict()


def test_max_map_pxap_as_the_reference(tmp_path):
    # foreground: A (10 x 10 = 100 px) at 1.0 and B (30 x 30 = 900 px) at
    # 0.5008; background at 0.5 (the map's minimum, not 0)
    m = np.full((224, 224), 0.5, np.float32)
    m[0:10, 0:10] = 1.0
    m[100:130, 100:130] = 0.5008
    fg = m > 0.5
    metric = PxAPMetric()
    metric.process(None, [mask_sample(tmp_path, m, MaxNorm(), fg)])
    out = metric.compute_metrics(metric.results)
    # B and the background share the bin [0.5, 0.501): the curve has two
    # points, (recall 0.1, precision 1) from the bin [1, 2) and (1, 1000 /
    # 50176) from that bin: AP = 0.1 + 0.9 * 1000 / 50176
    assert out['pxap'] == pytest.approx(100 * (0.1 + 0.9 * 1000 / 50176))
    # min-max again (before) splits them (B -> 0.0016): AP 100
    metric = PxAPMetric()
    metric.process(None, [mask_sample(tmp_path, m, None, fg)])
    assert metric.compute_metrics(metric.results)['pxap'] == pytest.approx(100)


def test_dump_writes_the_map_as_given(tmp_path):
    dump = DumpWSOLScoreMaps(out_dir=str(tmp_path))
    dump.process(None, [box_sample(max_map(), MaxNorm())])
    saved = np.load(tmp_path / 'scoremaps' / 'a.npy')
    np.testing.assert_array_equal(saved, max_map())
