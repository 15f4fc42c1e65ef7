# ImageNet-1k under the WSOL benchmark protocol (clovaai/wsolevaluation
# README lines 87-91, 106-110), with its metadata/ILSVRC splits:
#   train  metadata/ILSVRC/train  train-weaksup = ImageNet train, labels
#                                 only (the metadata ships in the
#                                 benchmark's metadata/ folder;
#                                 dataset/prepare_imagenet.sh only unpacks
#                                 the images; docs/data.md)
#   val    metadata/ILSVRC/val    train-fullsup = ImageNetV2 with the
#                                 benchmark's boxes, 10000 images (10 per
#                                 class, README line 377): selection
#   test   metadata/ILSVRC/test   ImageNet val, 50000 images with boxes
# Images under data/wsolevaluation/dataset/ILSVRC/{train,val2,val} (README
# lines 412-434). ImageNetV2's files were renamed upstream (benchmark issue
# #42): see docs/data.md before training with the val split. Transforms,
# batch 64, evaluator and selection as cub_wsolbench_bs64.py; 1000 classes
# (main.py line 69).
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
