# SPG on the WSOL Inception-v3 (Zhang et al., ECCV 2018), layer for layer as
# the official code (xiaomengyc/SPG @0006659, models/google/inception3_spg.py):
# Mixed_6a at stride 1 (line 87), so maps stay at stride 8 (28x28 at 224 px,
# 40x40 at the official 321 px crop).
model = dict(
    type='WSOLClassifier',
    backbone=dict(
        type='SPGInceptionV3',
        # 'wsol-benchmark' adds the benchmark's max-pool after Mixed_5d
        # (clovaai/wsolevaluation wsol/inception.py lines 364-365).
        variant='spg-official',
        # Mixed_5d -> B1 (side3, line 174), Mixed_6d -> B2 (side4, line 188),
        # Mixed_6e -> SPG-A (line 186).
        out_indices=('Mixed_5d', 'Mixed_6d', 'Mixed_6e'),
        # No input transform: the official model is built with
        # pretrained=False (exper/train_frame.py line 78), so its
        # transform_input keeps the default False (inception3_spg.py lines
        # 27-29, 76) and the Google weights see ImageNet-mean/std inputs;
        # the benchmark does the same (its InceptionSpg has no transform).
        transform_input=False,
        # The Google weights both sources name (inception3_spg.py line 16,
        # wsol/inception.py line 22); torchvision now also serves them as
        # inception_v3_google-0cc3c7bd.pth.
        # Mixed_7*, AuxLogits and fc dropped, every other tensor loaded
        # strictly (benchmark wsol/inception.py:490-503; official: the keys
        # its model has, utils/Restore.py:47-61), converter
        # 'torchvision_inception_v3' of mmspg's WSOLPretrained init.
        init_cfg=dict(
            type='WSOLPretrained',
            checkpoint='https://download.pytorch.org/models/'
            'inception_v3_google-1a9a5a14.pth',
            converter='torchvision_inception_v3')),
    head=dict(
        type='SPGHead',
        num_classes=1000,
        in_channels=(288, 768, 768),
        # fc6 / fc7_1: 1024 ch (lines 96-101); side3/side4/side_all and
        # branchB: 512 ch (lines 105-120).
        mid_channels=1024,
        guidance_channels=512,
        # No dropout: lines 205-209 call F.dropout(x, 0.5) without
        # training=, which in the PyTorch 0.3 the code was written for
        # (setup_demo.txt step 2; exper/train_frame.py line 147 reads
        # loss_val.data[0]) defaults to training=False, a no-op; so the
        # paper's numbers were made without dropout. The benchmark's SPG
        # (spg_inception_v3_wsolbench.py) does drop.
        dropout_ratio=0.0,
        with_spg_b=True,
        with_spg_c=True,
        # Seed thresholds (high, low) of get_loss: B2 from the attention
        # (get_mask defaults, line 250, used at line 264), B1 from sigmoid
        # of B2 (line 267), C from the fused B1/B2 map (line 275).
        seed_b2=dict(high_thr=0.7, low_thr=0.05),
        seed_b1=dict(high_thr=0.5, low_thr=0.05),
        seed_c=dict(high_thr=0.7, low_thr=0.1),
        # Seeds and B/C logits at 224 x 224 whatever the input size
        # (self.interp, line 122).
        mask_size=224,
        loc_topk=5,
        # Test maps as the official code makes them: get_localization_maps
        # (min-max at feature resolution, lines 344-376), cv2.resize with
        # its default INTER_LINEAR and min-max again (utils/save_atten.py
        # lines 172-177, 227-231, 270).
        loc_resize='bilinear',
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
        loss_guidance=dict(type='SPGLoss', loss_weight=1.0)),
)
