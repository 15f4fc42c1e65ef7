"""Time one SPG training step (forward + losses + backward + SGD step).

Compares the SPG model with SPG-plain (``with_spg_b=False,
with_spg_c=False``), both built from config dicts, on random data.

Example::

    python tools/analysis_tools/benchmark_train_step.py \
        --backbone inception --batch-size 2 --input-size 224 --iters 3 \
        --device cpu
"""
import argparse
import copy
import time

import torch
from mmengine.logging import MMLogger
from mmpretrain.structures import DataSample

import mmspg  # noqa: F401  (registers the mmspg components)
from mmspg.registry import MODELS

NUM_CLASSES = 200  # CUB-200-2011

INCEPTION = dict(
    type='WSOLClassifier',
    backbone=dict(type='SPGInceptionV3'),
    head=dict(
        type='SPGHead',
        num_classes=NUM_CLASSES,
        in_channels=(288, 768, 768),
        mid_channels=1024,
        guidance_channels=512))

RESNET18_TINY = dict(
    type='WSOLClassifier',
    backbone=dict(
        type='ResNet',
        depth=18,
        stem_channels=16,
        base_channels=16,
        num_stages=3,
        strides=(1, 2, 1),
        dilations=(1, 1, 2),
        out_indices=(0, 1, 2)),
    head=dict(
        type='SPGHead',
        num_classes=NUM_CLASSES,
        in_channels=(16, 32, 64),
        mid_channels=128,
        guidance_channels=64))

BACKBONES = dict(inception=INCEPTION, **{'resnet18-tiny': RESNET18_TINY})


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        '--backbone', choices=sorted(BACKBONES), default='inception')
    parser.add_argument('--batch-size', type=int, default=2)
    parser.add_argument('--input-size', type=int, default=224)
    parser.add_argument(
        '--iters',
        type=int,
        default=3,
        help='timed iterations (after warm-up)')
    parser.add_argument(
        '--warmup', type=int, default=1, help='untimed iterations first')
    parser.add_argument(
        '--device',
        choices=['all', 'cpu', 'cuda'],
        default='all',
        help="'all': CPU, and CUDA when available")
    args = parser.parse_args()
    for name in ('batch_size', 'input_size', 'iters'):
        if getattr(args, name) < 1:
            parser.error(f'--{name.replace("_", "-")} must be >= 1')
    return args


def build(cfg: dict, plain: bool, input_size: int) -> torch.nn.Module:
    cfg = copy.deepcopy(cfg)
    cfg['head']['mask_size'] = input_size
    if plain:
        cfg['head'].update(with_spg_b=False, with_spg_c=False)
    model = MODELS.build(cfg)
    model.init_weights()
    return model


def sync(device: str) -> None:
    if device == 'cuda':
        torch.cuda.synchronize()


def time_train_step(model, device, batch_size, input_size, iters, warmup):
    model = model.to(device).train()
    optimizer = torch.optim.SGD(
        model.parameters(), lr=1e-3, momentum=0.9, weight_decay=1e-4)
    inputs = torch.randn(batch_size, 3, input_size, input_size, device=device)
    samples = [
        DataSample().set_gt_label(i % NUM_CLASSES) for i in range(batch_size)
    ]

    def step():
        losses = model(inputs, samples, mode='loss')
        loss, _ = model.parse_losses(losses)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    for _ in range(warmup):
        step()
    sync(device)
    start = time.perf_counter()
    for _ in range(iters):
        step()
    sync(device)
    return (time.perf_counter() - start) / iters


def main():
    args = parse_args()
    # The newest logger is mmengine's 'current' one: keep init logs quiet.
    MMLogger.get_instance('benchmark_train_step', log_level='WARNING')
    devices = ['cpu', 'cuda'] if args.device == 'all' else [args.device]
    if 'cuda' in devices and not torch.cuda.is_available():
        if args.device == 'cuda':
            raise SystemExit('--device cuda: CUDA is not available')
        devices.remove('cuda')
    print(
        f'torch {torch.__version__}, CPU threads {torch.get_num_threads()}' +
        (f', GPU {torch.cuda.get_device_name()}' if 'cuda' in devices else ''))
    print(f'backbone={args.backbone} batch={args.batch_size} '
          f'input={args.input_size} iters={args.iters} '
          f'warmup={args.warmup}')
    print(f'{"model":<10} {"device":<6} {"ms/iter":>10} {"images/s":>10}')
    for device in devices:
        for name, plain in (('SPG', False), ('SPG-plain', True)):
            torch.manual_seed(0)
            model = build(BACKBONES[args.backbone], plain, args.input_size)
            sec = time_train_step(model, device, args.batch_size,
                                  args.input_size, args.iters, args.warmup)
            print(f'{name:<10} {device:<6} {sec * 1e3:>10.1f} '
                  f'{args.batch_size / sec:>10.2f}')
            del model
            if device == 'cuda':
                torch.cuda.empty_cache()


if __name__ == '__main__':
    main()
