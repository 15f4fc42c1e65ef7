# SPG on the WSOL benchmark's ResNet-50 (clovaai/wsolevaluation
# wsol/resnet.py:213-331, ResNetSpg; wsol/method/spg.py). One place for
# configs/spg/spg_resnet50-s*-wsolbench_*.py; recipes set num_classes, seeds
# and large_feature_map.
# Backbone ResNetSpg: mmpretrain's ResNet-50 blocks with layer3 split into
# SPG_A1 (block 0) and SPG_A2 (blocks 1-5), layer3 at stride 2 (1 with
# large_feature_map), layer4 at stride 1: 14x14 maps at 224 px.
# Head SPGHead on (SPG_A1, SPG_A2, layer4): no SPG-A convs, SPG_A4 = 1x1 conv
# 2048 -> classes on layer4 (resnet.py:240-241, 312), GAP; B1 / B2 3x3 to
# 1024 (SPG_B_1a / SPG_B_2a, :244-251) + the shared 3x3 + 1x1 (SPG_B_shared,
# :252-256); C = 3x3 2048 -> 512 + 1x1 on layer4 (SPG_C, :258-262, 314). No
# dropout. New layers Xavier-uniform, zero bias (:264). Seeds at 224 x 224
# (spg.py:14, 78); config.py:213-224 defaults here. Test maps: raw CAM of
# SPG_A4 (resnet.py:324-327), cv2 bicubic, min-max (inference.py:84-88).
# Weights: torchvision's resnet50-19c8e357.pth (resnet.py:20-21) with the
# SPG re-keying (batch_replace_layer, resnet.py:442-449), fc dropped
# (:465-467), through WSOLPretrained.
model = dict(
    type='WSOLClassifier',
    backbone=dict(
        type='ResNetSpg',
        large_feature_map=False,
        init_cfg=dict(
            type='WSOLPretrained',
            checkpoint='https://download.pytorch.org/models/'
            'resnet50-19c8e357.pth',
            converter='torchvision_resnet50')),
    neck=None,
    head=dict(
        type='SPGHead',
        num_classes=1000,
        in_channels=(1024, 1024, 2048),
        mid_channels=(),
        guidance_channels=1024,
        c_channels=512,
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
