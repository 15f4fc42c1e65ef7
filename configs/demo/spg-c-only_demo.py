# Ablation "SPG-C only" of the demo: SPG-A + SPG-C, no SPG-B; SPG-C's seeds
# then come straight from SPG-A's attention map (see SPGHead). Same data,
# backbone and schedule as spg_demo.py.
# Input: OpenCV decode, no EXIF rotation; OpenCV bilinear (the tables' input).
_base_ = ['./spg_demo.py']

model = dict(head=dict(with_spg_b=False))
