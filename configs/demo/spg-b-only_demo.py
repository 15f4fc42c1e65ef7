# Ablation "SPG-B only" of the demo: SPG-A + SPG-B (B1, B2 and their seed
# losses), no SPG-C. Same data, backbone and schedule as spg_demo.py.
# Input: OpenCV decode, no EXIF rotation; OpenCV bilinear (the tables' input).
_base_ = ['./spg_demo.py']

model = dict(head=dict(with_spg_c=False))
