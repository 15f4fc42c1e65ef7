import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.model import BaseModel, ImgDataPreprocessor

from mmspg.apis import WSOLInferencer, inference_localizer, init_localizer

CLASSES = ['cat', 'dog', 'bird']  # as saved by conftest.tiny_checkpoint


def _image(h, w, seed=0):
    return np.random.default_rng(seed).integers(
        0, 256, (h, w, 3), dtype=np.uint8)


def _check_result(result, h, w, k):
    assert result['ori_shape'] == (h, w)
    maps = result['loc_maps']
    assert maps.shape == (k, h, w) and maps.dtype == np.float32
    assert maps.min() >= 0.0 and maps.max() <= 1.0
    assert len(result['boxes']) == k
    for boxes in result['boxes']:
        assert boxes.dtype == np.float32 and boxes.shape[1] == 4
        assert (boxes[:, 0] >= 0).all() and (boxes[:, 1] >= 0).all()
        assert (boxes[:, 2] <= w - 1).all() and (boxes[:, 3] <= h - 1).all()
        assert (boxes[:, 0] <= boxes[:, 2]).all()
        assert (boxes[:, 1] <= boxes[:, 3]).all()
    assert len(result['topk_labels']) == len(result['topk_scores']) == k
    assert result['pred_label'] == result['topk_labels'][0]
    assert result['pred_score'] == pytest.approx(
        float(result['pred_scores'].max()))


@pytest.mark.parametrize('shape', [(333, 517), (7, 5), (64, 64)])
def test_maps_and_boxes_at_original_size(tiny_model, shape):
    result = inference_localizer(tiny_model, _image(*shape), topk=2)
    assert isinstance(result, dict)
    _check_result(result, *shape, k=2)
    # Class names come from the checkpoint meta.
    assert result['pred_class'] == CLASSES[result['pred_label']]
    assert result['topk_classes'] == [
        CLASSES[c] for c in result['topk_labels']
    ]
    # Default threshold: the config's test_evaluator.cam_threshold.
    assert result['thr'] == pytest.approx(0.3)


def test_list_input_is_batched_and_ordered(tiny_model):
    images = [_image(333, 517, 1), _image(20, 31, 2), _image(64, 80, 3)]
    batched = inference_localizer(tiny_model, images, topk=3, batch_size=2)
    assert isinstance(batched, list) and len(batched) == 3
    for image, result in zip(images, batched):
        _check_result(result, *image.shape[:2], k=3)
        single = inference_localizer(tiny_model, image, topk=3)
        np.testing.assert_allclose(
            result['pred_scores'], single['pred_scores'], atol=1e-5)
        np.testing.assert_allclose(
            result['loc_maps'], single['loc_maps'], atol=1e-4)


def test_paths_folder_and_box_mode(tiny_model, tmp_path):
    sub = tmp_path / 'imgs' / 'sub'
    sub.mkdir(parents=True)
    cv2.imwrite(str(tmp_path / 'imgs' / 'a.jpg'), _image(50, 70))
    cv2.imwrite(str(sub / 'b.png'), _image(33, 17))
    (tmp_path / 'imgs' / 'notes.txt').write_text('not an image')
    results = inference_localizer(
        tiny_model, str(tmp_path / 'imgs'), topk=1, box_mode='all', thr=0.5)
    assert [osp.basename(r['img_path']) for r in results] == ['a.jpg', 'b.png']
    _check_result(results[0], 50, 70, k=1)
    _check_result(results[1], 33, 17, k=1)
    assert results[0]['thr'] == 0.5


def test_seeds_and_json(tiny_model):
    result = inference_localizer(
        tiny_model, _image(40, 60), topk=1, return_seeds=True)
    guidance = result['guidance']
    assert set(guidance) == {
        'attention', 'seed_b2', 'seed_b1', 'seed_c', 'b1', 'b2', 'c'
    }
    for key, value in guidance.items():
        assert value.shape == (32, 32), key  # the head's mask_size
    for key in ('seed_b2', 'seed_b1', 'seed_c'):
        assert set(np.unique(guidance[key])) <= {0.0, 1.0, 255.0}
    js = WSOLInferencer.to_json(result)
    import json
    text = json.dumps(js)  # serialisable
    assert 'loc_maps' not in js and 'guidance' not in js
    assert json.loads(text)['boxes'] == [result['boxes'][0].tolist()]


def test_inferencer_call_and_show_dir(tiny_config, tiny_checkpoint, tmp_path):
    inferencer = WSOLInferencer(tiny_config, tiny_checkpoint, device='cpu')
    img_path = str(tmp_path / 'x.png')
    cv2.imwrite(img_path, _image(45, 90))
    results = inferencer([img_path, _image(30, 30)],
                         batch_size=2,
                         show_dir=str(tmp_path / 'vis'),
                         topk=1,
                         gt_bboxes=[np.array([[1, 2, 30, 40]]), None])
    assert len(results) == 2
    assert cv2.imread(str(tmp_path / 'vis' / 'x.png')).shape == (45, 90, 3)
    assert cv2.imread(str(tmp_path / 'vis' / '1.png')).shape == (30, 30, 3)
    samples = inferencer(_image(30, 30), return_datasamples=True)
    assert samples[0].loc_maps.shape[-2:] == (64, 64)  # network input
    assert 'gt_bboxes' not in samples[0]  # the geometry probe is removed


def test_bad_inputs(tiny_model):
    with pytest.raises(ValueError, match='HxWx3'):
        inference_localizer(tiny_model, np.zeros((4, 4, 4), np.uint8))
    with pytest.raises(FileNotFoundError, match='nope.jpg'):
        inference_localizer(tiny_model, 'nope.jpg')
    with pytest.raises(ValueError, match='thr'):
        inference_localizer(tiny_model, _image(8, 8), thr=1.5)
    with pytest.raises(ValueError, match='box_mode'):
        inference_localizer(tiny_model, _image(8, 8), box_mode='biggest')
    with pytest.warns(UserWarning, match='topk=7'):
        result = inference_localizer(tiny_model, _image(8, 8), topk=7)
    assert result['loc_maps'].shape[0] == 3  # the head's topk
    with pytest.raises(FileNotFoundError):
        init_localizer('missing_config.py')


class IntensityLocalizer(BaseModel):
    """Stand-in localizer whose map is the brightness of its input, so the
    right box in the original frame is known exactly."""

    def __init__(self, pipeline):
        super().__init__(data_preprocessor=ImgDataPreprocessor())
        self._config = Config(
            dict(test_dataloader=dict(dataset=dict(pipeline=pipeline))))
        self.dummy = torch.nn.Parameter(torch.zeros(1))

    def forward(self, inputs, data_samples=None, mode='predict'):
        maps = inputs.float().mean(dim=1)
        out = []
        for m, ds in zip(maps, data_samples):
            m = (m - m.min()) / (m.max() - m.min())
            ds.set_pred_score(torch.tensor([0.9, 0.1]))
            ds.set_field(torch.tensor([0, 1]), 'loc_labels')
            ds.set_field(torch.stack([m, 1 - m]), 'loc_maps')
            out.append(ds)
        return out


PACK = dict(
    type='PackInputs',
    algorithm_keys=['gt_bboxes'],
    meta_keys=['img_shape', 'ori_shape'])


@pytest.mark.parametrize(
    'pipeline,tol',
    [
        ([dict(type='Resize', scale=(64, 48), keep_ratio=False), PACK
          ], 400 / 64),
        ([
            dict(type='LoadImageFromFile'),
            dict(type='Resize', scale=(256, 256), keep_ratio=False),
            dict(type='CenterCrop', crop_size=224), PACK
        ], 400 / 256),
        ([
            dict(type='Resize', scale=(50, 50), keep_ratio=False),
            dict(type='PackInputs')
        ], 400 / 50),  # no box tracking: plain resize
    ])
def test_maps_return_to_the_original_frame(pipeline, tol):
    image = np.zeros((300, 400, 3), np.uint8)
    image[60:200, 100:260] = 255  # object: x 100..259, y 60..199
    inferencer = WSOLInferencer(IntensityLocalizer(pipeline), pretrained=False)
    result = inferencer(image, thr=0.5, topk=1)[0]
    assert result['loc_maps'].shape == (1, 300, 400)
    box = result['boxes'][0][0]
    # Evaluation convention: x2 = last pixel + 1.
    np.testing.assert_allclose(box, [100, 60, 260, 200], atol=tol + 1)
    maps = result['loc_maps'][0]
    # Bicubic overshoot at the step edges (as in the evaluation) lowers the
    # plateau after normalisation.
    assert maps[130, 180] > 0.7 and maps[10, 10] < 0.15


def test_cropped_out_pixels_are_zero():
    image = np.full((300, 400, 3), 255, np.uint8)
    image[100:200, 150:250] = 0
    pipeline = [
        dict(type='Resize', scale=(256, 256), keep_ratio=False),
        dict(type='CenterCrop', crop_size=128), PACK
    ]
    inferencer = WSOLInferencer(IntensityLocalizer(pipeline), pretrained=False)
    maps = inferencer(image)[0]['loc_maps'][0]
    # The crop keeps x in [100, 300), y in [75, 225) of the original.
    assert (maps[:, :95] == 0).all() and (maps[:, 305:] == 0).all()
    assert (maps[:70] == 0).all() and (maps[230:] == 0).all()
    assert maps[80:95, 110:290].min() > 0.9  # white inside the crop


def test_original_map_is_the_evaluators_resize(tiny_model):
    """A plain-resize pipeline gives exactly the map that
    WSOLMetric(box_frame='original') scores."""
    from mmspg.evaluation.functional import resize_scoremap
    inferencer = WSOLInferencer(tiny_model, pretrained=False)
    image = _image(53, 91, seed=5)
    sample = inferencer(image, return_datasamples=True)[0]
    result = inferencer(image, topk=2)[0]
    for k in range(2):
        expected = resize_scoremap(sample.loc_maps[k].numpy(), (53, 91))
        np.testing.assert_allclose(result['loc_maps'][k], expected, atol=1e-6)


def test_default_topk_is_the_heads(tiny_model):
    result = inference_localizer(tiny_model, _image(16, 24))
    _check_result(result, 16, 24, k=3)  # the tiny head's topk
    with pytest.raises(ValueError, match='topk'):
        inference_localizer(tiny_model, _image(16, 24), topk=0)


@pytest.mark.parametrize('norm', ['max', 'ivr'])
def test_original_map_keeps_the_models_normalisation(tiny_model, norm):
    """With ``loc_normalize`` other than min-max the original-frame map is
    the metric's (``frame_scoremap`` with the sample's normaliser), not a
    min-max of it: a 'max' map keeps its floor."""
    import copy

    from mmspg.evaluation.functional import (build_scoremap_norm,
                                             frame_scoremap, resize_scoremap)
    model = copy.deepcopy(tiny_model)
    model.loc_normalizer = model.head.loc_normalizer = \
        build_scoremap_norm(norm)
    inferencer = WSOLInferencer(model, pretrained=False)
    image = _image(53, 91, seed=5)
    sample = inferencer(image, return_datasamples=True)[0]
    assert isinstance(sample.loc_normalizer, type(build_scoremap_norm(norm)))
    result = inferencer(image, topk=2)[0]
    differs = False
    for k in range(2):
        raw = sample.loc_maps[k].numpy()
        expected = frame_scoremap(raw, (53, 91), build_scoremap_norm(norm))
        np.testing.assert_allclose(result['loc_maps'][k], expected, atol=1e-6)
        minmax = resize_scoremap(raw, (53, 91))
        differs |= not np.allclose(result['loc_maps'][k], minmax, atol=1e-3)
    assert differs  # else this test could not tell the two apart
