# SPG-plain (SPG-A only, i.e. CAM on the SPG Inception-v3), ILSVRC2012 --
# official-code protocol of spg_inception-v3_2xb10_in1k-321px.py with the
# SPG-B / SPG-C branches and losses removed: the baseline row of the paper's
# ablation. Paper, ILSVRC val, localization error %: Top-1 53.71, Top-5
# 41.81, GT-known 37.32 (as this project's README listed them; not
# re-checked against the paper here). Not yet reproduced here.
# Weights: inception_v3_google-1a9a5a14.pth (inception3_spg.py:16), the keys
# its model has (utils/Restore.py:47-61): -Mixed_7/Aux/fc.
# Input: PIL decode, no EXIF rotation; PIL bilinear short side 356, crop 321.
_base_ = ['./spg_inception-v3_2xb10_in1k-321px.py']

model = dict(head=dict(with_spg_b=False, with_spg_c=False))
