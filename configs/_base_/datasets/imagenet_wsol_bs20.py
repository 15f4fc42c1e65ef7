# ILSVRC2012 for WSOL: train from the class folders (no boxes are needed for
# weak supervision); val images with boxes from the official per-image XML
# files. Layout in data/imagenet:
#   train/n01440764/*.JPEG ...
#   val/ILSVRC2012_val_00000001.JPEG ...
#   val_ann/ILSVRC2012_val_00000001.xml ...   (ILSVRC2012_bbox_val_v3.tgz)
# Transforms as in cub_wsol_bs32.py (the WSOL benchmark's), batch 20 and
# validation on ILSVRC val, the reported split: nothing may be selected on
# it. The SPG recipes use imagenet_spg-official_bs20.py or
# imagenet_wsolbench_bs64.py.
_base_ = ['./cub_wsol_bs32.py']

dataset_type = 'ImageNetWSOLDataset'
data_root = 'data/imagenet'

data_preprocessor = dict(num_classes=1000)

train_dataloader = dict(
    batch_size=20,
    dataset=dict(
        _delete_=True,
        type=dataset_type,
        data_root=data_root,
        split='train',
        pipeline={{_base_.train_pipeline}}),
)
val_dataloader = dict(
    batch_size=20,
    dataset=dict(
        _delete_=True,
        type=dataset_type,
        data_root=data_root,
        split='val',
        pipeline={{_base_.test_pipeline}}),
)
test_dataloader = val_dataloader
