"""ft.optim.lr_scheduler against torch.optim.lr_scheduler (values per step, momentum
cycling), resuming from a saved state_dict, and errors."""

import math

import numpy as np
import pytest

import funtorch as ft
from funtorch import optim
from funtorch.optim import lr_scheduler
from optim.helpers import REF, SPEC

SCHEDULERS = sorted(SPEC["schedulers"])
STEPS = 30


def lambda_rule(epoch):
    """The same lambda as tests/fixtures/make_optim_fixtures.py."""
    return 1.0 / (1.0 + 0.3 * epoch) + 0.1 * math.sin(epoch)


def _optimizer(kind, param_cls):
    groups = [{"params": [param_cls(ft.zeros(1))], "lr": 0.1},
              {"params": [param_cls(ft.zeros(1))], "lr": 0.02}]
    if kind == "SGD":
        return optim.SGD(groups, momentum=0.9)
    return optim.Adam(groups)


def _scheduler(name, opt):
    cls, kwargs, _ = SPEC["schedulers"][name]
    if cls == "LambdaLR":
        kwargs = {"lr_lambda": lambda_rule}
    return getattr(lr_scheduler, cls)(opt, **kwargs)


def _advance(sched, opt, name, start, stop):
    lrs, momenta = [], []
    for step in range(start, stop):
        opt.step()
        if SPEC["schedulers"][name][0] == "ReduceLROnPlateau":
            sched.step(REF["plateau_metrics"][step])
        else:
            sched.step()
        lrs.append(sched.get_last_lr())
        momenta.append(_momentum(opt))
    return lrs, momenta


def _momentum(opt):
    return [g["momentum"] if "momentum" in g else g["betas"][0] for g in opt.param_groups]


@pytest.mark.parametrize("name", SCHEDULERS)
def test_scheduler_matches_torch(name, param_cls):
    opt = _optimizer(SPEC["schedulers"][name][2], param_cls)
    sched = _scheduler(name, opt)
    lrs, momenta = _advance(sched, opt, name, 0, STEPS)
    np.testing.assert_allclose(np.array(lrs), REF[f"sched/{name}/lr"][1:], rtol=1e-12,
                               atol=1e-15)
    np.testing.assert_allclose(np.array(momenta), REF[f"sched/{name}/momentum"][1:],
                               rtol=1e-12)
    assert [g["lr"] for g in opt.param_groups] == sched.get_last_lr()


@pytest.mark.parametrize("name", SCHEDULERS)
def test_scheduler_initial_values_match_torch(name, param_cls):
    opt = _optimizer(SPEC["schedulers"][name][2], param_cls)
    sched = _scheduler(name, opt)
    np.testing.assert_allclose(sched.get_last_lr(), REF[f"sched/{name}/lr"][0], rtol=1e-12)
    np.testing.assert_allclose(_momentum(opt), REF[f"sched/{name}/momentum"][0], rtol=1e-12)


@pytest.mark.parametrize("name", SCHEDULERS)
def test_scheduler_resumes_from_saved_state_dict(name, param_cls, tmp_path):
    kind = SPEC["schedulers"][name][2]
    opt = _optimizer(kind, param_cls)
    sched = _scheduler(name, opt)
    _advance(sched, opt, name, 0, 12)
    ft.save({"optimizer": opt.state_dict(), "scheduler": sched.state_dict()},
            tmp_path / "ckpt.ft")
    loaded = ft.load(tmp_path / "ckpt.ft")

    new_opt = _optimizer(kind, param_cls)
    new_sched = _scheduler(name, new_opt)
    new_opt.load_state_dict(loaded["optimizer"])
    new_sched.load_state_dict(loaded["scheduler"])
    lrs, momenta = _advance(new_sched, new_opt, name, 12, STEPS)
    np.testing.assert_allclose(np.array(lrs), REF[f"sched/{name}/lr"][13:], rtol=1e-12,
                               atol=1e-15)
    np.testing.assert_allclose(np.array(momenta), REF[f"sched/{name}/momentum"][13:],
                               rtol=1e-12)


def test_scheduled_lr_reaches_the_update(param_cls):
    param = param_cls(ft.zeros(1))
    opt = optim.SGD([param], lr=1.0)
    sched = lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    for expected in (-1.0, -1.5, -1.75):
        param.grad = ft.ones(1)
        opt.step()
        sched.step()
        assert float(param.data[0]) == expected


def test_step_with_epoch_uses_closed_form_and_warns(param_cls):
    opt = _optimizer("SGD", param_cls)
    sched = lr_scheduler.StepLR(opt, step_size=3, gamma=0.1)
    with pytest.warns(UserWarning, match="epoch parameter"):
        sched.step(7)
    np.testing.assert_allclose(sched.get_last_lr(), [0.1 * 0.01, 0.02 * 0.01])


def test_scheduler_errors(param_cls):
    opt = _optimizer("SGD", param_cls)
    with pytest.raises(TypeError, match="list is not an Optimizer"):
        lr_scheduler.StepLR([], step_size=2)
    with pytest.raises(KeyError, match="initial_lr"):
        lr_scheduler.StepLR(opt, step_size=2, last_epoch=3)
    with pytest.raises(ValueError, match="Starting multiplicative factor"):
        lr_scheduler.LinearLR(opt, start_factor=0.0)
    with pytest.raises(ValueError, match="Expected 2 lr_lambdas, but got 1"):
        lr_scheduler.LambdaLR(opt, [lambda_rule])
    with pytest.raises(ValueError, match="Factor should be < 1.0"):
        lr_scheduler.ReduceLROnPlateau(opt, factor=1.0)
    with pytest.raises(ValueError, match="mode other is unknown"):
        lr_scheduler.ReduceLROnPlateau(opt, mode="other")
    with pytest.raises(ValueError, match="total_steps OR"):
        lr_scheduler.OneCycleLR(opt, max_lr=0.1)
    with pytest.raises(ValueError, match="Expected float between 0 and 1 pct_start"):
        lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=10, pct_start=1.5)
    with pytest.raises(ValueError, match="anneal_strategy must be one of 'cos' or 'linear'"):
        lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=10, anneal_strategy="step")
    with pytest.raises(ValueError, match="Expected positive integer epochs, but got 0"):
        lr_scheduler.OneCycleLR(opt, max_lr=0.1, epochs=0, steps_per_epoch=3)
    with pytest.raises(ValueError, match="expected 2 min_lrs, got 1"):
        lr_scheduler.ReduceLROnPlateau(opt, min_lr=[0.1])
    with pytest.raises(ValueError, match="max_lr must have the same length"):
        lr_scheduler.OneCycleLR(opt, max_lr=[0.1], total_steps=10)
    sched = lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=2)
    sched.step()
    sched.step()
    with pytest.raises(ValueError, match="Tried to step 3 times"):
        sched.step()
    adagrad = optim.Adagrad([param_cls(ft.zeros(1))])
    with pytest.raises(ValueError, match="must support momentum or beta1"):
        lr_scheduler.OneCycleLR(adagrad, max_lr=0.1, total_steps=10)
