# Ablation of the SPG paper's table on ILSVRC2012, official-code protocol of
# spg_inception-v3_2xb10_in1k-321px.py with one switch:
# SPG-C only: SPG-A + SPG-C, no SPG-B (SPG-C learns from the seeds of SPG-A's
# attention).
# Weights: inception_v3_google-1a9a5a14.pth (inception3_spg.py:16), its keys
# The paper's number for this row was not available to check here.
# Not yet reproduced here.
_base_ = ['./spg_inception-v3_2xb10_in1k-321px.py']

model = dict(head=dict(with_spg_b=False))
