"""kill -9 a training run at random moments, check what survives, resume.

Trains the toy classifier of ``tests/data/toy_configs`` (generated data,
seconds per epoch on one CPU core) with ``tools/train.py --resume``,
``default_hooks.checkpoint = WSOLCheckpointHook(save_best=...,
max_keep_ckpts=2)``. Each trial starts the run (auto-resume), waits until it
writes its first checkpoint (training is under way), then a random time in
[0, 2 epochs) and sends SIGKILL, so kills land in epochs, validations and
saves alike. With ``--in-save`` every other trial instead kills the moment a
temporary checkpoint file appears (a kill in the middle of a save, of an
epoch or a best checkpoint). After every kill it checks:

* every ``epoch_*.pth`` / ``best_*.pth`` in the work folder loads;
* once a best checkpoint existed, one still exists;
* the epochs lost are at most the epoch in progress (the newest checkpoint
  is not older than the one before the trial);

and, after the final resumed run, that no temporary file of a killed save is
left.
Finally the run is completed and its weights are compared with an
uninterrupted run of the same seed (bit-identical expected).

Example (the figures of docs/benchmarks.md)::

    python .dev_scripts/kill_resume_stress.py --trials 14
    python .dev_scripts/kill_resume_stress.py --trials 12 --in-save
"""
import argparse
import glob
import os
import os.path as osp
import random
import re
import signal
import subprocess
import sys
import tempfile
import time

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, osp.join(ROOT, 'tests', 'data', 'toy_configs'))


def train_cmd(work_dir, data_root, max_epochs):
    from toy_data import TOY_CONFIG, toy_cfg_options
    return [
        sys.executable,
        osp.join(ROOT, 'tools', 'train.py'), TOY_CONFIG, '--work-dir',
        work_dir, '--resume', '--cfg-options', *toy_cfg_options(data_root),
        f'train_cfg.max_epochs={max_epochs}',
        'default_hooks.checkpoint.type=WSOLCheckpointHook',
        'default_hooks.checkpoint.save_best=accuracy/top1',
        'default_hooks.checkpoint.rule=greater',
        'default_hooks.checkpoint.max_keep_ckpts=2', 'log_level=WARNING'
    ]


def checkpoints(work_dir, pattern):
    return sorted(glob.glob(osp.join(work_dir, pattern)))


def newest_epoch(work_dir):
    epochs = [
        int(re.search(r'epoch_(\d+)\.pth$', p).group(1))
        for p in checkpoints(work_dir, 'epoch_*.pth')
    ]
    return max(epochs, default=0)


def written_since(work_dir, when):
    """Whether a checkpoint in work_dir was written at or after ``when``."""
    for path in glob.glob(osp.join(work_dir, '*.pth')):
        try:
            if osp.getmtime(path) >= when:
                return True
        except OSError:  # removed meanwhile by the rotation
            continue
    return False


def loads(path):
    from mmspg.utils import load_from_local_checked
    try:
        load_from_local_checked(path, map_location='cpu')
    except Exception as err:  # report every kind of failure
        return f'{type(err).__name__}: {err}'
    return None


def weights(path):
    # The checked loader, not a bare torch.load: ``import mmspg`` installs
    # the checkpoint allow-list only where torch is already imported, so a
    # run that ends before any kill would otherwise refuse HistoryBuffer.
    from mmspg.utils import load_from_local_checked
    return load_from_local_checked(path, map_location='cpu')['state_dict']


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--trials', type=int, default=20)
    parser.add_argument("--max-epochs", type=int, default=30)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument(
        '--in-save',
        action='store_true',
        help='every other trial kills in the middle of a save')
    args = parser.parse_args()
    random.seed(args.seed)
    env = {**os.environ, 'PYTHONPATH': ROOT}

    from toy_data import make_toy_data

    import mmspg  # noqa: F401  (allow-lists checkpoint globals)
    with tempfile.TemporaryDirectory() as tmp:
        data = str(make_toy_data(osp.join(tmp, 'data')))
        ref_dir = osp.join(tmp, 'reference')
        ref = subprocess.Popen(
            train_cmd(ref_dir, data, args.max_epochs),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        while ref.poll() is None and not osp.exists(
                osp.join(ref_dir, 'epoch_1.pth')):
            time.sleep(0.01)
        first = time.time()
        if ref.wait() != 0:
            raise RuntimeError('the uninterrupted run failed')
        epoch_time = (time.time() - first) / (args.max_epochs - 1)
        print(f'uninterrupted run: {epoch_time:.2f} s per epoch')
        work = osp.join(tmp, 'killed')
        problems, had_best, kills, in_save = [], False, 0, 0
        for trial in range(args.trials):
            before = newest_epoch(work) if osp.isdir(work) else 0
            proc = subprocess.Popen(
                train_cmd(work, data, args.max_epochs),
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL)
            launched = time.time()
            while proc.poll() is None and not written_since(work, launched):
                time.sleep(0.01)
            if args.in_save and trial % 2 == 1:
                # skip 0-3 saves, then kill while the next is being written
                skip = random.randint(0, 3)
                seen = set()
                while proc.poll() is None:
                    temps = set(glob.glob(osp.join(work, '.*.tmp-*')))
                    new = temps - seen
                    if new and len(seen | new) > skip:
                        break
                    seen |= new
                    time.sleep(0.001)
            else:
                time.sleep(random.uniform(0, 2 * epoch_time))
            if proc.poll() is not None:
                print(f'trial {trial}: finished before the kill')
                if proc.returncode != 0:  # a crash is no survived kill
                    problems.append(f'trial {trial}: the run exited with '
                                    f'{proc.returncode} before the kill')
                break
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            kills += 1
            temps = glob.glob(osp.join(work, '.*.tmp-*'))
            in_save += bool(temps)
            for path in checkpoints(work, '*.pth'):
                error = loads(path)
                if error:
                    problems.append(f'trial {trial}: {path}: {error}')
            bests = checkpoints(work, 'best_*.pth')
            if had_best and not bests:
                problems.append(f'trial {trial}: no best checkpoint left')
            had_best = had_best or bool(bests)
            after = newest_epoch(work)
            if after < before:
                problems.append(f'trial {trial}: newest checkpoint went '
                                f'from epoch {before} to {after}')
            print(f'trial {trial}: killed at epoch checkpoint {after}, '
                  f'{len(bests)} best, {len(temps)} temp file(s) left '
                  'by the kill')
        subprocess.run(
            train_cmd(work, data, args.max_epochs),
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        left = glob.glob(osp.join(work, '.*.tmp-*'))
        if left:
            problems.append(f'temporary files left after resuming: {left}')
        final = f'epoch_{args.max_epochs}.pth'
        ref, got = weights(osp.join(ref_dir,
                                    final)), weights(osp.join(work, final))
        import torch
        same = ref.keys() == got.keys() and all(
            torch.equal(ref[k], got[k]) for k in ref)
        if not same:
            problems.append('final weights differ from the uninterrupted run')
        print(f'{kills} kills ({in_save} during a save); final weights '
              f'bit-identical to the uninterrupted run: {same}')
        print('problems:', problems or 'none')
        return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
