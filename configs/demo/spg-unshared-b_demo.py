# Ablation "B1/B2 without shared layers" of the demo: B1 and B2 each get
# their own top layers (3x3 conv + ReLU + 1x1 conv) instead of the shared
# ones of the official code. Same data, backbone and schedule as
# spg_demo.py.
# Input: OpenCV decode, no EXIF rotation; OpenCV bilinear (the tables' input).
_base_ = ['./spg_demo.py']

model = dict(head=dict(share_b_layers=False))
