"""configs/spg/metafile.yml lists every SPG recipe in mmpretrain's metafile
format, and marks paper numbers as such."""
import glob
import os.path as osp

import yaml

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def test_metafile_lists_every_recipe():
    with open(osp.join(REPO, 'configs/spg/metafile.yml')) as f:
        meta = yaml.safe_load(f)
    (collection, ) = meta['Collections']
    assert collection['Name'] == 'SPG'
    assert osp.isfile(osp.join(REPO, collection['README']))
    names = set()
    for model in meta['Models']:
        assert model['In Collection'] == 'SPG'
        assert osp.isfile(osp.join(REPO, model['Config'])), model['Config']
        assert osp.basename(model['Config']) == model['Name'] + '.py'
        assert 'Training Data' in model['Metadata']
        assert 'Weights' in model and model['Weights'] is None
        for result in model['Results'] or []:
            for key in result['Metrics']:
                # nothing is reproduced yet: every number is the paper's
                assert key.endswith('(paper)'), key
        names.add(model['Name'])
    shipped = {
        osp.splitext(osp.basename(p))[0]
        for p in glob.glob(osp.join(REPO, 'configs/spg/*.py'))
    }
    assert names == shipped
