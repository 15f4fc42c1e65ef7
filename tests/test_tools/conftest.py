"""Fixtures of the tool tests. Tests that start 2 processes with torchrun
carry the ``dist`` marker (registered in setup.cfg): ``pytest -m dist`` /
``-m "not dist"``."""
import importlib.util
import os
import os.path as osp
import socket
import subprocess
import sys

import mmspg_toy_data as toy  # registered by tests/conftest.py
import pytest

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def load_tool(name):
    """Import tools/<name>.py as a module (tools/ is not a package)."""
    spec = importlib.util.spec_from_file_location(
        f'mmspg_tools_{name}', osp.join(REPO, 'tools', f'{name}.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def run_tool(args, timeout=300, **env):
    """Run a command from the repository root with one thread per process;
    return the CompletedProcess (stdout and stderr merged). Distributed
    launches may run on the CPU (``MMSPG_ALLOW_CPU=1``; pass
    ``MMSPG_ALLOW_CPU=''`` to see the refusal)."""
    full_env = dict(
        os.environ,
        OMP_NUM_THREADS='1',
        PYTHON=sys.executable,
        MMSPG_ALLOW_CPU='1')
    full_env.update({k: str(v) for k, v in env.items()})
    return subprocess.run(
        args,
        cwd=REPO,
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout)


@pytest.fixture(autouse=True)
def _single_thread(one_thread):
    """Every tool test runs with one torch thread (tests/conftest.py)."""


@pytest.fixture
def tools():
    """Helpers: load_tool, free_port, run_tool, the toy module, REPO."""

    class Tools:
        pass

    t = Tools()
    t.load_tool, t.free_port, t.run_tool = load_tool, free_port, run_tool
    t.toy, t.repo = toy, REPO
    return t
