#!/usr/bin/env bash
# The checks of .pre-commit-config.yaml (flake8, isort, yapf, codespell),
# run with the versions pinned in requirements/tests.txt; settings in
# setup.cfg. Fails on the first finding. Fix with:
#   isort mmspg tools tests configs .dev_scripts setup.py
#   yapf -i -r mmspg tools tests configs .dev_scripts setup.py
set -euo pipefail
cd "$(dirname "$0")/.."
PATHS=(mmspg tools tests configs .dev_scripts setup.py)
python -m flake8 "${PATHS[@]}"
python -m isort --check-only --diff "${PATHS[@]}"
out=$(python -m yapf --diff --recursive "${PATHS[@]}")
if [ -n "$out" ]; then
    echo "$out"
    echo 'lint: yapf would reformat the files above' >&2
    exit 1
fi
python -m codespell_lib "${PATHS[@]}" docs README.md
echo 'lint: clean'
