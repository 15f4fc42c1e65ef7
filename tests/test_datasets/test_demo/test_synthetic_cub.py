import hashlib
import os
import os.path as osp
import runpy
import subprocess
import sys

import cv2
import numpy as np
import pytest

from mmspg.datasets import (CUBWSOLDataset, SyntheticCUBDataset,
                            WSOLMetadataDataset, ensure_synthetic_cub,
                            generate_synthetic_cub)
from mmspg.datasets.demo import SYNTHETIC_META_FILE
from mmspg.datasets.demo.synthetic_cub_drawing import CLASS_SPECS
from mmspg.registry import DATASETS

TINY = dict(num_classes=2, train_per_class=2, test_per_class=1)
REPO = osp.dirname(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))


def tree_digest(root):
    h = hashlib.sha256()
    for dirpath, dirnames, files in os.walk(root):
        dirnames.sort()
        for name in sorted(files):
            path = osp.join(dirpath, name)
            h.update(osp.relpath(path, root).encode())
            with open(path, 'rb') as f:
                h.update(f.read())
    return h.hexdigest()


def test_same_seed_same_bytes(tmp_path):
    generate_synthetic_cub(str(tmp_path / 'a'), seed=3, **TINY)
    generate_synthetic_cub(str(tmp_path / 'b'), seed=3, **TINY)
    generate_synthetic_cub(str(tmp_path / 'c'), seed=4, **TINY)
    a, b, c = (tree_digest(str(tmp_path / n)) for n in 'abc')
    assert a == b
    assert a != c


@pytest.fixture(scope='module')
def stats_set(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('syn') / 'cub')
    summary = generate_synthetic_cub(
        root, seed=0, num_classes=8, train_per_class=4, test_per_class=1)
    return root, summary


def test_layout_and_statistics(stats_set):
    root, summary = stats_set
    assert summary['num_images'] == 40
    assert summary['num_train'] == 32 and summary['num_test'] == 8
    for name in ('images.txt', 'image_class_labels.txt',
                 'train_test_split.txt', 'bounding_boxes.txt', 'classes.txt',
                 SYNTHETIC_META_FILE):
        assert osp.isfile(osp.join(root, name))
    sizes = np.array(summary['sizes'])
    assert sizes.min() >= 120 and sizes.max() <= 260
    aspect = sizes[:, 0] / sizes[:, 1]
    assert aspect.min() < 0.8 and aspect.max() > 1.25  # varied shapes
    frac = np.array(summary['area_fractions'])
    assert frac.min() >= 0.04 and frac.max() <= 0.61
    assert (frac < 0.15).any() and (frac > 0.3).any()  # varied sizes
    # ~8 kB per image: the default 640 images stay a few MB.
    assert summary['total_bytes'] / summary['num_images'] < 15000


def test_head_colour_is_inside_the_box(stats_set):
    """The class colour (the head) lies in the object box."""
    root, _ = stats_set
    ds = CUBWSOLDataset(root, split='train', check_boxes_in_image=True)
    assert len(ds.metainfo['classes']) == 8
    for i in range(len(ds)):
        info = ds.get_data_info(i)
        img = cv2.imread(info['img_path']).astype(np.int32)
        assert info['img_size'] == (img.shape[1], img.shape[0])
        x1, y1, x2, y2 = info['gt_bboxes'][0].astype(int)
        near = [
            np.abs(img - np.array(spec[1])).max(-1) < 40
            for spec in CLASS_SPECS
        ]
        own = near[info['gt_label']][y1:y2, x1:x2].sum()
        assert own >= 15
        # No other class's head colour dominates inside the box.
        others = max(near[k][y1:y2, x1:x2].sum() for k in range(8)
                     if k != info['gt_label'])
        assert own > others


def test_metadata_matches_cub_files(stats_set):
    root, _ = stats_set
    cub = CUBWSOLDataset(root, split='test')
    meta = WSOLMetadataDataset(
        osp.join(root, 'metadata', 'test'),
        data_prefix=osp.join(root, 'images'))
    assert meta.metainfo['classes'] == cub.metainfo['classes']
    assert len(meta) == len(cub) == 8
    for i in range(len(cub)):
        a, b = cub.get_data_info(i), meta.get_data_info(i)
        assert a['image_id'] == b['image_id']
        assert a['gt_label'] == b['gt_label']
        assert a['img_size'] == b['img_size']
        np.testing.assert_array_equal(a['gt_bboxes'], b['gt_bboxes'])
    train = WSOLMetadataDataset(
        osp.join(root, 'metadata', 'train'),
        data_prefix=osp.join(root, 'images'))
    assert len(train) == 32


def test_dataset_generates_once_and_checks_cfg(tmp_path):
    root = str(tmp_path / 'data' / 'synthetic_cub')
    ds = DATASETS.build(
        dict(
            type='SyntheticCUBDataset',
            data_root=root,
            split='train',
            generate=True,
            generate_cfg=dict(seed=0, **TINY)))
    assert len(ds) == 4
    assert ds.metainfo['classes'] == tuple(s[0] for s in CLASS_SPECS[:2])
    stamp = os.stat(osp.join(root, SYNTHETIC_META_FILE)).st_mtime_ns
    # the data exist: no opt-in needed to read them
    test = SyntheticCUBDataset(
        root, split='test', generate_cfg=dict(seed=0, **TINY))
    assert len(test) == 2
    assert os.stat(osp.join(root, SYNTHETIC_META_FILE)).st_mtime_ns == stamp
    with pytest.raises(ValueError, match='Delete the folder'):
        SyntheticCUBDataset(root, generate_cfg=dict(seed=1, **TINY))
    with pytest.raises(TypeError, match='Unknown synthetic CUB option'):
        SyntheticCUBDataset(
            str(tmp_path / 'x'), generate=True, generate_cfg=dict(foo=1))


def test_generates_only_at_its_root_or_when_asked(tmp_path, monkeypatch):
    # "/a path/with spaces" after --cfg-options removed the spaces
    mangled = str(tmp_path / 'apath' / 'withspaces')
    with pytest.raises(FileNotFoundError) as err:
        SyntheticCUBDataset(mangled, generate_cfg=dict(seed=0, **TINY))
    assert mangled in str(err.value) and 'generate=True' in str(err.value)
    assert 'removes spaces' in str(err.value)
    assert not osp.exists(mangled)
    with pytest.raises(FileNotFoundError, match='holds no demo data'):
        SyntheticCUBDataset(
            str(tmp_path / 'data' / 'spg_demo'),
            generate_cfg=dict(seed=0, **TINY))
    # the demo's own root, relative to the working directory, generates
    monkeypatch.chdir(tmp_path)
    ds = SyntheticCUBDataset(
        SyntheticCUBDataset.DEFAULT_ROOT, generate_cfg=dict(seed=0, **TINY))
    assert len(ds) == 4
    assert osp.isfile(tmp_path / 'data' / 'spg_demo' / SYNTHETIC_META_FILE)
    # generate=False refuses even there
    with pytest.raises(FileNotFoundError):
        SyntheticCUBDataset(
            'data/other', generate=False, generate_cfg=dict(seed=0, **TINY))


def test_refuses_foreign_folder(tmp_path):
    root = tmp_path / 'mine'
    root.mkdir()
    (root / 'notes.txt').write_text('keep me')
    with pytest.raises(FileExistsError, match='not empty'):
        ensure_synthetic_cub(str(root), **TINY)
    assert (root / 'notes.txt').read_text() == 'keep me'


RACE_SCRIPT = """
import importlib, sys, types
# the demo folder as a bare package: its generator and drawing modules only,
# without the imports of mmspg.datasets (torch, mmengine)
pkg = types.ModuleType('demo_data')
pkg.__path__ = [sys.argv[1]]
sys.modules['demo_data'] = pkg
gen = importlib.import_module('demo_data.synthetic_cub_generator')
print(int(gen.ensure_synthetic_cub(sys.argv[2], seed=0, num_classes=2,
                                   train_per_class=2, test_per_class=1)))
"""


def test_concurrent_generation_is_safe(tmp_path):
    # Separate interpreters that load only the generator modules (fast,
    # and no fork of a process holding OpenCV/torch threads).
    root = str(tmp_path / 'race' / 'cub')
    demo_dir = osp.join(REPO, 'mmspg', 'datasets', 'demo')
    procs = [
        subprocess.Popen([sys.executable, '-c', RACE_SCRIPT, demo_dir, root],
                         stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE) for _ in range(3)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    assert sum(int(o[0]) for o in outs) >= 1  # someone generated
    assert sorted(os.listdir(tmp_path / 'race')) == ['cub']  # no temp left
    ref = str(tmp_path / 'ref')
    generate_synthetic_cub(ref, seed=0, **TINY)
    assert tree_digest(root) == tree_digest(ref)


def test_loser_of_the_race_uses_winner(tmp_path, monkeypatch):
    """Another process finishes while this one generates: its copy wins."""
    from mmspg.datasets.demo import synthetic_cub_generator as gen
    root = str(tmp_path / 'cub')
    real = gen.generate_synthetic_cub

    def slow_generate(tmp, **cfg):
        real(root, **cfg)  # the "other process" completes first
        return real(tmp, **cfg)

    monkeypatch.setattr(gen, 'generate_synthetic_cub', slow_generate)
    assert gen.ensure_synthetic_cub(root, seed=0, **TINY) is False
    assert os.listdir(tmp_path) == ['cub']  # our temp copy was removed


def test_cli(tmp_path, monkeypatch, capsys):
    out = str(tmp_path / 'demo')
    argv = [
        'generate_demo_data.py', out, '--num-classes', '2',
        '--train-per-class', '2', '--test-per-class', '1'
    ]
    monkeypatch.setattr(sys, 'argv', argv)
    with pytest.raises(SystemExit) as e:
        runpy.run_path(
            osp.join(REPO, 'tools', 'misc', 'generate_demo_data.py'),
            run_name='__main__')
    assert e.value.code == 0
    assert 'Wrote 6 images' in capsys.readouterr().out
    assert len(CUBWSOLDataset(out, split='train')) == 4


def test_body_tint_moves_only_the_bird_towards_the_class_colour():
    from mmspg.datasets.demo import resolve_synthetic_cub_cfg
    from mmspg.datasets.demo.synthetic_cub_drawing import render_image
    label = 0
    head = np.float32(CLASS_SPECS[label][1])
    plain, box0, _ = render_image(0, 1, label,
                                  resolve_synthetic_cub_cfg(body_tint=(0, 0)))
    tinted, box1, _ = render_image(
        0, 1, label, resolve_synthetic_cub_cfg(body_tint=(0.5, 0.5)))
    assert box0 == box1  # the tint changes colours, not geometry
    diff = np.abs(tinted.astype(np.int32) - plain.astype(np.int32)).sum(-1)
    changed = diff > 30
    assert changed.sum() > 100
    x, y, w, h = box1
    inside = np.zeros_like(changed)
    # One pixel of margin: anti-aliased edges reach just past the box.
    inside[max(0, y - 1):y + h + 1, max(0, x - 1):x + w + 1] = True
    assert not (changed & ~inside).any()

    def dist(img):
        return np.linalg.norm(
            img[changed].astype(np.float32) - head, axis=1).mean()

    assert dist(tinted) < 0.8 * dist(plain)
    with pytest.raises(ValueError, match='body_tint'):
        resolve_synthetic_cub_cfg(body_tint=(0.6, 0.2))
