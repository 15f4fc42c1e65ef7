"""NonFiniteCheckHook: a diverged run stops at once, saves nothing
non-finite and rotates no good checkpoint out."""
import mmspg_toy_data as toy
import pytest
import torch
from mmengine.hooks import Hook

from mmspg.engine.hooks import NonFiniteLossError


@pytest.fixture(autouse=True)
def _single_thread(one_thread):
    pass


def _cfg(toy_root, **checkpoint):
    cfg = toy.load_toy_cfg(toy_root)
    cfg.custom_hooks = [dict(type='NonFiniteCheckHook')]
    cfg.default_hooks.checkpoint.update(checkpoint)
    return cfg


def test_huge_lr_stops_in_the_first_epoch_naming_the_terms(toy_root, tmp_path):
    cfg = _cfg(toy_root)
    cfg.optim_wrapper.optimizer.lr = 1e6
    runner = toy.build_runner(cfg, tmp_path)
    with pytest.raises(NonFiniteLossError) as err:
        runner.train()
    msg = str(err.value)
    assert 'Training diverged at epoch 1, iteration' in msg
    assert 'loss=nan' in msg or 'loss=inf' in msg
    assert runner.epoch == 0  # within the first epoch
    assert not list(tmp_path.glob('*.pth'))


class _PoisonWeights(Hook):
    """Weights turn NaN at the end of the last epoch; no loss saw them."""

    def after_train_iter(self,
                         runner,
                         batch_idx,
                         data_batch=None,
                         outputs=None):
        last = len(runner.train_dataloader) - 1
        if runner.epoch == 2 and batch_idx == last:
            model = runner.model
            next(model.parameters()).data.fill_(float('nan'))


def test_non_finite_weights_are_never_saved_over_good_ones(toy_root, tmp_path):
    cfg = _cfg(toy_root, max_keep_ckpts=1)
    runner = toy.build_runner(cfg, tmp_path)
    runner.register_hook(_PoisonWeights(), 'LOWEST')
    with pytest.raises(NonFiniteLossError, match='weight tensors are non-f'):
        runner.train()
    # epoch_3 refused; epoch_2 (the last good one) not rotated out
    assert sorted(p.name for p in tmp_path.glob('*.pth')) == ['epoch_2.pth']
    state = torch.load(tmp_path / 'epoch_2.pth')['state_dict']
    assert all(
        torch.isfinite(v).all() for v in state.values()
        if v.is_floating_point())


def test_the_switch_turns_the_check_off(toy_root, tmp_path):
    cfg = _cfg(toy_root)
    cfg.custom_hooks = [dict(type='NonFiniteCheckHook', enable=False)]
    cfg.optim_wrapper.optimizer.lr = 1e6
    cfg.train_cfg.max_epochs = 1
    runner = toy.build_runner(cfg, tmp_path)
    runner.train()  # mmengine's behaviour: trains on through nan
    assert (tmp_path / 'epoch_1.pth').is_file()
