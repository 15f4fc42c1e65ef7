# SPG-plain twin of the demo (SPG-A only, i.e. CAM): same data, backbone and
# schedule, no SPG-B/SPG-C guidance.
# Input: OpenCV decode, no EXIF rotation; OpenCV bilinear (the tables' input).
_base_ = ['./spg_demo.py']

model = dict(head=dict(with_spg_b=False, with_spg_c=False))
