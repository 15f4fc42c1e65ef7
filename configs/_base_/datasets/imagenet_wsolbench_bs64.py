# ImageNet under the WSOL benchmark protocol: train = ILSVRC train
# (train-weaksup), val = ImageNetV2 threshold-0.7 with the benchmark's boxes
# (train-fullsup, 10 per class), test = ILSVRC val (README lines 87-91,
# 106-110). Transforms, batch and selection as cub_wsolbench_bs64.py.
# Layout under data/wsolevaluation: dataset/ILSVRC/{train,val2,val}/...
# and metadata/ILSVRC/{train,val,test}/ (README lines 412-435).
_base_ = ['./cub_wsolbench_bs64.py']

image_prefix = 'dataset/ILSVRC'
metadata_prefix = 'metadata/ILSVRC'

data_preprocessor = dict(num_classes=1000)

train_dataloader = dict(
    dataset=dict(
        metadata_root=metadata_prefix + '/train', data_prefix=image_prefix))
val_dataloader = dict(
    dataset=dict(
        metadata_root=metadata_prefix + '/val', data_prefix=image_prefix))
test_dataloader = dict(
    dataset=dict(
        metadata_root=metadata_prefix + '/test', data_prefix=image_prefix))
