# Ablation of the SPG paper's table on ILSVRC2012, official-code protocol of
# spg_inception-v3_2xb10_in1k-321px.py with one switch:
# SPG-C only: SPG-A + SPG-C, no SPG-B (SPG-C learns from the seeds of SPG-A's
# attention).
# Weights: inception_v3_google-1a9a5a14.pth (inception3_spg.py:16), the keys
# its model has (utils/Restore.py:47-61): -Mixed_7/Aux/fc.
# The paper's number for this row was not available to check here.
# Not yet reproduced here.
# Input: PIL decode, no EXIF rotation; PIL bilinear short side 356, crop 321.
_base_ = ['./spg_inception-v3_2xb10_in1k-321px.py']

model = dict(head=dict(with_spg_b=False))
