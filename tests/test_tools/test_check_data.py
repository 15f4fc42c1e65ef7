"""tools/misc/check_data.py finds every kind of broken input in one run and
sets its exit status."""
import os
import os.path as osp
import sys

import cv2
import numpy as np

sys.path.insert(0, osp.join(osp.dirname(osp.dirname(__file__)), 'data'))
from openimages_layout import make_openimages  # noqa: E402

LOAD = dict(type='LoadImageFromFileWSOL', on_error='raise')


def _config(tmp_path, layout, box_meta):
    cfg = tmp_path / 'check_cfg.py'
    cfg.write_text(f'''
default_scope = 'mmspg'
custom_imports = dict(imports=['mmspg'], allow_failed_imports=False)
_load = {LOAD!r}
train_dataloader = dict(dataset=dict(
    type='OpenImagesWSOLDataset',
    metadata_root={layout['metadata'] + '/train'!r},
    data_prefix={layout['images']!r}, require_masks=False, pipeline=[_load]))
val_dataloader = dict(dataset=dict(
    type='WSOLMetadataDataset', metadata_root={box_meta!r},
    data_prefix={layout['images']!r}, pipeline=[_load]))
test_dataloader = dict(dataset=dict(
    type='OpenImagesWSOLDataset',
    metadata_root={layout['metadata'] + '/test'!r},
    data_prefix={layout['images']!r}, mask_root={layout['masks']!r},
    pipeline=[_load]))
''')
    return str(cfg)


def _box_metadata(root, ids, boxes):
    meta = osp.join(root, 'box_meta')
    os.makedirs(meta)
    with open(osp.join(meta, 'image_ids.txt'), 'w') as f:
        f.writelines(f'{i}\n' for i in ids)
    with open(osp.join(meta, 'class_labels.txt'), 'w') as f:
        f.writelines(f'{i},0\n' for i in ids)
    with open(osp.join(meta, 'localization.txt'), 'w') as f:
        f.writelines(f'{i},{",".join(map(str, b))}\n'
                     for i, b in zip(ids, boxes))
    return meta


def _run(tools, cfg, *extra):
    return tools.run_tool([
        sys.executable, 'tools/misc/check_data.py', cfg, '--nproc', '2', *extra
    ],
                          timeout=240)


def test_check_data_finds_every_kind_in_one_run(tools, tmp_path):
    layout = make_openimages(str(tmp_path / 'oi'))  # 48 x 40 images
    train_ids = open(osp.join(layout['metadata'], 'train',
                              'image_ids.txt')).read().split()
    box_meta = _box_metadata(
        str(tmp_path), train_ids[3:5], [[2, 2, 20, 20], [10, 5, 40, 30]])
    cfg = _config(tmp_path, layout, box_meta)

    clean = _run(tools, cfg)
    assert clean.returncode == 0, clean.stdout[-3000:]
    assert 'check_data: no problem found' in clean.stdout
    assert 'files/s' in clean.stdout

    img = lambda i: osp.join(layout['images'], train_ids[i])  # noqa: E731
    os.remove(img(0))  # missing
    data = open(img(1), 'rb').read()
    open(img(1), 'wb').write(data[:len(data) // 2])  # truncated JPEG
    cv2.imwrite(img(2), np.zeros((30, 30, 3), np.uint8))  # wrong size
    test_loc = open(osp.join(layout['metadata'], 'test',
                             'localization.txt')).readline()
    mask = osp.join(layout['masks'], test_loc.split(',')[1])
    open(mask, 'wb').write(b'not a png')  # unreadable mask
    loc = osp.join(box_meta, 'localization.txt')  # a box outside
    text = open(loc).read().replace('40,30', '100,30')
    open(loc, 'w').write(text)
    report = tmp_path / 'report.txt'
    broken = _run(tools, cfg, '--report', str(report))
    out = broken.stdout
    assert broken.returncode == 1, out[-3000:]
    assert '5 problem(s)' in out, out[-3000:]
    for kind, where in (('missing', train_ids[0]),
                        ('unreadable', train_ids[1]), ('size', train_ids[2]),
                        ('box', train_ids[4]), ('mask unreadable', mask)):
        assert f'[{kind}] 1' in out, out[-3000:]
        assert where in out
    assert 'decodes to 30x30, the annotation says 48x40' in out
    assert '[10, 5, 100, 30]' in out
    assert report.read_text().count('\n  ') == 5
    assert '\r' in out or '[>' in out or 'task/s' in out  # progress bar
