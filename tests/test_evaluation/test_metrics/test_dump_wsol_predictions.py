"""tools/test.py --out keeps a record per image whose size grows with the
number of classes, not with pixels (DumpWSOLPredictions)."""
import pickle

import torch
from mmpretrain.structures import DataSample

from mmspg.evaluation import DumpWSOLPredictions
from mmspg.models.utils.loc_predictions import write_loc_fields


def _samples(n, num_classes, size, k=5):
    samples = []
    for i in range(n):
        ds = DataSample(
            metainfo=dict(
                sample_idx=i,
                image_id=f'val/ILSVRC2012_val_{i:08d}.JPEG',
                img_path=f'data/val/ILSVRC2012_val_{i:08d}.JPEG',
                ori_shape=(375, 500),
                img_shape=(size, size)))
        ds.set_gt_label(i % num_classes)
        ds.set_field(torch.tensor([[1., 2., 30., 40.]]), 'gt_bboxes')
        samples.append(ds)
    scores = torch.rand(n, num_classes).softmax(1)
    labels = scores.topk(k, 1).indices
    maps = torch.rand(n, k + 1, size, size)
    write_loc_fields(samples, scores, labels, maps)
    return [ds.to_dict() for ds in samples]


def _bytes_per_image(tmp_path, n, num_classes, size):
    out = tmp_path / f'out_{num_classes}_{size}.pkl'
    metric = DumpWSOLPredictions(out_file_path=str(out))
    samples = _samples(n, num_classes, size)
    assert 'loc_maps' in samples[0] and 'gt_loc_map' in samples[0]
    metric.process({}, samples)
    assert metric.compute_metrics(metric.results) == {}
    with open(out, 'rb') as f:
        records = pickle.load(f)
    assert len(records) == n
    return len(pickle.dumps(metric.results)) / n, records


def test_out_memory_per_image_is_bounded(tmp_path):
    small, records = _bytes_per_image(tmp_path, 4, 200, 32)
    large, _ = _bytes_per_image(tmp_path, 4, 200, 321)
    # the record does not grow with the map size (321 px: 6 maps x 412 KB)
    assert abs(large - small) < 64
    # 4 bytes per class plus a few KB of ids, labels, boxes and sizes (torch
    # pickles each tensor with ~400 bytes of its own); a 321 px map alone
    # is 412 KB
    assert large < 4 * 200 + 8192
    wide, _ = _bytes_per_image(tmp_path, 4, 1000, 321)
    assert 4 * 800 < wide - large < 4 * 800 + 256
    rec = records[0]
    assert 'loc_maps' not in rec and 'gt_loc_map' not in rec
    # what the consumers read (class_predictions.py, the dist tests)
    assert rec['pred_score'].shape == (200, )
    assert rec['image_id'] == 'val/ILSVRC2012_val_00000000.JPEG'
    assert {
        'pred_label', 'gt_label', 'loc_labels', 'gt_bboxes', 'sample_idx',
        'img_path', 'ori_shape'
    } <= set(rec)
    assert torch.equal(rec['gt_bboxes'], torch.tensor([[1., 2., 30., 40.]]))


def test_another_per_pixel_field_is_dropped(tmp_path):
    metric = DumpWSOLPredictions(out_file_path=str(tmp_path / 'o.pkl'))
    metric.process({}, [
        dict(
            pred_score=torch.rand(3),
            seg_logits=torch.rand(3, 64, 64),
            boxes=torch.zeros(2, 4))
    ])
    assert set(metric.results[0]) == {'pred_score', 'boxes'}
