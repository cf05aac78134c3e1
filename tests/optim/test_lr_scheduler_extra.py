"""ConstantLR, MultiplicativeLR, PolynomialLR, CyclicLR, CosineAnnealingWarmRestarts,
SequentialLR and ChainedScheduler against torch.optim.lr_scheduler: 50 steps of learning
rates (and cycled momenta), state_dict round trips, PyTorch's errors."""

import numpy as np
import pytest

import funtorch as ft
from funtorch.optim import lr_scheduler
from optim.extra_helpers import XREF, XSPEC
from optim.helpers import parameter_class

CASES = sorted(XSPEC["schedulers"])
STEPS = XSPEC["sched_steps"]


def multiplicative_rule(epoch):
    """The same lambda as tests/fixtures/make_optim_extra_fixtures.py."""
    return 0.95 if epoch % 3 else 0.8


def make_optimizer(kind):
    cls = parameter_class()
    groups = [{"params": [cls(ft.zeros(1))], "lr": 0.1},
              {"params": [cls(ft.zeros(1))], "lr": 0.02}]
    if kind == "SGD":
        return ft.optim.SGD(groups, momentum=0.9)
    return ft.optim.Adam(groups)


def build(opt, spec):
    name, kwargs = spec
    kwargs = dict(kwargs)
    if "schedulers" in kwargs:
        kwargs["schedulers"] = [build(opt, inner) for inner in kwargs["schedulers"]]
    if name == "MultiplicativeLR":
        kwargs["lr_lambda"] = multiplicative_rule
    if name == "ChainedScheduler":
        return lr_scheduler.ChainedScheduler(kwargs["schedulers"])
    return getattr(lr_scheduler, name)(opt, **kwargs)


def _momentum(opt, kind):
    return [g["momentum"] if kind == "SGD" else g["betas"][0] for g in opt.param_groups]


@pytest.mark.parametrize("case", CASES)
def test_learning_rates_match_torch(case):
    kind, spec = XSPEC["schedulers"][case]
    opt = make_optimizer(kind)
    sched = build(opt, spec)
    lrs, momenta = [sched.get_last_lr()], [_momentum(opt, kind)]
    for _ in range(STEPS):
        sched.step()
        lrs.append(sched.get_last_lr())
        momenta.append(_momentum(opt, kind))
    np.testing.assert_allclose(np.array(lrs), XREF[f"sched/{case}/lr"], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(np.array(momenta), XREF[f"sched/{case}/momentum"], rtol=1e-12)


@pytest.mark.parametrize("case", CASES)
def test_state_dict_resumes(case, tmp_path):
    kind, spec = XSPEC["schedulers"][case]
    opt = make_optimizer(kind)
    sched = build(opt, spec)
    for _ in range(17):
        sched.step()
    saved_opt, saved = opt.state_dict(), sched.state_dict()
    ft.save({"sched": saved}, tmp_path / "s.ft")
    opt2 = make_optimizer(kind)
    sched2 = build(opt2, spec)
    opt2.load_state_dict(saved_opt)
    sched2.load_state_dict(ft.load(tmp_path / "s.ft")["sched"])
    for _ in range(10):
        sched.step()
        sched2.step()
        assert sched2.get_last_lr() == pytest.approx(sched.get_last_lr(), rel=1e-12)


def test_errors_match_torch():
    opt = make_optimizer("SGD")
    with pytest.raises(ValueError, match="between 0 and 1"):
        lr_scheduler.ConstantLR(opt, factor=1.5)
    with pytest.raises(TypeError, match="lr_lambda should be a function"):
        lr_scheduler.MultiplicativeLR(opt, 0.9)
    with pytest.raises(ValueError, match="mode is invalid"):
        lr_scheduler.CyclicLR(opt, 0.01, 0.1, mode="sawtooth")
    with pytest.raises(ValueError, match="positive integer T_0"):
        lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=0)
    first = lr_scheduler.ExponentialLR(opt, 0.9)
    with pytest.raises(ValueError, match="number of milestones"):
        lr_scheduler.SequentialLR(opt, [first], milestones=[3])
    plateau = lr_scheduler.ReduceLROnPlateau(opt)
    with pytest.raises(ValueError, match="ReduceLROnPlateau"):
        lr_scheduler.ChainedScheduler([first, plateau])
    with pytest.raises(ValueError, match="same optimizer"):
        lr_scheduler.SequentialLR(opt, [first, lr_scheduler.ExponentialLR(
            make_optimizer("SGD"), 0.9)], milestones=[2])
    second = lr_scheduler.ExponentialLR(opt, 0.5)
    for nested in (lr_scheduler.SequentialLR(opt, [first, second], milestones=[2]),
                   lr_scheduler.ChainedScheduler([first, second])):
        with pytest.raises(TypeError, match=rf"{type(nested).__name__}.step takes no epoch"):
            nested.step(3)


def test_cyclic_needs_momentum():
    cls = parameter_class()
    opt = ft.optim.Adagrad([cls(ft.zeros(1))], lr=0.1)
    with pytest.raises(ValueError, match="momentum or beta1"):
        lr_scheduler.CyclicLR(opt, 0.01, 0.1)
    lr_scheduler.CyclicLR(opt, 0.01, 0.1, cycle_momentum=False)
