"""``DataFilesCheckHook``: every image and mask file exists, checked when a
run starts, not when a loader reaches the file hours later."""
import time
from typing import List

from mmengine.dist import get_rank, get_world_size
from mmengine.hooks import Hook

from mmspg.registry import HOOKS
from mmspg.utils.data_check import missing_files, sample_files


@HOOKS.register_module()
class DataFilesCheckHook(Hook):
    """Stop a run before its work when a file of its data is missing.

    In ``before_run`` (after mmengine built the loops of the run: train and
    val for training, test for testing) every rank stats its share of the
    files the datasets name (``img_path``, ``gt_mask_paths``,
    ``ignore_mask_path``; rank ``r`` of ``n`` checks samples ``r``,
    ``r + n``, ...) and raises ``FileNotFoundError`` naming the missing ones.
    Only existence is checked, to keep the start short: decoding, sizes and
    boxes are ``tools/misc/check_data.py``'s job. A failing rank ends the
    job (``mmspg.utils.abort_run`` in tools/train.py and tools/test.py).

    Args:
        num_threads (int): concurrent ``os.stat`` calls per rank.
        show (int): missing files named in the error.
        enable (bool): the config switch, off with
            ``default_hooks.data_files.enable=False`` (mmengine refuses
            ``None`` for default hooks it does not define).
    """
    priority = 'VERY_HIGH'

    def __init__(self,
                 num_threads: int = 16,
                 show: int = 10,
                 enable: bool = True) -> None:
        self.num_threads = num_threads
        self.show = show
        self.enable = enable

    def before_run(self, runner) -> None:
        """Check the files of every dataset the run has built."""
        if not self.enable:
            return
        start = time.time()
        rank, world = get_rank(), get_world_size()
        paths: List[str] = []
        for name in ('_train_loop', '_val_loop', '_test_loop'):
            loader = getattr(getattr(runner, name, None), 'dataloader', None)
            dataset = getattr(loader, 'dataset', None)
            if dataset is None or not hasattr(dataset, 'get_data_info'):
                continue
            for i in range(rank, len(dataset), world):
                paths += sample_files(dataset.get_data_info(i))
        missing = missing_files(paths, self.num_threads)
        if missing:
            shown = '\n  '.join(missing[:self.show])
            more = len(missing) - self.show
            raise FileNotFoundError(
                f'DataFilesCheckHook: {len(missing)} of the {len(paths)} '
                f'data files checked on rank {rank} do not exist:\n  {shown}' +
                (f'\n  ... and {more} more' if more > 0 else '') +
                '\nCheck data_root/data_prefix of the config; '
                'tools/misc/check_data.py CONFIG lists every problem.')
        runner.logger.info(
            f'DataFilesCheckHook: {len(paths)} data files exist (rank {rank}'
            f', {time.time() - start:.1f} s)')
