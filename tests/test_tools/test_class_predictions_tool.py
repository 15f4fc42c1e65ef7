"""tools/analysis_tools/class_predictions.py: a tools/test.py prediction
dump becomes the file WSOLMetric(class_predictions=...) reads, and the
evaluator then reproduces the dumped classifier's own numbers."""
import pickle

import numpy as np
import pytest
import torch
from mmpretrain.structures import DataSample

from mmspg.evaluation import WSOLMetric
from mmspg.evaluation.functional.class_predictions import \
    read_class_predictions


def _samples(n=6, num_classes=7, seed=0):
    rng = np.random.RandomState(seed)
    out = []
    for i in range(n):
        m = np.zeros((32, 32), np.float32)
        x = rng.randint(0, 20)
        m[4:20, x:x + 10] = 1
        ds = DataSample().set_gt_label(int(rng.randint(num_classes)))
        ds.set_pred_score(
            torch.as_tensor(rng.rand(num_classes), dtype=torch.float32))
        ds.set_field(torch.as_tensor(m), 'gt_loc_map')
        ds.set_field(np.array([[x, 4, x + 10, 20]], np.float32), 'gt_bboxes')
        ds.set_field(
            np.array([[x, 4, x + 10, 20]], np.float32), 'ori_gt_bboxes')
        ds.set_field(f'c/{i}.jpg', 'image_id', field_type='metainfo')
        ds.set_metainfo(
            dict(
                ori_shape=(32, 32),
                img_shape=(32, 32),
                img_path=f'/data/imgs/c/{i}.jpg'))
        out.append(ds.to_dict())
    return out


def test_dump_to_file_round_trip(tools, tmp_path):
    tool = tools.load_tool('analysis_tools/class_predictions')
    samples = _samples()
    pkl = tmp_path / 'other.pkl'
    with open(pkl, 'wb') as f:
        pickle.dump(samples, f)
    out = tmp_path / 'preds.csv'
    preds = tool.main([str(pkl), '--out', str(out), '--topk', '3'])
    assert read_class_predictions(str(out)) == preds
    for s in samples:
        order = np.argsort(-np.asarray(s['pred_score']), kind='stable')
        assert preds[s['image_id']] == order[:3].tolist()
    # the evaluator with the file gives the classifier's own numbers
    full = tmp_path / 'full.csv'
    tool.main([str(pkl), '--out', str(full)])
    own = WSOLMetric(box_frame='input', num_threads=0)
    ext = WSOLMetric(
        box_frame='input', num_threads=0, class_predictions=str(full))
    own.process(None, _samples())
    ext.process(None, _samples())
    assert own.compute_metrics(own.results) == \
        ext.compute_metrics(ext.results)


def test_ids_from_img_path(tools):
    tool = tools.load_tool('analysis_tools/class_predictions')
    samples = _samples(2)
    for s in samples:
        del s['image_id']
    preds = tool.ranked_predictions(samples, 2, id_root='/data/imgs')
    assert set(preds) == {'c/0.jpg', 'c/1.jpg'}
    with pytest.raises(ValueError, match='--id-root'):
        tool.ranked_predictions(samples, 2)
    with pytest.raises(ValueError, match='not under'):
        tool.ranked_predictions(samples, 2, id_root='/elsewhere')
