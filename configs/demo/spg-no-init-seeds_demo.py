# Ablation "no initial seed masks" of the demo (our reading of the paper's
# row, see SPGHead): B2 learns from seeds of its own output instead of the
# seeds of SPG-A's attention, so no guidance comes from the classifier.
# Same data, backbone and schedule as spg_demo.py.
# Input: OpenCV decode, no EXIF rotation; OpenCV bilinear (the tables' input).
_base_ = ['./spg_demo.py']

model = dict(head=dict(initial_seeds=False))
