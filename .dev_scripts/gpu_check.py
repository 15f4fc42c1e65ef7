"""The checks to run the day a GPU is lent: one command, one Markdown table.

    bash .dev_scripts/gpu_check.sh [--out work_dirs/gpu_check.md]

Under ten minutes on one GPU, it measures and checks:

1. train-step images/s (forward, losses, backward, SGD step on random data;
   ``benchmark_train_step.time_train_step``) of the Inception-v3 SPG and CAM
   models of the WSOL-benchmark recipes (224 px, batch 32) and of the
   official-code recipe (321 px, batch 10; its CAM is the SPG-plain twin,
   the official code has no CAM), each in float32 and under autocast with
   float16 and bfloat16;
2. SPG's step time over CAM's, per recipe and precision;
3. a few SPG steps under ``torch.cuda.set_sync_debug_mode('error')``: any
   host synchronisation in the training step raises;
4. loader images/s of the demo config's train loader (generated data);
5. a 2-iteration DDP training of the toy config on every visible GPU
   (``tools/dist_train.sh``).

A check that fails is a row with its error, not the end of the script.
"""
import argparse
import copy
import importlib.util
import os
import os.path as osp
import subprocess
import sys
import tempfile
import time
import traceback
from typing import List, Sequence

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))

#: (name, config, SPG-plain twin as the CAM model)
MODELS = (
    ('SPG benchmark', 'configs/spg/spg_inception-v3-wsolbench_1xb32_cub.py',
     False),
    ('CAM benchmark', 'configs/cam/cam_inception-v3_1xb32_cub.py', False),
    ('SPG official', 'configs/spg/spg_inception-v3_2xb10_cub-321px.py', False),
    ('CAM official (SPG-plain)',
     'configs/spg/spg_inception-v3_2xb10_cub-321px.py', True),
)
PRECISIONS = ('fp32', 'fp16', 'bf16')
HEADER = ('check', 'model / config', 'setting', 'result')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        '--out',
        default=osp.join('work_dirs', 'gpu_check.md'),
        help='the Markdown table (also printed)')
    parser.add_argument('--iters', type=int, default=10)
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument(
        '--precisions', nargs='+', choices=PRECISIONS, default=PRECISIONS)
    parser.add_argument(
        '--skip',
        nargs='*',
        default=[],
        choices=['step', 'sync', 'loader', 'ddp'],
        help='checks to leave out')
    parser.add_argument('--loader-batches', type=int, default=20)
    args = parser.parse_args(argv)
    if args.iters < 1 or args.warmup < 0 or args.loader_batches < 1:
        parser.error('--iters and --loader-batches must be >= 1, '
                     '--warmup >= 0')
    return args


def markdown_table(rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table of ``HEADER`` and ``rows`` (``|`` escaped)."""

    def cell(value):
        return str(value).replace('|', '\\|').replace('\n', ' ')

    lines = ['| ' + ' | '.join(HEADER) + ' |', '|' + ' --- |' * len(HEADER)]
    lines += ['| ' + ' | '.join(cell(v) for v in row) + ' |' for row in rows]
    return '\n'.join(lines) + '\n'


def write_table(rows, path: str, preamble: str = '') -> str:
    """Write ``preamble`` and the table to ``path``; return the text."""
    text = preamble + markdown_table(rows)
    if osp.dirname(path):
        os.makedirs(osp.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write(text)
    return text


def _error(e: BaseException) -> str:
    return f'FAILED: {type(e).__name__}: {str(e).splitlines()[0][:200]}'


def _bench_module():
    spec = importlib.util.spec_from_file_location(
        'benchmark_train_step',
        osp.join(REPO, '.dev_scripts', 'benchmark_train_step.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _model(config: str, plain: bool):
    """The config's model without pretrained weights, its batch and size."""
    from mmengine.config import Config

    from mmspg.registry import MODELS as REGISTRY
    cfg = Config.fromfile(osp.join(REPO, config))
    model_cfg = copy.deepcopy(cfg.model.to_dict())
    model_cfg.pop('data_preprocessor', None)
    backbone = model_cfg.get('backbone', {})
    if backbone.get('init_cfg') is not None:
        backbone['init_cfg'] = None
    if plain:
        model_cfg['head'].update(with_spg_b=False, with_spg_c=False)
    size = cfg.get('crop_size', None) or 224
    for step in cfg.train_dataloader.dataset.pipeline:
        for key in ('crop_size', 'scale'):
            if key in step and isinstance(step[key], int):
                size = step[key]
    model = REGISTRY.build(model_cfg)
    model.init_weights()
    return model, cfg.train_dataloader.batch_size, size


def step_rows(args) -> List[List[str]]:
    """Checks 1 and 2."""
    import torch
    bench = _bench_module()
    rows, secs = [], {}
    dtypes = dict(fp16=torch.float16, bf16=torch.bfloat16)
    for name, config, plain in MODELS:
        for precision in args.precisions:
            setting = ''
            try:
                torch.manual_seed(0)
                model, batch, size = _model(config, plain)
                setting = f'batch {batch}, {size} px, {precision}'
                sec = bench.time_train_step(
                    model,
                    'cuda',
                    batch,
                    size,
                    args.iters,
                    args.warmup,
                    amp=precision != 'fp32',
                    amp_dtype=dtypes.get(precision))
                secs[(name, precision)] = sec
                rows.append([
                    'train step', f'{name} ({config})', setting,
                    f'{batch / sec:.1f} img/s ({sec * 1e3:.1f} ms)'
                ])
            except Exception as e:  # noqa: BLE001  a row, not the end
                rows.append(
                    ['train step', f'{name} ({config})', setting,
                     _error(e)])
            finally:
                model = None
                torch.cuda.empty_cache()
    for spg, cam in (('SPG benchmark', 'CAM benchmark'),
                     ('SPG official', 'CAM official (SPG-plain)')):
        for precision in args.precisions:
            if (spg, precision) in secs and (cam, precision) in secs:
                ratio = secs[(spg, precision)] / secs[(cam, precision)]
                rows.append([
                    'SPG / CAM step time', f'{spg} / {cam}', precision,
                    f'{ratio:.2f}x'
                ])
    return rows


def sync_row() -> List[str]:
    """Check 3: SPG steps with host synchronisation made an error.

    The inputs and the samples are on the GPU before the step, as the data
    preprocessor leaves them, so that only the model, its losses, backward
    and the optimizer step are checked.
    """
    import torch
    from mmpretrain.structures import DataSample
    name, config, plain = MODELS[0]
    try:
        model, batch, size = _model(config, plain)
        model = model.cuda().train()
        optimizer = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9)
        inputs = torch.randn(batch, 3, size, size, device='cuda')
        samples = [
            DataSample().set_gt_label(i % model.head.num_classes).to('cuda')
            for i in range(batch)
        ]

        def step():
            loss, _ = model.parse_losses(model(inputs, samples, mode='loss'))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

        step()  # warm-up: lazy initialisations may synchronise once
        torch.cuda.synchronize()
        torch.cuda.set_sync_debug_mode('error')
        try:
            for _ in range(3):
                step()
        finally:
            torch.cuda.set_sync_debug_mode('default')
        torch.cuda.synchronize()
        result = 'passed: no host synchronisation in 3 steps'
    except Exception as e:  # noqa: BLE001
        result = _error(e)
    return [
        'sync debug', f'{name} ({config})', "set_sync_debug_mode('error')",
        result
    ]


def loader_row(batches: int, root: str) -> List[str]:
    """Check 4: images/s of the demo train loader (generated data)."""
    config = 'configs/demo/spg_demo.py'
    try:
        from mmengine.config import Config
        from mmengine.runner import Runner
        cfg = Config.fromfile(osp.join(REPO, config))
        loader_cfg = cfg.train_dataloader
        loader_cfg.dataset.data_root = osp.join(root, 'demo_data')
        loader_cfg.dataset.generate = True  # the demo data, made here
        loader = Runner.build_dataloader(loader_cfg.to_dict())
        it = iter(loader)
        next(it)  # workers started
        start, images = time.perf_counter(), 0
        for i, batch in enumerate(it):
            images += len(batch['inputs'])
            if i + 1 >= batches:
                break
        sec = time.perf_counter() - start
        setting = (f'batch {loader_cfg.batch_size}, '
                   f'{loader_cfg.num_workers} workers')
        return ['loader', config, setting, f'{images / sec:.1f} img/s']
    except Exception as e:  # noqa: BLE001
        return ['loader', config, '', _error(e)]


def ddp_row(root: str) -> List[str]:
    """Check 5: 2 training iterations of the toy config on every GPU."""
    import torch
    gpus = torch.cuda.device_count()
    config = 'tests/data/toy_configs/toy_cls.py'
    sys.path.insert(0, osp.join(REPO, 'tests', 'data', 'toy_configs'))
    import toy_data

    # 2 classes x n images, batch 4 per GPU: 2 iterations
    data = toy_data.make_toy_data(
        osp.join(root, 'toy'), num_train=4 * gpus, num_val=2 * gpus)
    start = time.time()
    env = dict(os.environ, PORT=str(29500 + os.getpid() % 1000))
    proc = subprocess.run([
        'bash', 'tools/dist_train.sh', config,
        str(gpus), '--work-dir',
        osp.join(root, 'ddp'), '--cfg-options',
        *toy_data.toy_cfg_options(data), 'train_cfg.max_epochs=1'
    ],
                          cwd=REPO,
                          env=env,
                          stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT,
                          text=True,
                          timeout=300)
    sec = time.time() - start
    done = 'Epoch(train) [1][2/2]' in proc.stdout
    if proc.returncode == 0 and done:
        result = f'passed in {sec:.0f} s (2 iterations, nccl)'
    else:
        result = (f'FAILED (exit {proc.returncode}): ' +
                  proc.stdout.strip().splitlines()[-1][:200]
                  if proc.stdout.strip() else f'FAILED ({proc.returncode})')
    return ['DDP', config, f'{gpus} GPU(s), tools/dist_train.sh', result]


def main(argv=None):
    args = parse_args(argv)
    import torch
    if not torch.cuda.is_available():
        raise SystemExit('gpu_check: CUDA is not available here')
    from mmengine.logging import MMLogger
    from mmengine.registry import init_default_scope

    import mmspg  # noqa: F401
    init_default_scope('mmspg')
    MMLogger.get_instance('gpu_check', log_level='WARNING')
    preamble = (f'GPU check: {torch.cuda.get_device_name()} x '
                f'{torch.cuda.device_count()}, torch {torch.__version__} '
                f'(CUDA {torch.version.cuda}), '
                f'{time.strftime("%Y-%m-%d %H:%M")}; command: bash '
                f'.dev_scripts/gpu_check.sh {" ".join(argv or sys.argv[1:])}'
                '\n\n')
    rows = []
    root = tempfile.mkdtemp(prefix='gpu_check_')
    checks = (('step', lambda: step_rows(args)), ('sync',
                                                  lambda: [sync_row()]),
              ('loader', lambda: [loader_row(args.loader_batches, root)]),
              ('ddp', lambda: [ddp_row(root)]))
    for name, run in checks:
        if name in args.skip:
            continue
        try:
            rows += run()
        except Exception as e:  # noqa: BLE001
            traceback.print_exc()
            rows.append([name, '', '', _error(e)])
        print(markdown_table(rows[-1:]), end='', flush=True)
    print(write_table(rows, args.out, preamble))
    print(f'gpu_check: table written to {args.out}')


if __name__ == '__main__':
    main()
