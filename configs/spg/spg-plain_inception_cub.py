# SPG-plain (SPG-A only, i.e. CAM on the WSOL Inception-v3), CUB-200-2011:
# the ablation baseline of the SPG paper (ECCV 2018, Sec. 4).
# Not yet reproduced here.
_base_ = ['./spg_inception_cub.py']

model = dict(head=dict(with_spg_b=False, with_spg_c=False))
