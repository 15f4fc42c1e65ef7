"""CutMix as the method configs use it: mmpretrain's batch augment in the
WSOLClassifier's data preprocessor, mixed labels read by the mmspg heads."""
import numpy as np
import torch
from mmengine.registry import init_default_scope
from mmpretrain.structures import DataSample

from mmspg.registry import MODELS

init_default_scope('mmspg')
C = 4


def _model(augments):
    return MODELS.build(
        dict(
            type='WSOLClassifier',
            data_preprocessor=dict(num_classes=C, mean=[0.] * 3, std=[1.] * 3),
            train_cfg=augments,
            backbone=dict(
                type='ResNet',
                depth=18,
                stem_channels=8,
                base_channels=8,
                out_indices=(3, )),
            head=dict(type='CAMHead', num_classes=C, in_channels=64)))


def test_cutmix_scores_match_the_pasted_area():
    model = _model(
        dict(augments=[dict(type='CutMix', alpha=1.0)], probs=[1.0]))
    n, h, w = 6, 32, 40
    labels = [0, 1, 2, 3, 0, 1]
    # image i is constant (i + 1): each pixel tells which image it came from
    inputs = [
        torch.full((3, h, w), float(i + 1), dtype=torch.uint8)
        for i in range(n)
    ]
    mixed = 0
    for seed in range(5):
        torch.manual_seed(seed)
        np.random.seed(seed)
        # fresh samples: the preprocessor would mix a set gt_score again
        samples = [DataSample().set_gt_label(lb) for lb in labels]
        out = model.data_preprocessor(
            dict(inputs=inputs, data_samples=samples), training=True)
        x = out['inputs'][:, 0]
        for i, ds in enumerate(out['data_samples']):
            own = (x[i] == i + 1).float().mean().item()
            others = x[i][x[i] != i + 1].unique()
            assert len(others) <= 1  # one partner image
            expected = torch.zeros(C)
            expected[labels[i]] += own
            if len(others):
                j = int(others[0].item()) - 1
                expected[labels[j]] += 1 - own
                mixed += 1
            else:
                expected[labels[i]] = 1.0
            # lam = the kept area (correct_lam, as the benchmark's
            # cutmix.py:21)
            torch.testing.assert_close(ds.gt_score, expected)
            assert ds.gt_label.item() == labels[i]
    assert mixed > 0


def test_cutmix_loss_and_test_time_off():
    model = _model(
        dict(augments=[dict(type='CutMix', alpha=1.0)], probs=[1.0]))
    inputs = [
        torch.randint(0, 255, (3, 32, 32), dtype=torch.uint8) for _ in range(4)
    ]
    samples = [DataSample().set_gt_label(i % C) for i in range(4)]
    torch.manual_seed(0)
    data = model.data_preprocessor(
        dict(inputs=inputs, data_samples=samples), training=True)
    losses = model(**data, mode='loss')
    logits = model.head(model.extract_feat(data['inputs']))
    target = torch.stack([ds.gt_score for ds in data['data_samples']])
    expected = -(target * logits.log_softmax(1)).sum(1).mean()
    # dropout-free head: the same forward twice
    torch.testing.assert_close(losses['loss'], expected)
    data = model.data_preprocessor(
        dict(
            inputs=inputs,
            data_samples=[DataSample().set_gt_label(0) for _ in range(4)]),
        training=False)
    torch.testing.assert_close(data['inputs'], torch.stack(inputs).float())
