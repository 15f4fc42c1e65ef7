# SPG on the WSOL benchmark's VGG16 (clovaai/wsolevaluation wsol/vgg.py:
# 124-213, VggSpg; wsol/method/spg.py). One place for
# configs/spg/spg_vgg16-gap-wsolbench_*.py; recipes set num_classes and seeds.
# Backbone VggSpg: conv1-conv3 + pools, SPG_A_1 (conv4), the 3x3/s2/p1
# max-pool unless large_feature_map, SPG_A_2 (conv5): 14x14 maps at 224 px.
# Head SPGHead on (SPG_A_1 pooled, SPG_A_2, SPG_A_2): SPG-A = SPG_A_3 (two
# 3x3 convs to 512, vgg.py:147-152) + SPG_A_4 (1x1 to the classes, :153),
# GAP; B1 / B2 3x3 to 512 (SPG_B_1a / SPG_B_2a, :157-164) + the shared
# 3x3 + 1x1 (SPG_B_shared, :165-169); C on SPG_A_3's output (SPG_C,
# :171-175). No dropout in VggSpg. New layers Xavier-uniform, zero bias
# (:177). Seeds at 224 x 224 (spg.py:14, 78); config.py:213-224 defaults
# here, tuned values in the recipes. Test maps: raw CAM of SPG_A_4
# (vgg.py:206-209), cv2 bicubic, min-max (inference.py:84-88).
# Weights: torchvision's vgg16-397923af.pth (vgg.py:21-23) with the SPG
# re-keying (batch_replace_layer, vgg.py:241-248: conv4_x -> SPG_A_1,
# conv5_x -> SPG_A_2), classifier dropped (:259), through WSOLPretrained.
model = dict(
    type='WSOLClassifier',
    backbone=dict(
        type='VggSpg',
        large_feature_map=False,
        init_cfg=dict(
            type='WSOLPretrained',
            checkpoint='https://download.pytorch.org/models/'
            'vgg16-397923af.pth',
            converter='torchvision_vgg16')),
    neck=None,
    head=dict(
        type='SPGHead',
        num_classes=1000,
        in_channels=(512, 512, 512),
        mid_channels=512,
        guidance_channels=512,
        dropout_ratio=0.0,
        seed_b2=dict(high_thr=0.7, low_thr=0.01),
        seed_b1=dict(high_thr=0.5, low_thr=0.05),
        seed_c=dict(high_thr=0.7, low_thr=0.1),
        mask_size=224,
        loc_topk=5,
        loc_resize='bicubic',
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
        loss_guidance=dict(type='SPGLoss', loss_weight=1.0)),
)
