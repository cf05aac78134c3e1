"""L-BFGS against torch.optim.LBFGS (tests/fixtures/make_optim_extra_fixtures.py, float64):
the pure ``ft.optim.lbfgs`` and the closure-based ``ft.optim.LBFGS`` follow PyTorch's
parameters, returned losses and evaluation counts, with and without the strong-Wolfe line
search."""

import numpy as np
import pytest

import funtorch as ft
from funtorch import optim
from funtorch.optim.lbfgs_search import cubic_interpolate
from optim.extra_helpers import XREF, XSPEC, kwargs_of
from optim.helpers import NAMES
from optim.helpers import REF as XREF_BASE

CASES = sorted(XSPEC["lbfgs"])
STEPS = XSPEC["lbfgs_steps"]


class Problem64:
    """The shared problem in float64."""

    def __init__(self):
        self.x, self.y, self.h, self.c = (ft.array(XREF_BASE[f"problem/{k}"], dtype=ft.float64)
                                          for k in "xyhc")

    def params(self):
        return {n: ft.array(XREF_BASE[f"problem/{n}"], dtype=ft.float64) for n in NAMES}

    def loss(self, params):
        residual = self.x @ params["w"].T + params["b"] - self.y
        return (residual ** 2).mean() + 0.5 * (self.h * (params["q"] - self.c) ** 2).sum()



def _check(case, step, params):
    for name in NAMES:
        np.testing.assert_allclose(np.asarray(params[name]), XREF[f"{case}/{name}"][step],
                                   rtol=1e-8, atol=1e-10, err_msg=f"{case} step {step} {name}")


@pytest.mark.parametrize("case", CASES)
def test_pure_lbfgs_matches_torch(case):
    problem = Problem64()
    solver = optim.lbfgs(ft.value_and_grad(problem.loss), **kwargs_of(XSPEC["lbfgs"][case]))
    params = problem.params()
    state = solver.init(params)
    for step in range(1, STEPS + 1):
        params, state, loss = solver.step(params, state)
        np.testing.assert_allclose(float(loss), XREF[f"{case}/loss"][step - 1], rtol=1e-10)
        _check(case, step, params)
    assert [state.func_evals, state.n_iter] == list(XREF[f"{case}/evals"])


@pytest.mark.parametrize("case", CASES)
def test_stateful_lbfgs_closure_matches_torch(case, param_cls):
    problem = Problem64()
    boxes = {n: param_cls(v) for n, v in problem.params().items()}
    opt = optim.LBFGS([boxes[n] for n in NAMES], **kwargs_of(XSPEC["lbfgs"][case]))

    def closure():
        grads = ft.grad(problem.loss)({n: boxes[n].data for n in NAMES})
        for name in NAMES:
            boxes[name].grad = grads[name]
        return problem.loss({n: boxes[n].data for n in NAMES})

    for step in range(1, STEPS + 1):
        loss = opt.step(closure)
        np.testing.assert_allclose(float(loss), XREF[f"{case}/loss"][step - 1], rtol=1e-10)
        _check(case, step, {n: boxes[n].data for n in NAMES})
    saved = opt.state_dict()
    assert int(saved["state"][0]["n_iter"]) == XREF[f"{case}/evals"][1]

    fresh = {n: param_cls(boxes[n].data) for n in NAMES}
    resumed = optim.LBFGS([fresh[n] for n in NAMES], **kwargs_of(XSPEC["lbfgs"][case]))
    resumed.load_state_dict(saved)
    assert resumed.state_dict()["state"][0]["func_evals"] == saved["state"][0]["func_evals"]
    assert len(resumed.state_dict()["state"][0]["old_dirs"]) == len(saved["state"][0]["old_dirs"])


def test_lbfgs_rejects_groups_and_bad_line_search(param_cls):
    a, b = param_cls(ft.ones(2)), param_cls(ft.ones(2))
    with pytest.raises(ValueError, match="parameter groups"):
        optim.LBFGS([{"params": [a]}, {"params": [b]}])
    with pytest.raises(ValueError, match="line_search_fn"):
        optim.lbfgs(lambda p: (0.0, p), line_search_fn="armijo")
    with pytest.raises(TypeError, match="needs a closure"):
        optim.LBFGS([a]).step()


def test_lbfgs_stops_at_a_stationary_point():
    solver = optim.lbfgs(ft.value_and_grad(lambda p: ft.sum(p["x"] ** 2)))
    params = {"x": ft.zeros(3, dtype=ft.float64)}
    new, state, loss = solver.step(params, solver.init(params))
    assert float(loss) == 0.0 and state.n_iter == 0 and state.func_evals == 1
    np.testing.assert_array_equal(np.asarray(new["x"]), 0.0)


@pytest.mark.parametrize("args, expected", [
    ((0.0, 1.0, -1.0, 1.0, 1.0, 1.0), 0.5),  # symmetric cubic: minimum halfway
    ((0.0, 0.0, 1.0, 1.0, 2 / 3, 1.0), 0.5),  # no real minimiser: midpoint
])
def test_cubic_interpolate(args, expected):
    assert cubic_interpolate(*args) == pytest.approx(expected)


def test_lbfgs_closure_with_backward_solves_least_squares():
    """PyTorch's protocol end to end: zero_grad, loss.backward() in the closure."""
    if not hasattr(ft, "nn"):
        pytest.skip("ft.nn is not importable")
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((20, 3)), rng.standard_normal((20, 1))
    model = ft.nn.Linear(3, 1).double()
    opt = optim.LBFGS(model.parameters(), line_search_fn="strong_wolfe",
                      tolerance_grad=1e-12, tolerance_change=1e-15)
    inputs, targets = ft.array(x), ft.array(y)

    def closure():
        opt.zero_grad()
        loss = ft.nn.functional.mse_loss(model(inputs), targets)
        loss.backward()
        return loss

    for _ in range(3):
        opt.step(closure)
    design = np.hstack([x, np.ones((20, 1))])
    solution = np.linalg.lstsq(design, y, rcond=None)[0].ravel()
    got = np.concatenate([np.asarray(model.weight.data).ravel(), np.asarray(model.bias.data)])
    np.testing.assert_allclose(got, solution, rtol=1e-6, atol=1e-8)
