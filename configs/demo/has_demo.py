# Hide-and-Seek demo: cam_demo.py + the HideAndSeek batch augment (training
# only) with the WSOL benchmark's defaults, grid 4 px and drop rate 0.5
# (clovaai/wsolevaluation config.py:210-211); hidden pixels are 0 in the
# normalised input, the mean (kkanshul/Hide-and-Seek hide_patch.py:46).
# Run: python tools/train.py configs/demo/has_demo.py
# Input: OpenCV decode, no EXIF rotation; OpenCV bilinear (the tables' input).
_base_ = ['./cam_demo.py']

model = dict(
    train_cfg=dict(augments=[
        dict(type='HideAndSeek', grid_size=4, drop_rate=0.5, fill=0.0)
    ]))
