"""What the config tests share: which configs are short names.

A short name (``configs/spg/spg_inception_cub.py``) is an entry point, not
a recipe: its first line says which recipe it is (``# = RECIPE.py``) and
its only statement inherits that recipe, so it resolves to the same
config. Tests that read a recipe's own text (its name, its header) check
the recipe it names; ``tests/test_configs/test_spg_short_names.py`` checks
that each short name builds its recipe.
"""
import glob
import os.path as osp
import re

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))


def short_names(folder):
    """Configs of ``folder`` that are short names of one of its recipes.

    Returns:
        dict[str, str]: short name -> recipe name (no ``.py``).
    """
    found = {}
    for path in glob.glob(osp.join(folder, '*.py')):
        recipe = recipe_of_short_name(path)
        if recipe is not None:
            found[osp.splitext(osp.basename(path))[0]] = recipe
    return found


def recipe_of_short_name(path):
    """The recipe name (no ``.py``) a short name stands for, or None when
    ``path`` is not a short name."""
    with open(path) as f:
        text = f.read()
    first = re.match(r'# = (\S+)\.py ', text)
    code = [
        line for line in text.splitlines()
        if line.strip() and not line.startswith('#')
    ]
    if first and code == [f"_base_ = ['./{first.group(1)}.py']"]:
        return first.group(1)
    return None
