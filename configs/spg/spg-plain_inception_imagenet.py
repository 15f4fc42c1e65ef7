# SPG-plain (SPG-A only, CAM), Inception-v3, ILSVRC2012.
# Paper (ILSVRC val): Top-1 Loc error 53.71, Top-5 Loc error 41.81,
# GT-known Loc error 37.32. Not yet reproduced here.
_base_ = ['./spg_inception_imagenet.py']

model = dict(head=dict(with_spg_b=False, with_spg_c=False))
