# SPG-plain (SPG-A only, i.e. CAM on the SPG Inception-v3), CUB-200-2011 --
# official-code protocol of spg_inception-v3_2xb10_cub-321px.py without
# SPG-B / SPG-C. No paper number. Not yet reproduced here.
# Weights: inception_v3_google-1a9a5a14.pth (inception3_spg.py:16), the keys
# its model has (utils/Restore.py:47-61): -Mixed_7/Aux/fc.
# Input: PIL decode, no EXIF rotation; PIL bilinear short side 356, crop 321.
_base_ = ['./spg_inception-v3_2xb10_cub-321px.py']

model = dict(head=dict(with_spg_b=False, with_spg_c=False))
