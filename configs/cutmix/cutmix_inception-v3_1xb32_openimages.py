# CutMix, Inception-v3, OpenImages30k, under the WSOL
# benchmark protocol (Choe et al., CVPR 2020 / TPAMI; clovaai/wsolevaluation).
# Benchmark test PxAP: CAM 63.2 -0.7 (its README.md:370 table).
# Not yet reproduced here (no data or pretrained weights on the CI machines).
# CutMix = CAM + mmpretrain's CutMix batch augment, beta 1.0 applied with
# probability 1.0 (config.py:230-233, main.py:165-174); the head loss reads the
# mixed labels (gt_score) through ClsHead._get_loss.
_base_ = ['../cam/cam_inception-v3_1xb32_openimages.py']

model = dict(
    train_cfg=dict(
        augments=[dict(type='CutMix', alpha=1.0)], probs=[1.0]))
