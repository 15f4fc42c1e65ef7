"""Toy data for the runner and tool tests (not a test module itself).

``make_toy_data(root)`` writes a 2-class folder data set of 32x32 PNG images
(``train/`` and ``val/``, one sub-folder per class) that mmpretrain's
``CustomDataset`` reads; ``toy_cfg_options(root)`` gives the ``--cfg-options``
that point ``tests/data/toy_configs/toy_cls.py`` at it.
"""
import os.path as osp
from pathlib import Path
from typing import Dict, List

import cv2
import numpy as np

TOY_CONFIG = osp.join(osp.dirname(osp.abspath(__file__)), 'toy_cls.py')
REPO_ROOT = osp.dirname(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))


def make_toy_data(root: Path, num_train: int = 8, num_val: int = 6) -> Path:
    """Write the toy data set under ``root`` and return ``root``.

    Class ``bright`` images are light noise with a dark square, class
    ``dark`` the reverse, so the classes are learnable in a few epochs.
    """
    rng = np.random.RandomState(0)
    root = Path(root)
    for split, num in (('train', num_train), ('val', num_val)):
        for cls_idx, cls_name in enumerate(('bright', 'dark')):
            folder = root / split / cls_name
            folder.mkdir(parents=True, exist_ok=True)
            for i in range(num):
                base = 200 if cls_idx == 0 else 50
                img = rng.randint(base - 40, base + 40, (32, 32, 3))
                x, y = rng.randint(0, 16, 2)
                img[y:y + 12, x:x + 12] = 250 - base
                cv2.imwrite(str(folder / f'{i:03d}.png'), img.astype(np.uint8))
    return root


def toy_cfg_dict(root: Path) -> Dict[str, str]:
    """``cfg.merge_from_dict`` options that point the toy config at root."""
    return {
        f'{loader}.dataset.data_root': str(root)
        for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader')
    }


def toy_cfg_options(root: Path) -> List[str]:
    """The same options as command-line words after ``--cfg-options``."""
    return [f'{k}={v}' for k, v in toy_cfg_dict(root).items()]


def load_toy_cfg(root: Path):
    """The toy Config pointed at the data under ``root``, quiet logs."""
    from mmengine.config import Config
    cfg = Config.fromfile(TOY_CONFIG)
    cfg.merge_from_dict(toy_cfg_dict(root))
    cfg.log_level = 'WARNING'
    return cfg


def build_runner(cfg, work_dir, **overrides):
    """Build the runner in-process as tools/train.py does, with a unique
    experiment name: ``resolve_auto_resume``, then ``RUNNERS.build`` when
    the config names a ``runner_type``, else ``Runner.from_cfg``.

    mmengine shares MessageHub/logger/visualizer instances by experiment
    name, which defaults to config name + timestamp: two runners built in
    the same second would share one message hub.
    """
    import copy
    import uuid

    from mmengine.runner import Runner

    from mmspg.registry import RUNNERS
    from mmspg.utils import resolve_auto_resume
    cfg = copy.deepcopy(cfg)
    cfg.work_dir = str(work_dir)
    cfg.experiment_name = f'test_{uuid.uuid4().hex[:8]}'
    cfg.merge_from_dict(overrides)
    resolve_auto_resume(cfg)
    if 'runner_type' in cfg:
        return RUNNERS.build(cfg)
    return Runner.from_cfg(cfg)


def stop_after_epoch(k: int):
    """A hook that raises after epoch ``k`` was checkpointed (a kill).

    Register it with priority 'LOWEST' so CheckpointHook runs first.
    """
    from mmengine.hooks import Hook

    class StopAfterEpoch(Hook):

        def after_train_epoch(self, runner):
            if runner.epoch + 1 == k:
                raise KeyboardInterrupt(f'simulated kill after epoch {k}')

    return StopAfterEpoch()


def model_weights(runner) -> dict:
    """A detached copy of the runner's model state dict."""
    from mmengine.model import is_model_wrapper
    model = runner.model.module if is_model_wrapper(
        runner.model) else runner.model
    return {k: v.detach().clone() for k, v in model.state_dict().items()}
