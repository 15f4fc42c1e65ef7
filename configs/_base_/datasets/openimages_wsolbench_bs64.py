# OpenImages30k under the WSOL benchmark protocol (clovaai/wsolevaluation
# README lines 87-91; metadata/OpenImages, dataset/prepare_openimages.sh):
# 100 classes (main.py line 70);
#   train  metadata/OpenImages/train  29819 images, labels only
#   val    metadata/OpenImages/val    train-fullsup, 2500 images with
#                                     instance masks and ignore masks
#   test   metadata/OpenImages/test   5000 images with masks: reported
# Images and masks (the masks beside the images, README lines 485-513) under
# data/wsolevaluation/dataset/OpenImages: the benchmark's default
# --mask_root is the same folder as --data_root (config.py lines 145-151,
# 76-78). The metric is PxAP (and PIoU at the best threshold) from the
# masks. Transforms, batch 64 (config.py line 189, the benchmark default;
# README line 543's example command uses 32: openimages_wsolbench_bs32.py)
# and selection as cub_wsolbench_bs64.py.
_base_ = ['./cub_wsolbench_bs64.py']

dataset_type = 'OpenImagesWSOLDataset'
image_prefix = 'dataset/OpenImages'
metadata_prefix = 'metadata/OpenImages'

data_preprocessor = dict(num_classes=100)

# the benchmark's pipelines (cub_common.py), packing the mask paths too
pack_inputs = dict(
    _base_.pack_inputs,
    algorithm_keys=[
        'gt_bboxes', 'ori_gt_bboxes', 'image_id', 'gt_mask_paths',
        'ignore_mask_path'
    ])
train_pipeline = _base_.train_pipeline[:-1] + [pack_inputs]
test_pipeline = _base_.test_pipeline[:-1] + [pack_inputs]

train_dataloader = dict(
    dataset=dict(
        type=dataset_type,
        metadata_root=metadata_prefix + '/train',
        data_prefix=image_prefix,
        require_masks=False,
        pipeline=train_pipeline))
val_dataloader = dict(
    dataset=dict(
        type=dataset_type,
        metadata_root=metadata_prefix + '/val',
        data_prefix=image_prefix,
        require_masks=True,
        pipeline=test_pipeline))
test_dataloader = dict(
    dataset=dict(
        type=dataset_type,
        metadata_root=metadata_prefix + '/test',
        data_prefix=image_prefix,
        require_masks=True,
        pipeline=test_pipeline))
# PxAP over the threshold grid of step 0.001 (config.py line 171); keys
# wsol/pxap, wsol/piou, wsol/top1_cls. _delete_: the box metric's settings
# of cub_wsolbench_bs64.py do not apply to masks.
val_evaluator = dict(
    _delete_=True, type='PxAPMetric', cam_curve_interval=0.001)
test_evaluator = val_evaluator
