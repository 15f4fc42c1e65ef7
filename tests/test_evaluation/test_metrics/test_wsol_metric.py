"""WSOLMetric (and DumpWSOLScoreMaps beside it) on hand-built DataSamples."""
import cv2
import numpy as np
import pytest
import torch
from mmpretrain.structures import DataSample

from mmspg.evaluation import DumpWSOLScoreMaps, WSOLMetric
from mmspg.evaluation.functional import (box_backends, compiled_extension,
                                         evaluate_scoremap_folder)
from mmspg.registry import METRICS


def make_sample(label, score, loc_map, gt_bboxes, ori_gt_bboxes, ori_shape,
                image_id):
    """A DataSample as WSOLClassifier + PackInputs produce it, as a dict."""
    ds = DataSample().set_gt_label(label).set_pred_score(
        torch.as_tensor(score, dtype=torch.float32))
    ds.set_field(torch.as_tensor(loc_map, dtype=torch.float32), 'gt_loc_map')
    ds.set_field(np.asarray(gt_bboxes, np.float32).reshape(-1, 4), 'gt_bboxes')
    ds.set_field(
        np.asarray(ori_gt_bboxes, np.float32).reshape(-1, 4), 'ori_gt_bboxes')
    ds.set_field(image_id, 'image_id', field_type='metainfo')
    ds.set_metainfo(
        dict(ori_shape=tuple(ori_shape), img_shape=tuple(np.shape(loc_map))))
    return ds.to_dict()


def block_map(size, y0, y1, x0, x1):
    m = np.zeros((size, size), np.float32)
    m[y0:y1, x0:x1] = 1
    return m


def scores(order, num_classes=10):
    """Scores ranking the classes in ``order`` first."""
    s = np.zeros(num_classes)
    for rank, c in enumerate(order):
        s[c] = 1.0 - 0.05 * rank
    return s / s.sum()


def test_registered_and_cam_threshold_checked():
    assert METRICS.get('WSOLMetric') is WSOLMetric
    assert WSOLMetric().prefix == 'wsol'
    for bad in (0, 1, 1.5, -0.1):
        with pytest.raises(ValueError, match='cam_threshold'):
            WSOLMetric(cam_threshold=bad)
    with pytest.raises(ValueError, match='box_frame'):
        WSOLMetric(box_frame='crop')


def cls_loc_samples():
    # 56 x 56 input, original 112 x 112 (benchmark frame 224 = 4x input).
    hit = block_map(56, 10, 30, 10, 40)
    gt_in = [[10, 10, 40, 30]]
    gt_ori = [[20, 20, 80, 60]]
    miss = block_map(56, 45, 50, 45, 50)
    return [
        # top-1 right, box hit
        make_sample(0, scores([0, 1, 2, 3, 4]), hit, gt_in, gt_ori, (112, 112),
                    'a.jpg'),
        # GT ranked 3rd: top-1 wrong, top-5 right; box hit
        make_sample(1, scores([5, 6, 1, 7, 8]), hit, gt_in, gt_ori, (112, 112),
                    'b.jpg'),
        # GT ranked 6th; box miss
        make_sample(2, scores([3, 4, 5, 6, 7, 2]), miss, gt_in, gt_ori,
                    (112, 112), 'c.jpg'),
    ]


@pytest.mark.parametrize('frame', ['benchmark', 'original', 'input'])
def test_top1_top5_gt_known(frame):
    metric = WSOLMetric(
        cam_threshold=0.5, box_frame=frame, cam_curve_interval=0.01)
    metric.process(None, cls_loc_samples())
    res = metric.evaluate(3)
    assert res['wsol/top1_cls'] == pytest.approx(100 / 3)
    assert res['wsol/top5_cls'] == pytest.approx(200 / 3)
    assert res['wsol/gt_known_loc'] == pytest.approx(200 / 3)
    assert res['wsol/top1_loc'] == pytest.approx(100 / 3)
    assert res['wsol/top5_loc'] == pytest.approx(200 / 3)
    assert res['wsol/maxboxacc'] == pytest.approx(200 / 3)
    assert res['wsol/gt_known_loc_best'] == res['wsol/maxboxacc']
    assert res['wsol/top1_loc_best'] == pytest.approx(100 / 3)
    assert 0 <= res['wsol/best_threshold'] < 1
    assert 'wsol/maxboxacc_v2' in res and 'wsol/maxboxacc_v2_iou70' in res


def test_box_frames_use_their_own_boxes():
    # Map block at input rows 10..29, cols 10..39 of a 56 x 56 input.
    m = block_map(56, 10, 30, 10, 40)
    # gt_bboxes (input frame) deliberately wrong, ori_gt_bboxes right in a
    # non-square 100 x 300 (h x w) original: x scale 300/56, y 100/56.
    sample = make_sample(0, scores([0]), m, [[0, 40, 8, 55]],
                         [[54, 18, 214, 53]], (100, 300), 'x.jpg')
    got = {}
    for frame in ('benchmark', 'original', 'input'):
        metric = WSOLMetric(
            cam_threshold=0.5, box_frame=frame, cam_curve_interval=0.05)
        metric.process(None, [sample])
        got[frame] = metric.evaluate(1)['wsol/gt_known_loc']
    assert got == dict(benchmark=100.0, original=100.0, input=0.0)
    # And the other way round: right input boxes, wrong original ones.
    sample = make_sample(0, scores([0]), m, [[10, 10, 40, 30]],
                         [[250, 80, 299, 99]], (100, 300), 'x.jpg')
    for frame, expected in (('benchmark', 0.0), ('original', 0.0), ('input',
                                                                    100.0)):
        metric = WSOLMetric(
            cam_threshold=0.5, box_frame=frame, cam_curve_interval=0.05)
        metric.process(None, [sample])
        assert metric.evaluate(1)['wsol/gt_known_loc'] == expected, frame


def random_samples(n, seed=0, size=48):
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        low = cv2.GaussianBlur(rng.random((size, size)), (0, 0), 4)
        m = (low - low.min()) / (low.max() - low.min())
        h, w = int(rng.integers(80, 200)), int(rng.integers(80, 200))
        k = int(rng.integers(1, 3))
        xy = np.sort(rng.integers(0, [w, h], size=(k, 2, 2)), axis=1)
        ori = np.concatenate([xy[:, 0], xy[:, 1]], axis=1)
        inp = ori * [size / w, size / h, size / w, size / h]
        out.append(
            make_sample(
                int(rng.integers(0, 10)), rng.random(10), m, inp, ori, (h, w),
                f'{i % 3:03d}.c/{i}.jpg'))
    return out


def test_two_ranks_equal_one_rank_and_padding_is_dropped():
    samples = random_samples(7)
    kw = dict(cam_threshold=0.3, cam_curve_interval=0.01)
    one = WSOLMetric(**kw, num_threads=0)  # the ranks below use threads
    one.process(None, samples[:4])
    one.process(None, samples[4:])
    r0, r1 = WSOLMetric(**kw), WSOLMetric(**kw)
    r0.process(None, samples[:4])
    r1.process(None, samples[4:])
    merged = r0.results + r1.results
    # Each record is small and holds no map.
    assert all(
        sum(np.asarray(v).nbytes for v in r.values()) < 100 for r in merged)
    for a, b in zip(one.results, merged):
        assert a.keys() == b.keys()
        assert all(np.array_equal(a[k], b[k]) for k in a)
    single = one.evaluate(7)
    # mmengine's collect_results keeps the first `size` records: a padded
    # duplicate (DistributedSampler) must not count.
    gathered = WSOLMetric(**kw)
    gathered.results = merged + [r1.results[0]]
    assert gathered.evaluate(7) == single


def test_dump_reevaluates_to_the_same_numbers(tmp_path):
    samples = random_samples(6, seed=1)
    metric = WSOLMetric(cam_threshold=0.4, cam_curve_interval=0.01)
    dump = DumpWSOLScoreMaps(out_dir=str(tmp_path))
    metric.process(None, samples)
    dump.process(None, samples)
    res = metric.evaluate(6)
    assert dump.evaluate(6) == {}
    saved = np.load(tmp_path / 'scoremaps' / '001.c' / '1.jpg.npy')
    assert saved.shape == (224, 224) and saved.dtype == np.float32
    assert saved.min() == 0 and saved.max() == 1
    ids = (tmp_path / 'metadata' / 'image_ids.txt').read_text().split()
    assert ids == [s['image_id'] for s in samples]
    out = evaluate_scoremap_folder(
        str(tmp_path / 'metadata'), str(tmp_path / 'scoremaps'), 0.01)
    assert out['maxboxacc'] == res['wsol/maxboxacc']
    assert out['maxboxacc_v2'] == res['wsol/maxboxacc_v2']
    assert out['maxboxacc_best_threshold'] == res['wsol/best_threshold']
    for k in (30, 50, 70):
        assert out[f'maxboxacc_v2_iou{k}'] == \
            res[f'wsol/maxboxacc_v2_iou{k}']


def test_missing_key_is_named():
    sample = cls_loc_samples()[0]
    del sample['gt_loc_map']
    with pytest.raises(KeyError, match="gt_loc_map.*|.*'a.jpg'"):
        WSOLMetric().process(None, [sample])


def test_wsol_metric_cfgs_finds_every_form():
    from mmspg.evaluation import wsol_metric_cfgs
    wsol = dict(type='WSOLMetric', cam_threshold=0.3)
    scoped = dict(type='mmspg.PxAPMetric')
    old = dict(type='WSOLEvaluator')
    acc = dict(type='Accuracy')
    dump = dict(type='DumpWSOLScoreMaps', out_dir='d')
    assert wsol_metric_cfgs(None) == []
    assert wsol_metric_cfgs(acc) == []
    assert wsol_metric_cfgs(wsol) == [wsol]
    assert wsol_metric_cfgs([acc, wsol, scoped, dump,
                             old]) == [wsol, scoped, old]
    found = wsol_metric_cfgs(dict(type='Evaluator', metrics=[acc, wsol]))
    assert found == [wsol] and found[0] is wsol  # mutable in place
    assert wsol_metric_cfgs([wsol, dump], ('DumpWSOLScoreMaps', )) == [dump]


def mixed_samples(seed, n=24):
    """CAM-like and noisy maps (float32 and float64), several GT boxes."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        side = int(rng.integers(6, 60))
        low = rng.random((max(2, side // 6), max(2, side // 6)))
        m = cv2.resize(low, (side, side), interpolation=cv2.INTER_CUBIC)
        if i % 3 == 0:
            m = m + 0.3 * rng.random((side, side))  # holes, many contours
        if i % 2:
            m = m.astype(np.float32)
        h, w = int(rng.integers(60, 400)), int(rng.integers(60, 400))
        k = int(rng.integers(1, 4))
        x0, y0 = rng.uniform(0, w / 2, k), rng.uniform(0, h / 2, k)
        ori = np.stack([
            x0, y0, x0 + rng.uniform(1, w / 2, k),
            y0 + rng.uniform(1, h / 2, k)
        ], 1)
        s = side / np.array([w, h, w, h])
        out.append(
            make_sample(
                int(rng.integers(0, 10)), rng.random(10), m, ori * s, ori,
                (h, w), f'{i}.jpg'))
    return out


@pytest.mark.skipif('c' not in box_backends(), reason='extension not built')
@pytest.mark.parametrize('frame, num_threads, openmp',
                         [('benchmark', 2, True), ('benchmark', 0, True),
                          ('benchmark', 2, False), ('original', 2, True),
                          ('input', 2, True)])
def test_compiled_and_opencv_backends_give_equal_records(
        frame, num_threads, openmp, monkeypatch):
    # benchmark frame: one extension call per batch (resize, quantisation,
    # box levels, hit bits; images spread over OpenMP threads), or one call
    # per chunk on Python threads when there is a single OpenMP thread;
    # other frames: the step-by-step path. All must equal the OpenCV backend
    # record for record.
    if not openmp:
        monkeypatch.setattr(compiled_extension(), 'max_threads', lambda: 1)
    samples = mixed_samples(0)
    c = WSOLMetric(box_frame=frame, box_backend='c', num_threads=num_threads)
    cv = WSOLMetric(box_frame=frame, box_backend='opencv', num_threads=0)
    c.process(None, samples)
    cv.process(None, samples)
    assert len(c.results) == len(cv.results) == len(samples)
    for a, b in zip(c.results, cv.results):
        np.testing.assert_array_equal(a['v1'], b['v1'])
        np.testing.assert_array_equal(a['v2'], b['v2'])
        assert (a['hit'], a['top1'], a['top5']) == (b['hit'], b['top1'],
                                                    b['top5'])
    assert c.compute_metrics(c.results) == cv.compute_metrics(cv.results)


@pytest.mark.skipif('c' not in box_backends(), reason='extension not built')
def test_compiled_record_defers_non_finite_maps_to_numpy():
    # A NaN map normalises to zeros (normalize_scoremap); the extension
    # hands it back to the numpy path, which must give the same record as
    # an all-zero map. (process() refuses NaN maps before they get here,
    # see test_non_finite_maps_are_refused; the core keeps the benchmark's
    # behaviour for tools/eval_scoremaps.py.)
    base = mixed_samples(1, n=1)[0]
    nan = dict(base, gt_loc_map=torch.full((8, 8), float('nan')))
    zero = dict(base, gt_loc_map=torch.zeros(8, 8))
    metric = WSOLMetric()
    a, b = metric._reduce_compiled([nan, zero])
    np.testing.assert_array_equal(a['v1'], b['v1'])
    np.testing.assert_array_equal(a['v2'], b['v2'])


def test_non_finite_maps_are_refused(tmp_path):
    samples = mixed_samples(1, n=4)
    samples[1] = dict(samples[1], gt_loc_map=torch.full((8, 8), np.nan))
    samples[3] = dict(samples[3], raw_maps_finite=False)
    metric = WSOLMetric()
    with pytest.raises(FloatingPointError) as err:
        metric.process(None, samples)
    msg = str(err.value)
    assert '2 of 4 samples' in msg and 'not scored' in msg
    for i in (1, 3):
        assert str(samples[i]['image_id']) in msg
    assert str(samples[0]['image_id']) not in msg
    assert metric.results == []
    bad_score = dict(samples[0], pred_score=torch.full((10, ), np.nan))
    with pytest.raises(FloatingPointError, match='1 of 1 samples'):
        metric.process(None, [bad_score])
    # nor dumped as a map of zeros for tools/eval_scoremaps.py
    dump = DumpWSOLScoreMaps(out_dir=str(tmp_path / 'dump'))
    with pytest.raises(FloatingPointError, match='DumpWSOLScoreMaps: 2 of 4'):
        dump.process(None, samples)
    assert not (tmp_path / 'dump').exists()


def test_box_backend_is_checked(monkeypatch):
    with pytest.raises(ValueError, match='box_backend'):
        WSOLMetric(box_backend='fast')
    import mmspg.evaluation.functional.wsol_box as wsol_box
    monkeypatch.setattr(wsol_box, '_wsol_box_ext', None)
    with pytest.raises(RuntimeError, match='compiled'):
        WSOLMetric(box_backend='c')
    # 'auto' falls back to OpenCV without the extension
    metric = WSOLMetric(num_threads=0)
    metric.process(None, mixed_samples(2, n=3))
    assert len(metric.results) == 3
