# ILSVRC2012 under the official SPG code's data protocol: the transforms,
# normalisation and batch of cub_spg-official_bs20.py (utils/LoadData.py,
# exper/train_frame.py of xiaomengyc/SPG @0006659). Train from the class
# folders (datalist/ILSVRC/train_list.txt lists the same images), test on
# ILSVRC val with the official per-image XML boxes. Layout in data/imagenet:
#   train/n01440764/*.JPEG ...
#   val/ILSVRC2012_val_00000001.JPEG ...
#   val_ann/ILSVRC2012_val_00000001.xml ...   (ILSVRC2012_bbox_val_v3.tgz)
# No validation split (the official training never validates): the recipe
# reports the last epoch on ILSVRC val.
_base_ = ['./cub_spg-official_bs20.py']

dataset_type = 'ImageNetWSOLDataset'
data_root = 'data/imagenet'

data_preprocessor = dict(num_classes=1000)

train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type=dataset_type,
        data_root=data_root,
        split='train',
        pipeline={{_base_.train_pipeline}}))
test_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type=dataset_type,
        data_root=data_root,
        split='val',
        pipeline={{_base_.test_pipeline}}))
