"""tools/infer.py on a random-weights tiny SPG model."""
import importlib.util
import json
import os.path as osp
import subprocess
import sys

import cv2
import numpy as np
import pytest
import torch

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
    cv2.imwrite(
        str(folder / 'a.jpg'),
        rng.integers(0, 256, (61, 97, 3), dtype=np.uint8))
    cv2.imwrite(
        str(folder / 'sub' / 'b.png'),
        rng.integers(0, 256, (9, 13, 3), dtype=np.uint8))


def test_images_seeds_json_and_ann(infer_tool, tiny_config, tiny_checkpoint,
                                   tmp_path):
    _write_images(tmp_path / 'imgs')
    (tmp_path / 'loc.txt').write_text('a.jpg,10,5,60,40\nsub/b.png,1,1,5,5\n')
    out = tmp_path / 'out'
    assert infer_tool.main([
        tiny_config, tiny_checkpoint,
        str(tmp_path / 'imgs'), '--out-dir',
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
        tiny_config, tiny_checkpoint, video, '--out-dir',
        str(out), '--frames', '--gt-boxes', '2,3,20,25', '--batch-size', '2'
    ])
    recs = json.loads((out / 'results.json').read_text())['results']
    assert [r['frame'] for r in recs] == [0, 1, 2]
    for rec in recs:
        assert rec['gt_bboxes'] == [[2.0, 3.0, 20.0, 25.0]]
        assert cv2.imread(str(out / rec['overlay'])).shape == (30, 40, 3)

    infer_tool.main([
        tiny_config, tiny_checkpoint, video, '--out-dir',
        str(tmp_path / 'out2')
    ])
    cap = cv2.VideoCapture(str(tmp_path / 'out2' / 'clip_overlay.mp4'))
    assert cap.isOpened()
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == 3
    cap.release()


def test_bad_arguments(infer_tool, tiny_config, tiny_checkpoint, tmp_path):
    _write_images(tmp_path / 'imgs')
    with pytest.raises(SystemExit, match='one image'):
        infer_tool.main([
            tiny_config, tiny_checkpoint,
            str(tmp_path / 'imgs'), '--gt-boxes', '1,1,4,4'
        ])
    with pytest.raises(ValueError, match='x1,y1,x2,y2'):
        infer_tool.main([
            tiny_config, tiny_checkpoint,
            str(tmp_path / 'imgs' / 'a.jpg'), '--gt-boxes', '5,5,1'
        ])
    bad = tmp_path / 'bad.txt'
    bad.write_text('a.jpg,1,2,3\n')
    with pytest.raises(ValueError, match='bad.txt:1'):
        infer_tool.main([
            tiny_config, tiny_checkpoint,
            str(tmp_path / 'imgs'), '--ann',
            str(bad)
        ])
    with pytest.raises(FileNotFoundError, match='missing.jpg'):
        infer_tool.main(
            [tiny_config, tiny_checkpoint,
             str(tmp_path / 'missing.jpg')])


# ---------------------------------------------------------------------------
# Faults: bad inputs do not stop the good ones; checkpoints that do not fit
# ---------------------------------------------------------------------------
def _folder_with_bad_images(folder):
    _write_images(folder)
    (folder / 'empty.jpg').write_bytes(b'')  # a 0-byte file
    (folder / 'text.png').write_text('not an image')
    return folder


def test_folder_with_bad_images_finishes_the_good_ones(infer_tool, tiny_config,
                                                       tiny_checkpoint,
                                                       tmp_path, capsys):
    imgs = _folder_with_bad_images(tmp_path / 'imgs')
    out = tmp_path / 'out'
    rc = infer_tool.main([
        tiny_config, tiny_checkpoint,
        str(imgs), '--out-dir',
        str(out), '--batch-size', '4', '--save-maps'
    ])
    assert rc == 1
    summary = json.loads((out / 'results.json').read_text())
    assert [r['overlay'] for r in summary['results']] == ['a.png', 'sub/b.png']
    assert (out / 'a.png').exists() and (out / 'sub' / 'b.png').exists()
    errors = {osp.basename(e['input']): e['error'] for e in summary['errors']}
    assert set(errors) == {'empty.jpg', 'text.png'}
    assert 'empty (0 bytes)' in errors['empty.jpg']
    assert 'cannot be decoded' in errors['text.png']
    err = capsys.readouterr().err
    assert '2 input(s) failed' in err
    assert str(imgs / 'empty.jpg') in err


def test_stop_on_error_stops_at_the_first(infer_tool, tiny_config,
                                          tiny_checkpoint, tmp_path):
    imgs = _folder_with_bad_images(tmp_path / 'imgs')
    out = tmp_path / 'out'
    rc = infer_tool.main([
        tiny_config, tiny_checkpoint,
        str(imgs), '--out-dir',
        str(out), '--batch-size', '1', '--stop-on-error'
    ])
    assert rc == 1
    summary = json.loads((out / 'results.json').read_text())
    # sorted: a.jpg, empty.jpg (stops here), sub/b.png, text.png
    assert [r['overlay'] for r in summary['results']] == ['a.png']
    assert [osp.basename(e['input'])
            for e in summary['errors']] == ['empty.jpg']


def test_zero_byte_image_is_named_by_the_api(tiny_model, tmp_path):
    from mmspg.apis import inference_localizer
    empty = tmp_path / 'empty.jpg'
    empty.write_bytes(b'')
    with pytest.raises(ValueError, match=r"empty\.jpg' is empty"):
        inference_localizer(tiny_model, str(empty))


def test_large_image_overlay_is_bounded(infer_tool, tiny_config,
                                        tiny_checkpoint, tmp_path):
    rng = np.random.default_rng(2)
    cv2.imwrite(
        str(tmp_path / 'big.png'),
        rng.integers(0, 256, (150, 300, 3), dtype=np.uint8))
    out = tmp_path / 'out'
    assert infer_tool.main([
        tiny_config, tiny_checkpoint,
        str(tmp_path / 'big.png'), '--out-dir',
        str(out), '--max-overlay-side', '100', '--save-maps', '--gt-boxes',
        '30,30,270,120'
    ]) == 0
    rec = json.loads((out / 'results.json').read_text())['results'][0]
    assert cv2.imread(str(out / rec['overlay'])).shape == (50, 100, 3)
    # JSON boxes and maps stay in original pixels
    assert rec['ori_shape'] == [150, 300]
    assert np.load(out / rec['maps']).shape[1:] == (150, 300)
    assert max(b[2] for b in rec['boxes'][0]) > 100
    assert infer_tool.main([
        tiny_config, tiny_checkpoint,
        str(tmp_path / 'big.png'), '--out-dir',
        str(tmp_path / 'full'), '--max-overlay-side', '0'
    ]) == 0
    assert cv2.imread(str(tmp_path / 'full' / 'big.png')).shape == (150, 300,
                                                                    3)


def _mismatched_checkpoints(tiny_checkpoint, tmp_path):
    """A checkpoint of a 5-class model and one with unrelated keys."""
    ckpt = torch.load(tiny_checkpoint)
    five = {
        k: (torch.zeros((5, ) + tuple(v.shape[1:]))
            if v.ndim >= 1 and v.shape[0] == 3 else v)
        for k, v in ckpt['state_dict'].items()
    }
    paths = dict(five=tmp_path / 'five.pth', other=tmp_path / 'other.pth')
    torch.save(dict(state_dict=five, meta=ckpt['meta']), paths['five'])
    torch.save(
        dict(state_dict={'encoder.weight': torch.zeros(4)}), paths['other'])
    return paths


def test_mismatched_checkpoint_refused_by_the_api(tiny_config, tiny_checkpoint,
                                                  tmp_path):
    from mmspg.apis import WSOLInferencer, init_localizer
    from mmspg.engine.runner import CheckpointMismatchError
    paths = _mismatched_checkpoints(tiny_checkpoint, tmp_path)
    with pytest.raises(CheckpointMismatchError, match=r'mis-shaped') as err:
        init_localizer(tiny_config, str(paths['five']), device='cpu')
    assert str(paths['five']) in str(err.value)
    with pytest.raises(
            CheckpointMismatchError,
            match=r'unexpected in the checkpoint \(1\): '
            r'encoder.weight'):
        init_localizer(tiny_config, str(paths['other']), device='cpu')
    with pytest.raises(CheckpointMismatchError):
        WSOLInferencer(tiny_config, str(paths['other']), device='cpu')
    model = init_localizer(tiny_config, device='cpu')
    with pytest.raises(CheckpointMismatchError):
        WSOLInferencer(model, str(paths['five']))


def test_mismatched_checkpoint_refused_by_the_cli(tiny_config, tiny_checkpoint,
                                                  tmp_path):
    paths = _mismatched_checkpoints(tiny_checkpoint, tmp_path)
    _write_images(tmp_path / 'imgs')
    for name, path in paths.items():
        out = tmp_path / f'out_{name}'
        proc = subprocess.run([
            sys.executable,
            osp.join(ROOT, 'tools', 'infer.py'), tiny_config,
            str(path),
            str(tmp_path / 'imgs'), '--out-dir',
            str(out)
        ],
                              capture_output=True,
                              text=True,
                              timeout=300)
        assert proc.returncode != 0, name
        assert 'CheckpointMismatchError' in proc.stderr
        assert str(path) in proc.stderr
        assert not (out / 'results.json').exists()
