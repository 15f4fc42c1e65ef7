# ImageNet-1k under the WSOL benchmark protocol (clovaai/wsolevaluation
# metadata/ILSVRC): train = ImageNet train (labels; its metadata is made by
# the benchmark's dataset/prepare_imagenet.sh), val ("train-fullsup") =
# ImageNetV2 with the benchmark's boxes (metadata/ILSVRC/val, 10 images per
# class), test = the ImageNet val set with boxes (metadata/ILSVRC/test).
# Images under data/wsolevaluation/dataset/ILSVRC. Pipelines, evaluator and
# checkpoint protocol as configs/_base_/datasets/wsol_benchmark_cub.py.
_base_ = ['./wsol_benchmark_cub.py']

data_preprocessor = dict(num_classes=1000)

train_dataloader = dict(
    dataset=dict(
        metadata_root='metadata/ILSVRC/train', data_prefix='dataset/ILSVRC'))
val_dataloader = dict(
    dataset=dict(
        metadata_root='metadata/ILSVRC/val', data_prefix='dataset/ILSVRC'))
test_dataloader = dict(
    dataset=dict(
        metadata_root='metadata/ILSVRC/test', data_prefix='dataset/ILSVRC'))
