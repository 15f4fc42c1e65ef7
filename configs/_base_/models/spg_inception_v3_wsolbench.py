# SPG on the WSOL benchmark's Inception-v3 (clovaai/wsolevaluation
# wsol/inception.py InceptionSpg, wsol/method/spg.py): the layers of
# spg_inception_v3.py plus the max-pool after Mixed_5d (inception.py lines
# 364-365, large_feature_map False by default, config.py line 204), so
# 14x14 maps at 224 px with B1 tapped after that pool (line 367); seed
# thresholds from config.py lines 213-224: (0.7, 0.01) for B2 (the official
# code's low threshold is 0.05), (0.5, 0.05) for B1, (0.7, 0.1) for C;
# seeds at 224 x 224 (spg.py lines 14, 78); dropout 0.5 that follows
# train/eval mode (F.dropout(x, 0.5, self.training), inception.py lines
# 379-383); test maps resized as inference.py lines 84-88 do (raw CAM,
# cv2 INTER_CUBIC, min-max).
# The benchmark's CAM-family Inception-v3 (wsol_inception_v3.py) inherits
# this trunk.
_base_ = ['./spg_inception_v3.py']

model = dict(
    backbone=dict(variant='wsol-benchmark', large_feature_map=False),
    head=dict(
        dropout_ratio=0.5,
        loc_resize='bicubic',
        seed_b2=dict(high_thr=0.7, low_thr=0.01),
        seed_b1=dict(high_thr=0.5, low_thr=0.05),
        seed_c=dict(high_thr=0.7, low_thr=0.1)))
