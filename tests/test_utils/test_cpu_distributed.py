import socket

import pytest
import torch.distributed as dist
from mmengine.config import Config

from mmspg.utils import cpu_distributed, setup_cpu_distributed


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _cfg(**kwargs):
    return Config(
        dict(
            env_cfg=dict(dist_cfg=dict(backend='nccl', timeout=60)), **kwargs))


def test_noop_without_launcher():
    cfg = _cfg()
    assert setup_cpu_distributed(cfg, 'none') is False
    assert cfg.env_cfg.dist_cfg.backend == 'nccl'
    assert 'model_wrapper_cfg' not in cfg


def test_noop_with_cuda(monkeypatch):
    monkeypatch.setattr(cpu_distributed, 'accelerator_available', lambda: True)
    cfg = _cfg()
    assert setup_cpu_distributed(cfg, 'pytorch') is False
    assert cfg.env_cfg.dist_cfg.backend == 'nccl'
    assert 'model_wrapper_cfg' not in cfg


def test_bad_launcher():
    with pytest.raises(ValueError, match='launcher'):
        setup_cpu_distributed(_cfg(), 'torchrun')


@pytest.fixture
def allow_cpu(monkeypatch):
    monkeypatch.setenv('MMSPG_ALLOW_CPU', '1')


@pytest.mark.parametrize('value', [None, '', '0', 'no'])
def test_refused_without_cuda_unless_asked(monkeypatch, value):
    monkeypatch.setattr(cpu_distributed, 'accelerator_available',
                        lambda: False)
    init = []
    monkeypatch.setattr(cpu_distributed.torch_dist, 'init_process_group',
                        lambda **kwargs: init.append(kwargs))
    if value is None:
        monkeypatch.delenv('MMSPG_ALLOW_CPU', raising=False)
    else:
        monkeypatch.setenv('MMSPG_ALLOW_CPU', value)
    cfg = _cfg()
    with pytest.raises(
            SystemExit, match='CUDA is not usable here.*'
            'MMSPG_ALLOW_CPU=1'):
        setup_cpu_distributed(cfg, 'pytorch')
    assert init == [] and cfg.env_cfg.dist_cfg.backend == 'nccl'
    # a single process on the CPU is not a GPU launch: allowed
    assert setup_cpu_distributed(cfg, 'none') is False


def test_cuda_unusable_reason(monkeypatch):
    monkeypatch.setattr(cpu_distributed.torch.version, 'cuda', None)
    assert 'built without CUDA' in cpu_distributed.cuda_unusable_reason()
    monkeypatch.setattr(cpu_distributed.torch.version, 'cuda', '12.4')
    monkeypatch.setenv('CUDA_VISIBLE_DEVICES', '')
    assert 'hides every GPU' in cpu_distributed.cuda_unusable_reason()
    monkeypatch.setenv('CUDA_VISIBLE_DEVICES', '0,1')
    assert 'no usable GPU' in cpu_distributed.cuda_unusable_reason()


def test_missing_env_is_named(monkeypatch, allow_cpu):
    monkeypatch.setattr(cpu_distributed, 'accelerator_available',
                        lambda: False)
    for name in ('RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'MASTER_ADDR',
                 'MASTER_PORT'):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(KeyError, match='RANK'):
        setup_cpu_distributed(_cfg(), 'pytorch')


@pytest.mark.parametrize('launcher', ['pytorch', 'slurm', 'mpi'])
def test_gloo_group_and_cpu_ddp(monkeypatch, launcher, allow_cpu):
    """One process of a world of one, under each launcher's variables."""
    monkeypatch.setattr(cpu_distributed, 'accelerator_available',
                        lambda: False)
    port = str(_free_port())
    env = {
        'pytorch':
        dict(
            RANK='0',
            WORLD_SIZE='1',
            LOCAL_RANK='0',
            MASTER_ADDR='127.0.0.1',
            MASTER_PORT=port),
        'slurm':
        dict(
            SLURM_PROCID='0',
            SLURM_NTASKS='1',
            SLURM_LOCALID='0',
            SLURM_NODELIST='localhost',
            MASTER_ADDR='127.0.0.1',
            MASTER_PORT=port),
        'mpi':
        dict(
            OMPI_COMM_WORLD_LOCAL_RANK='0',
            OMPI_COMM_WORLD_SIZE='1',
            OMPI_COMM_WORLD_RANK='0',
            MASTER_ADDR='127.0.0.1',
            MASTER_PORT=port),
    }[launcher]
    for key in ('RANK', 'WORLD_SIZE', 'LOCAL_RANK'):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    cfg = _cfg(find_unused_parameters=True)
    assert not dist.is_initialized()
    try:
        assert setup_cpu_distributed(cfg, launcher) is True
        assert dist.is_initialized()
        assert dist.get_backend() == 'gloo'
        assert dist.get_world_size() == 1
        assert cfg.env_cfg.dist_cfg.backend == 'gloo'
        assert cfg.env_cfg.dist_cfg.timeout == 60
        assert cfg.model_wrapper_cfg == dict(
            type='MMDistributedDataParallel',
            device_ids=None,
            broadcast_buffers=False,
            find_unused_parameters=True)
        # a second call (process group exists) changes nothing
        assert setup_cpu_distributed(cfg, launcher) is False
    finally:
        if dist.is_initialized():
            dist.destroy_process_group()


def test_user_ddp_wrapper_gets_no_device_ids(monkeypatch, allow_cpu):
    monkeypatch.setattr(cpu_distributed, 'accelerator_available',
                        lambda: False)
    monkeypatch.setattr(cpu_distributed.torch_dist, 'init_process_group',
                        lambda **kwargs: None)
    for key, value in dict(
            RANK='0',
            WORLD_SIZE='1',
            LOCAL_RANK='0',
            MASTER_ADDR='127.0.0.1',
            MASTER_PORT='29500').items():
        monkeypatch.setenv(key, value)
    cfg = _cfg(
        model_wrapper_cfg=dict(
            type='MMDistributedDataParallel', broadcast_buffers=True))
    setup_cpu_distributed(cfg, 'pytorch')
    assert cfg.model_wrapper_cfg.device_ids is None
    assert cfg.model_wrapper_cfg.broadcast_buffers is True
