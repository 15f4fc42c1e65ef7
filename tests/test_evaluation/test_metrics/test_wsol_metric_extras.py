"""WSOLMetric's SPG* (top5_loc_star) and class predictions from a file,
on hand-made maps whose answers are known."""
import numpy as np
import pytest
import torch
from mmpretrain.structures import DataSample

from mmspg.evaluation import WSOLMetric
from mmspg.evaluation.functional.class_predictions import \
    read_class_predictions
from mmspg.evaluation.functional.top5_star import second_box

SIZE = 56
NUM_CLASSES = 10
BIG = (2, 2, 22, 22)  # x0, y0, x1, y1 (x1/y1 exclusive for the blob)
SMALL = (36, 36, 52, 52)


def blob_map(*blobs):
    """(SIZE, SIZE) map; each blob (x0, y0, x1, y1, value)."""
    m = np.zeros((SIZE, SIZE), np.float32)
    for x0, y0, x1, y1, v in blobs:
        m[y0:y1, x0:x1] = v
    return m


def gt_box(blob):
    # the benchmark's box of a contour: x1/y1 one past the last pixel
    x0, y0, x1, y1 = blob
    return [x0, y0, x1, y1]


def ranked_scores(label, rank):
    """Scores whose ranking puts ``label`` at ``rank`` (0-based)."""
    others = [c for c in range(NUM_CLASSES) if c != label]
    order = others[:rank] + [label] + others[rank:]
    s = np.zeros(NUM_CLASSES)
    for r, c in enumerate(order):
        s[c] = 1.0 - 0.05 * r
    return s / s.sum()


def make_sample(label, score, loc_map, boxes, image_id, frame):
    ds = DataSample().set_gt_label(label).set_pred_score(
        torch.as_tensor(score, dtype=torch.float32))
    ds.set_field(torch.as_tensor(loc_map), 'gt_loc_map')
    boxes = np.asarray(boxes, np.float32).reshape(-1, 4)
    ds.set_field(boxes, 'gt_bboxes')
    # benchmark frame: the original image is 4x the input (224 x 224)
    ds.set_field(boxes * (4 if frame == 'benchmark' else 1), 'ori_gt_bboxes')
    ds.set_field(image_id, 'image_id', field_type='metainfo')
    ori = (SIZE * 4, SIZE * 4) if frame == 'benchmark' else (SIZE, SIZE)
    ds.set_metainfo(dict(ori_shape=ori, img_shape=(SIZE, SIZE)))
    return ds.to_dict()


TWO_BLOBS = blob_map((*BIG, 1.0), (*SMALL, 1.0))  # GT = the small one
ONE_BLOB = blob_map((*SMALL, 1.0))
# the small blob under cam_threshold 0.2: no second box
FAINT_SECOND = blob_map((*BIG, 1.0), (*SMALL, 0.08))

# (map, GT blob, rank of the GT class, SPG* hit, GT-known hit)
CASES = [
    (TWO_BLOBS, SMALL, 0, True, False),  # top-1 map: box 2 hits
    (TWO_BLOBS, SMALL, 1, True, False),  # top-2 map: box 2 hits
    (TWO_BLOBS, SMALL, 2, False, False),  # top-3 map: one box only
    (ONE_BLOB, SMALL, 2, True, True),  # top-3 map: box 1 hits
    (TWO_BLOBS, SMALL, 3, False, False),  # not in the top 3
    (ONE_BLOB, SMALL, 4, False, True),  # in the top 5, not the top 3
    (FAINT_SECOND, SMALL, 0, False, False),  # box 2 below the threshold
]


def _evaluate(evaluator, samples):
    evaluator.process(None, samples)
    return evaluator.compute_metrics(evaluator.results)


def test_second_box_is_the_second_largest_outer_contour():
    q = (TWO_BLOBS * 255).astype(np.uint8)
    assert second_box(q, 51).tolist() == gt_box(SMALL)
    assert second_box((ONE_BLOB * 255).astype(np.uint8), 51) is None
    # a hole inside the big blob is not an outer contour
    holed = TWO_BLOBS.copy()
    holed[8:12, 8:12] = 0
    assert second_box((holed * 255).astype(np.uint8), 51).tolist() == \
        gt_box(SMALL)
    # FAINT_SECOND's small blob is at 0.08 * 255 = 20 < 51: one contour
    assert second_box((FAINT_SECOND * 255).astype(np.uint8), 51) is None


@pytest.mark.parametrize('frame, backend', [('input', 'auto'),
                                            ('benchmark', 'auto'),
                                            ('benchmark', 'opencv')])
def test_top5_loc_star_known_answers(frame, backend):
    samples = [
        make_sample(5, ranked_scores(5, rank), m, [gt_box(g)], f'img{i}',
                    frame) for i, (m, g, rank, _, _) in enumerate(CASES)
    ]
    ev = WSOLMetric(
        cam_threshold=0.2,
        box_frame=frame,
        box_backend=backend,
        top5_loc_star=True,
        num_threads=0)
    metrics = _evaluate(ev, samples)
    n = len(CASES)
    assert metrics['top5_loc_star'] == pytest.approx(
        100 * sum(c[3] for c in CASES) / n)  # 3 of 7
    assert metrics['top5_loc_star'] == pytest.approx(300 / 7)
    assert metrics['gt_known_loc'] == pytest.approx(
        100 * sum(c[4] for c in CASES) / n)
    # per image: record flags equal the expected answers
    assert [r['star'] for r in ev.results] == [c[3] for c in CASES]
    # top-5 Loc (one box per guess) is below SPG* here
    assert metrics['top5_loc'] == pytest.approx(200 / 7)


def test_top5_loc_star_is_off_by_default():
    sample = make_sample(1, ranked_scores(1, 0), ONE_BLOB, [gt_box(SMALL)],
                         'a', 'input')
    metrics = _evaluate(WSOLMetric(box_frame='input', num_threads=0), [sample])
    assert 'top5_loc_star' not in metrics
    with pytest.raises(ValueError, match='top5_loc_star'):
        WSOLMetric(top5_loc_star='yes')


def _pred_file(tmp_path, rows):
    path = tmp_path / 'preds.csv'
    path.write_text(''.join(row + '\n' for row in rows))
    return str(path)


def _external_samples():
    # The model's own scores never rank the GT class (2) in its top 5.
    bad = ranked_scores(2, 9)
    hit = blob_map((*SMALL, 1.0))
    miss = blob_map((*BIG, 1.0))
    box = [gt_box(SMALL)]
    return [
        make_sample(2, bad, hit, box, 'cls/a.jpg', 'input'),
        make_sample(2, bad, hit, box, 'cls/b.jpg', 'input'),
        make_sample(2, bad, miss, box, 'cls/c.jpg', 'input'),
    ]


def test_class_predictions_from_a_file(tmp_path):
    path = _pred_file(
        tmp_path,
        [
            '# image_id,top-1,top-2,...',
            'cls/a.jpg,2,7,1,0,3',  # right at top 1
            'cls/b.jpg,7,2,1,0,3',  # right at top 2
            'cls/c.jpg,2,0,1,3,4',  # right at top 1, but the map misses
            'cls/unused.jpg,1',  # rows of other images are ignored
        ])
    own = _evaluate(
        WSOLMetric(box_frame='input', num_threads=0), _external_samples())
    ext = _evaluate(
        WSOLMetric(
            box_frame='input',
            num_threads=0,
            class_predictions=path,
            top5_loc_star=True), _external_samples())
    assert own['top1_cls'] == own['top5_cls'] == own['top1_loc'] == 0
    assert ext['top1_cls'] == pytest.approx(200 / 3)
    assert ext['top5_cls'] == pytest.approx(100.0)
    assert ext['top1_loc'] == pytest.approx(100 / 3)  # a only
    assert ext['top5_loc'] == pytest.approx(200 / 3)  # a and b
    assert ext['top5_loc_star'] == pytest.approx(200 / 3)
    assert ext['top1_loc_best'] == pytest.approx(100 / 3)
    # the maps are the model's: class-agnostic numbers are unchanged
    for key in ('gt_known_loc', 'maxboxacc', 'maxboxacc_v2',
                'gt_known_loc_best', 'best_threshold'):
        assert ext[key] == own[key], key
    assert ext['gt_known_loc'] == pytest.approx(200 / 3)


def test_class_predictions_errors(tmp_path):
    path = _pred_file(tmp_path, ['cls/a.jpg,2', 'cls/b.jpg,2'])
    ev = WSOLMetric(box_frame='input', num_threads=0, class_predictions=path)
    with pytest.raises(KeyError, match="'cls/c.jpg'.*preds.csv"):
        ev.process(None, _external_samples())
    for rows, match in [
        (['cls/a.jpg,2', 'cls/a.jpg,3'], 'line 2: image id'),
        (['cls/a.jpg,2,x'], "line 1: label 'x'"),
        (['cls/a.jpg'], 'line 1: expected'),
        (['cls/a.jpg,-1'], 'line 1: label -1'),
        (['cls/a.jpg,1,1'], 'appears twice'),
    ]:
        with pytest.raises(ValueError, match=match):
            # fails when the evaluator is built, before any inference
            WSOLMetric(class_predictions=_pred_file(tmp_path, rows))
    with pytest.raises(FileNotFoundError, match='nothere'):
        read_class_predictions(str(tmp_path / 'nothere.csv'))
