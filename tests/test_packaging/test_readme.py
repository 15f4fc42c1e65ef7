"""The README's set-up commands and .ci/run agree: the user install is the
runtime only (the ``lite`` extra), the demo run follows it, and CI runs the
README's contributor install (user install + ``tests``) and test command."""
import os.path as osp
import re

from packaging_testutils import REPO


def _bash_blocks(text):
    return [[line.strip() for line in block.strip().splitlines()]
            for block in re.findall(r'```bash\n(.*?)```', text, re.S)]


def _setup_section():
    with open(osp.join(REPO, 'README.md')) as f:
        text = f.read()
    start = text.index('## Set up and run')
    return text[start:text.index('\n## ', start + 1)]


def test_fresh_machine_commands():
    blocks = _bash_blocks(_setup_section())
    # two set-up commands: the user install, then the demo
    assert blocks[0] == [
        'pip install ".[lite]"',
        'python tools/train.py configs/demo/spg_demo.py'
    ]
    # the contributors' install and the test command
    assert blocks[1] == [
        'pip install -e ".[lite,tests]"', 'python -m pytest tests -q'
    ]
    assert osp.isfile(osp.join(REPO, 'configs/demo/spg_demo.py'))


def test_ci_runs_the_readme_commands():
    """CI runs the user install as the README writes it, then the
    contributors' install, then the test command, in that order."""
    blocks = _bash_blocks(_setup_section())
    user_install = blocks[0][0]
    install, test = blocks[1]
    with open(osp.join(REPO, '.ci', 'run')) as f:
        commands = [
            line.strip() for line in f
            if line.strip() and not line.startswith('#')
        ]
    order = [
        commands.index(f'python -m {user_install}'),
        commands.index(f'python -m {install}'),
        commands.index(test)
    ]
    assert order == sorted(order)


def test_readme_names_the_entry_configs():
    section = _setup_section()
    for name in ('configs/spg/spg_inception_cub.py',
                 'configs/spg/spg_inception_imagenet.py'):
        assert name in section
        assert osp.isfile(osp.join(REPO, name))


def test_testing_a_checkpoint_starts_with_the_demo():
    """The first test command is on the checkpoint the demo run saves (the
    name follows the config's epochs and work_dir), then a recipe's."""
    from mmengine.config import Config
    with open(osp.join(REPO, 'README.md')) as f:
        text = f.read()
    start = text.index('## Testing a checkpoint')
    blocks = _bash_blocks(text[start:text.index('\n## ', start + 1)])
    configs = ('configs/demo/spg_demo.py', 'configs/spg/spg_inception_cub.py')
    for block, config in zip(blocks, configs):
        epochs = Config.fromfile(osp.join(REPO, config)).train_cfg.max_epochs
        name = osp.splitext(osp.basename(config))[0]
        assert block == [
            f'python tools/test.py {config} '
            f'work_dirs/{name}/epoch_{epochs}.pth'
        ]
