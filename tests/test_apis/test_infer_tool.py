"""tools/infer.py on a random-weights tiny SPG model."""
import importlib.util
import json
import os.path as osp

import cv2
import numpy as np
import pytest

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


@pytest.fixture(scope='module')
def infer_tool():
    spec = importlib.util.spec_from_file_location(
        'mmspg_infer_tool', osp.join(ROOT, 'tools', 'infer.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _write_images(folder):
    rng = np.random.default_rng(0)
    (folder / 'sub').mkdir(parents=True)
    cv2.imwrite(str(folder / 'a.jpg'),
                rng.integers(0, 256, (61, 97, 3), dtype=np.uint8))
    cv2.imwrite(str(folder / 'sub' / 'b.png'),
                rng.integers(0, 256, (9, 13, 3), dtype=np.uint8))


def test_images_seeds_json_and_ann(infer_tool, tiny_config, tiny_checkpoint,
                                   tmp_path):
    _write_images(tmp_path / 'imgs')
    (tmp_path / 'loc.txt').write_text('a.jpg,10,5,60,40\nsub/b.png,1,1,5,5\n')
    out = tmp_path / 'out'
    assert infer_tool.main([
        tiny_config, tiny_checkpoint, str(tmp_path / 'imgs'), '--out-dir',
        str(out), '--topk', '2', '--show-seeds', '--save-maps', '--ann',
        str(tmp_path / 'loc.txt'), '--device', 'cpu'
    ]) == 0
    summary = json.loads((out / 'results.json').read_text())
    assert summary['classes'] == ['cat', 'dog', 'bird']
    assert summary['thr'] == pytest.approx(0.3) and summary['topk'] == 2
    recs = summary['results']
    assert [r['overlay'] for r in recs] == ['a.png', 'sub/b.png']
    for rec, (h, w) in zip(recs, [(61, 97), (9, 13)]):
        for key in ('input', 'pred_label', 'pred_score', 'pred_class',
                    'topk_labels', 'topk_scores', 'topk_classes', 'boxes',
                    'thr', 'ori_shape', 'gt_bboxes', 'iou', 'seeds', 'maps'):
            assert key in rec, key
        assert rec['ori_shape'] == [h, w]
        assert len(rec['boxes']) == 2
        assert 0.0 <= rec['iou'] <= 1.0
        overlay = cv2.imread(str(out / rec['overlay']))
        assert overlay.shape == (h, w, 3)
        seeds = cv2.imread(str(out / rec['seeds']))
        # 8 panels (image, attention, 3 seeds, 3 outputs) of >= 96 px.
        assert seeds.shape[1] >= 8 * 96 and seeds.shape[0] > 96
        maps = np.load(out / rec['maps'])
        assert maps.shape == (2, h, w) and maps.dtype == np.float32
    assert recs[0]['gt_bboxes'] == [[10.0, 5.0, 60.0, 40.0]]


def test_video_and_gt_boxes(infer_tool, tiny_config, tiny_checkpoint,
                            tmp_path):
    video = str(tmp_path / 'clip.avi')
    writer = cv2.VideoWriter(video, cv2.VideoWriter_fourcc(*'MJPG'), 10,
                             (40, 30))
    rng = np.random.default_rng(1)
    for _ in range(3):
        writer.write(rng.integers(0, 256, (30, 40, 3), dtype=np.uint8))
    writer.release()
    out = tmp_path / 'out'
    infer_tool.main([
        tiny_config, tiny_checkpoint, video, '--out-dir', str(out),
        '--frames', '--gt-boxes', '2,3,20,25', '--batch-size', '2'
    ])
    recs = json.loads((out / 'results.json').read_text())['results']
    assert [r['frame'] for r in recs] == [0, 1, 2]
    for rec in recs:
        assert rec['gt_bboxes'] == [[2.0, 3.0, 20.0, 25.0]]
        assert cv2.imread(str(out / rec['overlay'])).shape == (30, 40, 3)

    infer_tool.main([tiny_config, tiny_checkpoint, video, '--out-dir',
                     str(tmp_path / 'out2')])
    cap = cv2.VideoCapture(str(tmp_path / 'out2' / 'clip_overlay.mp4'))
    assert cap.isOpened()
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == 3
    cap.release()


def test_bad_arguments(infer_tool, tiny_config, tiny_checkpoint, tmp_path):
    _write_images(tmp_path / 'imgs')
    with pytest.raises(SystemExit, match='one image'):
        infer_tool.main([tiny_config, tiny_checkpoint,
                         str(tmp_path / 'imgs'), '--gt-boxes', '1,1,4,4'])
    with pytest.raises(ValueError, match='x1,y1,x2,y2'):
        infer_tool.main([tiny_config, tiny_checkpoint,
                         str(tmp_path / 'imgs' / 'a.jpg'), '--gt-boxes',
                         '5,5,1'])
    bad = tmp_path / 'bad.txt'
    bad.write_text('a.jpg,1,2,3\n')
    with pytest.raises(ValueError, match='bad.txt:1'):
        infer_tool.main([tiny_config, tiny_checkpoint,
                         str(tmp_path / 'imgs'), '--ann', str(bad)])
    with pytest.raises(FileNotFoundError, match='missing.jpg'):
        infer_tool.main([tiny_config, tiny_checkpoint,
                         str(tmp_path / 'missing.jpg')])
