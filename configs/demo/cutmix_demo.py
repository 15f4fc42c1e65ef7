# CutMix demo: cam_demo.py + mmpretrain's CutMix batch augment with the WSOL
# benchmark's beta 1.0 and probability 1.0 (clovaai/wsolevaluation
# config.py:230-233); the head's loss reads the mixed labels (gt_score).
# Run: python tools/train.py configs/demo/cutmix_demo.py
# Input: OpenCV decode, no EXIF rotation; OpenCV bilinear (the tables' input).
_base_ = ['./cam_demo.py']

model = dict(
    train_cfg=dict(augments=[dict(type='CutMix', alpha=1.0)], probs=[1.0]))
