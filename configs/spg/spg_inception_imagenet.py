# = spg_inception-v3_2xb10_in1k-321px.py (SPG, Inception-v3, ILSVRC2012).
# The short name of the recommended ImageNet recipe: the SPG paper's method
# as its official code trains it (xiaomengyc/SPG,
# scripts/train_imagenet_full_v5.sh: 321 px crops, 40x40 maps), so
# `python tools/train.py configs/spg/spg_inception_imagenet.py` trains the
# paper's model. Every number, with its source, is in that file's header;
# the WSOL benchmark's protocol is spg_inception-v3-wsolbench_1xb64_in1k.py
# (configs/spg/README.md compares the two).
_base_ = ['./spg_inception-v3_2xb10_in1k-321px.py']
