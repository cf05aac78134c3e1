"""The PyTorch-style shell: param groups, zero_grad, closures, skipped parameters,
state_dict layout, hyperparameter changes and errors."""

import numpy as np
import pytest

import funtorch as ft
from funtorch import optim
from optim.helpers import REF, SPEC

CLASSES = [optim.SGD, optim.Adam, optim.AdamW, optim.RMSprop, optim.Adagrad]


def _boxes(param_cls, count=3):
    return [param_cls(ft.full((2,), float(i + 1))) for i in range(count)]


def test_zero_grad(param_cls):
    params = _boxes(param_cls, 2)
    opt = optim.SGD(params, lr=0.1)
    for param in params:
        param.grad = ft.ones(2)
    opt.zero_grad(set_to_none=False)
    assert all(float(abs(p.grad).sum()) == 0.0 for p in params)
    opt.zero_grad()
    assert all(p.grad is None for p in params)


def test_step_returns_the_closure_loss(param_cls):
    params = _boxes(param_cls, 1)

    def closure():
        params[0].grad = 2 * params[0].data
        return float((params[0].data ** 2).sum())

    opt = optim.SGD(params, lr=0.25)
    assert opt.step(closure) == 2.0
    np.testing.assert_allclose(np.asarray(params[0].data), [0.5, 0.5])
    assert opt.step() is None


@pytest.mark.skipif(not hasattr(ft, "nn"), reason="ft.nn is not importable")
def test_trains_a_module_with_backward():
    model = ft.nn.Linear(3, 1, key=ft.random.key(0))
    x, y = ft.ones((4, 3)), ft.full((4, 1), 2.0)
    opt = optim.Adam(model.parameters(), lr=0.1)

    def closure():
        opt.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        return loss

    first = float(opt.step(closure))
    for _ in range(20):
        last = float(opt.step(closure))
    assert last < first / 10
    assert all(p.dtype == ft.float32 for p in model.parameters())


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_parameters_without_grad_are_skipped(cls, param_cls):
    params = _boxes(param_cls)
    opt = cls(params, lr=0.1)
    params[0].grad = ft.ones(2)
    before = [np.asarray(p.data).copy() for p in params]
    opt.step()
    assert not np.array_equal(np.asarray(params[0].data), before[0])
    for param, old in zip(params[1:], before[1:]):
        np.testing.assert_array_equal(np.asarray(param.data), old)
    state = opt.state_dict()["state"]
    if cls is optim.Adagrad:  # PyTorch's Adagrad creates every state at construction
        assert [int(state[i]["step"]) for i in range(3)] == [1, 0, 0]
    else:
        assert list(state) == ([0] if cls is not optim.SGD else [])


TORCH_LAYOUT = ["sgd_momentum", "adam_amsgrad", "adamw", "rmsprop_all", "adagrad_all"]


@pytest.mark.parametrize("case", TORCH_LAYOUT)
def test_state_dict_layout_is_pytorchs(case, param_cls):
    kind, kwargs = SPEC["cases"][case]
    kwargs = {k: tuple(v) if k == "betas" else v for k, v in kwargs.items()}
    params = _boxes(param_cls)
    opt = getattr(optim, kind)(params, **kwargs)
    for param in params:
        param.grad = ft.ones(2)
    opt.step()
    state_dict = opt.state_dict()
    assert sorted(state_dict) == ["param_groups", "state"]
    torch_keys = {key.split("/")[-1] for key in REF if key.startswith(f"{case}/sd10/0/")}
    assert set(state_dict["state"]) == {0, 1, 2}
    ours = set(state_dict["state"][0])
    assert torch_keys <= ours and ours - torch_keys <= {"step"}  # SGD also counts steps
    (group,) = state_dict["param_groups"]
    assert group["params"] == [0, 1, 2]
    for key, value in kwargs.items():
        assert group[key] == value
    assert opt.state[params[1]].keys() == state_dict["state"][1].keys()


def test_param_groups_defaults_and_add_param_group(param_cls):
    params = _boxes(param_cls)
    opt = optim.SGD([{"params": params[:1], "lr": 0.5}, {"params": params[1:2]}], lr=0.1,
                    momentum=0.9)
    opt.add_param_group({"params": params[2], "momentum": 0.0})
    assert [g["lr"] for g in opt.param_groups] == [0.5, 0.1, 0.1]
    assert [g["momentum"] for g in opt.param_groups] == [0.9, 0.9, 0.0]
    assert opt.state_dict()["param_groups"][2]["params"] == [2]
    assert repr(opt).startswith("SGD (\nParameter Group 0\n    dampening: 0\n    lr: 0.5")


def test_hyperparameter_change_that_adds_state(param_cls):
    """momentum 0 -> 0.9 mid-run (as OneCycleLR may do): the buffer starts at the gradient,
    as PyTorch's does."""
    (param,) = _boxes(param_cls, 1)
    opt = optim.SGD([param], lr=0.1)
    param.grad = ft.ones(2)
    opt.step()
    opt.param_groups[0]["momentum"] = 0.9
    values = []
    for grad in (1.0, 2.0):
        param.grad = ft.full((2,), grad)
        opt.step()
        values.append(float(param.data[0]))
    np.testing.assert_allclose(values, [0.9 - 0.1, 0.8 - 0.1 * (0.9 * 1.0 + 2.0)], rtol=1e-6)


def test_constructor_errors(param_cls):
    params = _boxes(param_cls)
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        optim.Adam([])
    with pytest.raises(TypeError, match="should be an iterable of Tensors or dicts"):
        optim.Adam(ft.ones(2))
    with pytest.raises(TypeError, match="ordering of tensors in sets"):
        optim.Adam([{"params": set(params)}])
    with pytest.raises(TypeError, match="optimizer can only optimize parameters"):
        optim.Adam([ft.ones(2).tolist()])  # plain arrays are handles with .data now (issue 14)
    with pytest.raises(ValueError, match="some parameters appear in more than one"):
        optim.Adam([{"params": params[:2]}, {"params": params[1:]}])
    with pytest.raises(ValueError, match="Invalid learning rate: -1"):
        optim.SGD(params, lr=-1)
    with pytest.raises(ValueError, match="Invalid beta parameter at index 1: 1.0"):
        optim.Adam([{"params": params, "betas": (0.9, 1.0)}])
    with pytest.raises(ValueError, match="Nesterov momentum requires a momentum"):
        optim.SGD(params, lr=0.1, nesterov=True)
    with pytest.raises(TypeError, match="param_group must be a dict, but got list"):
        optim.SGD(params[:1], lr=0.1).add_param_group(params[1:])


def test_invalid_lr_set_on_a_group_fails_at_step(param_cls):
    params = _boxes(param_cls, 1)
    opt = optim.Adam(params)
    opt.param_groups[0]["lr"] = -0.5
    params[0].grad = ft.ones(2)
    with pytest.raises(ValueError, match="Invalid learning rate: -0.5"):
        opt.step()


def test_load_state_dict_errors(param_cls):
    params = _boxes(param_cls)
    opt = optim.Adam(params, lr=0.1)
    for param in params:
        param.grad = ft.ones(2)
    opt.step()
    saved = opt.state_dict()
    other = optim.Adam([{"params": params[:1]}, {"params": params[1:]}])
    with pytest.raises(ValueError, match="different number of parameter groups"):
        other.load_state_dict(saved)
    with pytest.raises(ValueError, match="doesn't match the size of optimizer's group"):
        optim.Adam(params[:2]).load_state_dict(saved)
    missing = {"state": {0: {"step": ft.array(1)}}, "param_groups": saved["param_groups"]}
    with pytest.raises(ValueError, match="state of parameter 0 has no 'exp_avg'"):
        optim.Adam(params).load_state_dict(missing)
    wrong = {"state": {1: {**saved["state"][1], "exp_avg": np.zeros(3)}},
             "param_groups": saved["param_groups"]}
    with pytest.raises(ValueError, match=r"'exp_avg' of parameter 1 has shape \(3,\)"):
        optim.Adam(params).load_state_dict(wrong)


def test_load_state_dict_takes_saved_hyperparameters(param_cls):
    params = _boxes(param_cls)
    opt = optim.RMSprop(params, lr=0.1, momentum=0.5)
    saved = opt.state_dict()
    fresh = optim.RMSprop(params, lr=0.9)
    fresh.load_state_dict(saved)
    assert fresh.param_groups[0]["lr"] == 0.1 and fresh.param_groups[0]["momentum"] == 0.5
    assert fresh.param_groups[0]["params"][0] is params[0]
