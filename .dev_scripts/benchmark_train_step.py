"""Time one SPG training step (forward + losses + backward + SGD step).

Compares the model of a config with its SPG-plain twin
(``with_spg_b=False, with_spg_c=False``) on random data; pretrained weights
are not loaded.

Examples::

    python .dev_scripts/benchmark_train_step.py \
        configs/spg/spg_inception-v3_2xb10_cub-321px.py --batch-size 2 \
        --input-size 224 --iters 3 --device cpu
    python .dev_scripts/benchmark_train_step.py \
        configs/demo/spg_demo.py --batch-size 32 --input-size 112
"""
import argparse
import copy
import time

import torch
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.registry import init_default_scope
from mmpretrain.structures import DataSample

import mmspg  # noqa: F401  (registers the mmspg components)
from mmspg.registry import MODELS


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='config whose model is timed')
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
    parser.add_argument(
        '--amp',
        action='store_true',
        help='autocast (float16 on CUDA, bfloat16 on the CPU)')
    args = parser.parse_args()
    for name in ('batch_size', 'input_size', 'iters'):
        if getattr(args, name) < 1:
            parser.error(f'--{name.replace("_", "-")} must be >= 1')
    return args


def build(cfg: dict, plain: bool, input_size: int) -> torch.nn.Module:
    cfg = copy.deepcopy(cfg)
    # Random data: no download, and mask_size follows the input size as in
    # the shipped configs.
    if cfg.get('backbone', {}).get('init_cfg') is not None:
        cfg['backbone']['init_cfg'] = None
    cfg['head']['mask_size'] = input_size
    if plain:
        cfg['head'].update(with_spg_b=False, with_spg_c=False)
    model = MODELS.build(cfg)
    model.init_weights()
    return model


def sync(device: str) -> None:
    if device == 'cuda':
        torch.cuda.synchronize()


def time_train_step(model,
                    device,
                    batch_size,
                    input_size,
                    iters,
                    warmup,
                    amp=False,
                    amp_dtype=None):
    model = model.to(device).train()
    optimizer = torch.optim.SGD(
        model.parameters(), lr=1e-3, momentum=0.9, weight_decay=1e-4)
    inputs = torch.randn(batch_size, 3, input_size, input_size, device=device)
    num_classes = model.head.num_classes
    samples = [
        DataSample().set_gt_label(i % num_classes) for i in range(batch_size)
    ]
    if amp_dtype is None:
        amp_dtype = torch.float16 if device == 'cuda' else torch.bfloat16

    def step():
        with torch.autocast(device, dtype=amp_dtype, enabled=amp):
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
    cfg = Config.fromfile(args.config)
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    model_cfg = cfg.model.to_dict()
    model_cfg.pop('data_preprocessor', None)
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
    print(f'config={args.config} batch={args.batch_size} '
          f'input={args.input_size} iters={args.iters} '
          f'warmup={args.warmup} amp={args.amp}')
    print(f'{"model":<10} {"device":<6} {"ms/iter":>10} {"images/s":>10}')
    for device in devices:
        for name, plain in (('SPG', False), ('SPG-plain', True)):
            torch.manual_seed(0)
            model = build(model_cfg, plain, args.input_size)
            sec = time_train_step(model, device, args.batch_size,
                                  args.input_size, args.iters, args.warmup,
                                  args.amp)
            print(f'{name:<10} {device:<6} {sec * 1e3:>10.1f} '
                  f'{args.batch_size / sec:>10.2f}')
            del model
            if device == 'cuda':
                torch.cuda.empty_cache()


if __name__ == '__main__':
    main()
