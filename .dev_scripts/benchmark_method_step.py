"""Time one training step of each of several configs (any head).

A training step here is what the runner does per iteration: the data
preprocessor (normalisation and batch augments such as CutMix or
HideAndSeek), forward, losses, backward and the config's optimizer step.
Inputs are random uint8 images; pretrained weights are not loaded. Both the
wall time and the CPU time of the process (all threads, ``time.process_time``)
are reported: on a shared machine the CPU time is the steadier measure of
the work a step needs.

Example::

    python .dev_scripts/benchmark_method_step.py \\
        configs/demo/spg-plain_demo.py configs/demo/cam_demo.py \\
        configs/demo/acol_demo.py --batch-size 32 --input-size 112
"""
import argparse
import time

import torch
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope
from mmpretrain.structures import DataSample

import mmspg  # noqa: F401  (registers the mmspg components)
from mmspg.registry import MODELS


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('configs', nargs='+', help='configs to time')
    parser.add_argument('--batch-size', type=int, default=32)
    parser.add_argument('--input-size', type=int, default=112)
    parser.add_argument(
        '--iters',
        type=int,
        default=5,
        help='timed iterations (after warm-up)')
    parser.add_argument('--warmup', type=int, default=1)
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args(argv)
    for name in ('batch_size', 'input_size', 'iters'):
        if getattr(args, name) < 1:
            parser.error(f'--{name.replace("_", "-")} must be >= 1')
    return args


def _no_pretrained(model_cfg: dict) -> None:
    backbone = model_cfg.get('backbone', {})
    while backbone.get('type') == 'ADLBackbone':
        backbone = backbone['backbone']
    if backbone.get('init_cfg') is not None:
        backbone['init_cfg'] = None


def time_config(path: str, batch_size: int, input_size: int, iters: int,
                warmup: int, seed: int) -> dict:
    """Mean wall and CPU seconds of one training step of a config."""
    cfg = Config.fromfile(path)
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    model_cfg = cfg.model
    _no_pretrained(model_cfg)
    if 'data_preprocessor' in cfg:
        model_cfg.setdefault('data_preprocessor', cfg.data_preprocessor)
    torch.manual_seed(seed)
    model = MODELS.build(model_cfg)
    model.init_weights()
    model.train()
    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    num_classes = model.head.num_classes
    gen = torch.Generator().manual_seed(seed)
    inputs = [
        torch.randint(
            0,
            256, (3, input_size, input_size),
            dtype=torch.uint8,
            generator=gen) for _ in range(batch_size)
    ]

    def step():
        samples = [
            DataSample(metainfo=dict(img_shape=(input_size,
                                                input_size))).set_gt_label(
                                                    i % num_classes)
            for i in range(batch_size)
        ]
        model.train_step(dict(inputs=inputs, data_samples=samples), optim)

    for _ in range(warmup):
        step()
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(iters):
        step()
    return dict(
        wall=(time.perf_counter() - wall) / iters,
        cpu=(time.process_time() - cpu) / iters)


def main(argv=None) -> list:
    args = parse_args(argv)
    MMLogger.get_instance('benchmark_method_step', log_level='WARNING')
    print(f'torch {torch.__version__}, CPU threads {torch.get_num_threads()}'
          f', batch {args.batch_size}, input {args.input_size}, '
          f'{args.iters} iters after {args.warmup} warm-up')
    print(f'{"config":<40} {"wall ms/iter":>13} {"CPU ms/iter":>12}')
    rows = []
    for path in args.configs:
        t = time_config(path, args.batch_size, args.input_size, args.iters,
                        args.warmup, args.seed)
        rows.append(dict(config=path, **t))
        print(f'{path:<40} {t["wall"] * 1e3:>13.1f} {t["cpu"] * 1e3:>12.1f}')
    return rows


if __name__ == '__main__':
    main()
