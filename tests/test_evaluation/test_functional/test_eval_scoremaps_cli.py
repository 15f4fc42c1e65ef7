"""tools/eval_scoremaps.py end to end on a tiny generated layout."""
import importlib.util
import json
import os
import os.path as osp
import re
import subprocess
import sys

import numpy as np
import pytest

from mmspg.evaluation.functional import (read_boxes, read_image_sizes,
                                         write_metadata)

ROOT = osp.dirname(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))


def _tool():
    spec = importlib.util.spec_from_file_location(
        'eval_scoremaps', osp.join(ROOT, 'tools', 'eval_scoremaps.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def layout(tmp_path):
    """Three images whose hits per threshold are known exactly.

    a: block matching its GT at every threshold; b: empty map, far GT,
    never hit; c: a 0.5 plateau around a 1.0 block matching the GT: the
    plateau (uint8 127) is foreground while int(t * 255) < 127, i.e. for
    t <= 0.498, so c hits from t = 0.499 on.
    """
    ids = ['001.a/x.jpg', '002.b/y.jpg', 'c.png']
    maps = [np.zeros((224, 224), np.float32) for _ in ids]
    maps[0][40:80, 60:100] = 1
    maps[2][20:200, 20:200] = 0.5
    maps[2][100:120, 100:140] = 1
    # GT in a 448 x 448 original frame: x2 of the 224 boxes.
    boxes = [
        np.array([[120, 80, 200, 160]]),
        np.array([[300, 300, 400, 400], [350, 10, 440, 90]]),
        np.array([[200, 200, 280, 240]])
    ]
    for image_id, m in zip(ids, maps):
        path = tmp_path / 'scoremaps' / (image_id + '.npy')
        os.makedirs(path.parent, exist_ok=True)
        np.save(path, m)
    write_metadata(
        str(tmp_path / 'metadata'), ids, [0, 1, 2], [(448, 448)] * 3, boxes)
    return tmp_path


def test_metadata_roundtrip(layout):
    meta = str(layout / 'metadata')
    assert read_image_sizes(meta)['c.png'] == (448, 448)
    assert read_boxes(meta)['002.b/y.jpg'].tolist() == [[300, 300, 400, 400],
                                                        [350, 10, 440, 90]]
    with open(layout / 'metadata' / 'localization.txt', 'a') as f:
        f.write('c.png,1,2,3\n')
    with pytest.raises(ValueError, match='localization.txt:5'):
        read_boxes(meta)


@pytest.mark.parametrize('workers', [1, 2])
def test_cli_end_to_end(layout, workers, capsys):
    out, png = layout / 'res.json', layout / 'plots' / 'curves.png'
    result = _tool().main([
        '--metadata-root',
        str(layout / 'metadata'), '--scoremap-root',
        str(layout / 'scoremaps'), '--out',
        str(out), '--plot',
        str(png), '--workers',
        str(workers)
    ])
    with open(out) as f:
        saved = json.load(f)
    assert saved == json.loads(json.dumps(result))
    for key in ('maxboxacc', 'maxboxacc_v2', 'maxboxacc_v2_iou30',
                'maxboxacc_v2_iou50', 'maxboxacc_v2_iou70',
                'maxboxacc_best_threshold', 'curves'):
        assert key in saved
    assert saved['maxboxacc'] == 200 / 3
    assert saved['maxboxacc_best_threshold'] == pytest.approx(0.499)
    for k in (30, 50, 70):
        assert saved[f'maxboxacc_v2_iou{k}'] == 200 / 3
        assert saved[f'maxboxacc_v2_iou{k}_best_threshold'] == \
            pytest.approx(0.499)
    assert saved['maxboxacc_v2'] == pytest.approx(200 / 3)
    curve = np.array(saved['curves']['maxboxacc'])
    assert len(curve) == 1000 == len(saved['curves']['cam_threshold'])
    assert (curve[:499] == 100 / 3).all() and (curve[499:] == 200 / 3).all()
    assert saved['num_images'] == 3
    assert png.stat().st_size > 0
    assert '[' in capsys.readouterr().err  # progress bar on stderr


def _args(layout, *extra):
    return [
        '--metadata-root',
        str(layout / 'metadata'), '--scoremap-root',
        str(layout / 'scoremaps'), '--workers', '1', *extra
    ]


def test_cli_missing_map_names_the_file(layout, capsys):
    os.remove(layout / 'scoremaps' / 'c.png.npy')
    result = _tool().main(_args(layout))
    assert [e['image_id'] for e in result['errors']] == ['c.png']
    assert 'c.png.npy' in result['errors'][0]['error']
    assert 'c.png.npy): file not found' in capsys.readouterr().err
    with pytest.raises(SystemExit):
        _tool().main(_args(layout, '--stop-on-error'))
    assert 'c.png.npy' in capsys.readouterr().err


def _truncated(path):
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 2])


@pytest.mark.parametrize('fault, message', [
    (_truncated, 'not a readable .npy array'),
    (lambda p: p.write_bytes(b''), 'empty or cut short'),
    (lambda p: np.save(
        p, np.array([{
            'a': 1
        }], dtype=object), allow_pickle=True), 'not a readable .npy array'),
    (lambda p: np.save(p, np.zeros((100, 100), np.float32)),
     'has shape 100x100, the protocol needs 224x224'),
    (lambda p: np.save(p, np.full(
        (224, 224), 2.0, np.float32)), r'must lie in \[0, 1\]'),
])
@pytest.mark.parametrize('workers', ['1', '2'])
def test_cli_bad_map_is_named_and_the_others_scored(layout, fault, message,
                                                    workers):
    bad = layout / 'scoremaps' / '002.b' / 'y.jpg.npy'
    fault(bad)
    result = _tool().main(_args(layout, '--workers', workers))
    assert len(result['errors']) == 1
    entry = result['errors'][0]
    assert entry['image_id'] == '002.b/y.jpg'
    assert str(bad) in entry['error']
    assert re.search(message, entry['error'])
    # b never hits anyway, so as a miss the accuracies are unchanged
    assert result['maxboxacc'] == 200 / 3
    assert result['num_images'] == 3


def test_cli_exit_code_and_any_size(layout):
    np.save(layout / 'c.png.npy', np.zeros((100, 100), np.float32))
    os.replace(layout / 'c.png.npy', layout / 'scoremaps' / 'c.png.npy')
    proc = subprocess.run(
        [sys.executable,
         osp.join(ROOT, 'tools', 'eval_scoremaps.py')] + _args(layout),
        capture_output=True,
        text=True,
        timeout=300,
        env={
            **os.environ, 'PYTHONPATH': ROOT
        })
    assert proc.returncode == 1
    assert '1 of 3 score maps could not be used' in proc.stderr
    assert 'c.png.npy' in proc.stderr
    # --scoremap-size 0: any size, GT rescaled to the map's frame
    result = _tool().main(_args(layout, '--scoremap-size', '0'))
    assert result['errors'] == []


def test_cli_pxap(tmp_path):
    import cv2
    mask = np.zeros((224, 224), np.uint8)
    mask[50:150, 50:150] = 255
    cv2.imwrite(str(tmp_path / 'm.png'), mask)
    os.makedirs(tmp_path / 'meta')
    with open(tmp_path / 'meta' / 'image_ids.txt', 'w') as f:
        f.write('img.jpg\n')
    with open(tmp_path / 'meta' / 'localization.txt', 'w') as f:
        f.write('img.jpg,m.png,\n')
    scoremap = np.where(mask > 0, 0.8, 0.2).astype(np.float32)
    os.makedirs(tmp_path / 'maps')
    np.save(tmp_path / 'maps' / 'img.jpg.npy', scoremap)
    result = _tool().main([
        '--metadata-root',
        str(tmp_path / 'meta'), '--scoremap-root',
        str(tmp_path / 'maps'), '--mask-root',
        str(tmp_path), '--workers', '1', '--plot',
        str(tmp_path / 'pr.png')
    ])
    assert result['pxap'] == pytest.approx(100.0)
    assert (tmp_path / 'pr.png').exists()


def test_cli_loc_normalize_rescores_the_saved_maps(layout):
    """c: 35 % zeros, a 0.5 plateau (63 %) around a 1.0 block matching
    its GT. IVR (p = 0.45: the 45 % quantile is 0.5) keeps the block only,
    so c hits at every threshold; PaS (the 90 % quantile is 0.5) makes the
    whole plateau 1, so c never hits."""
    ivr = _tool().main(_args(layout, '--loc-normalize', 'ivr'))
    curve = np.array(ivr['curves']['maxboxacc'])
    assert (curve == 200 / 3).all()
    assert ivr['maxboxacc_best_threshold'] == 0
    pas = _tool().main(_args(layout, '--loc-normalize', 'pas'))
    assert (np.array(pas['curves']['maxboxacc']) == 100 / 3).all()
    # p = 0.99: the quantile is each map's maximum, every map is zeros
    top = _tool().main(
        _args(layout, '--loc-normalize', 'ivr', '--norm-percentile', '0.99'))
    assert top['maxboxacc'] == 0
    # minmax: the saved maps as they are
    plain = _tool().main(_args(layout, '--loc-normalize', 'minmax'))
    assert plain['maxboxacc'] == 200 / 3
    assert plain['maxboxacc_best_threshold'] == pytest.approx(0.499)


def test_cli_loc_normalize_refuses_what_a_dump_cannot_give(layout, capsys):
    with pytest.raises(SystemExit):
        _tool().main(_args(layout, '--loc-normalize', 'max'))
    with pytest.raises(SystemExit, match='--norm-percentile needs'):
        _tool().main(_args(layout, '--norm-percentile', '0.3'))
    with pytest.raises(SystemExit, match='percentile must be a number'):
        _tool().main(
            _args(layout, '--loc-normalize', 'ivr', '--norm-percentile', '2'))
