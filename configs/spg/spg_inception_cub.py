# = spg_inception-v3_2xb10_cub-321px.py (SPG, Inception-v3, CUB-200-2011).
# The short name of the recommended CUB recipe: the SPG paper's method as
# its official code trains it (xiaomengyc/SPG, 321 px crops, 40x40 maps),
# so `python tools/train.py configs/spg/spg_inception_cub.py` trains the
# paper's model. Every number, with its source, is in that file's header;
# the WSOL benchmark's protocol is spg_inception-v3-wsolbench_1xb32_cub.py
# (configs/spg/README.md compares the two).
_base_ = ['./spg_inception-v3_2xb10_cub-321px.py']
