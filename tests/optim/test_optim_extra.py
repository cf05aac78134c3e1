"""NAdam, RAdam, Adamax, Adadelta, Rprop, ASGD, Adafactor and Muon against torch.optim
(tests/fixtures/make_optim_extra_fixtures.py): 20-step trajectories of several options,
pure == stateful bit for bit, jit == eager, and PyTorch's state_dict after step 10 loads
and continues PyTorch's run."""

import numpy as np
import pytest

import funtorch as ft
from funtorch import optim
from optim.extra_helpers import XREF, XSPEC, kwargs_of
from optim.helpers import NAMES

KINDS = {
    "NAdam": (optim.nadam, optim.NAdam),
    "RAdam": (optim.radam, optim.RAdam),
    "Adamax": (optim.adamax, optim.Adamax),
    "Adadelta": (optim.adadelta, optim.Adadelta),
    "Rprop": (optim.rprop, optim.Rprop),
    "ASGD": (optim.asgd, optim.ASGD),
    "Adafactor": (optim.adafactor, optim.Adafactor),
    "Muon": (optim.muon, optim.Muon),
}
STEPS = XSPEC["steps"]
CASES = sorted(c for c in XSPEC["cases"] if not c.endswith("bf16"))
RTOL, ATOL = 1e-5, 2e-6


def _kind(case):
    return XSPEC["cases"][case][0]


def _trained(case):
    return ("w",) if _kind(case) == "Muon" else NAMES


def _pure(case):
    return KINDS[_kind(case)][0](**kwargs_of(XSPEC["cases"][case][1]))


def _grads(problem, case, params):
    full = {**problem.params(), **params}
    grads = problem.grads(full)
    return {name: grads[name] for name in _trained(case)}


def _check(case, step, params, rtol=RTOL, atol=ATOL):
    for name in _trained(case):
        np.testing.assert_allclose(np.asarray(params[name]), XREF[f"{case}/{name}"][step],
                                   rtol=rtol, atol=atol, err_msg=f"{case} step {step} {name}")


def run_pure(case, problem, steps, params=None, state=None, update=None):
    opt = _pure(case)
    if params is None:
        params = {n: v for n, v in problem.params().items() if n in _trained(case)}
    state = opt.init(params) if state is None else state
    update = update or opt.update
    trajectory = []
    for _ in range(steps):
        updates, state = update(_grads(problem, case, params), state, params)
        params = optim.apply_updates(params, updates)
        trajectory.append(params)
    return trajectory, state


def run_stateful(opt, boxes, case, problem, steps):
    trajectory = []
    for _ in range(steps):
        grads = _grads(problem, case, {n: boxes[n].data for n in boxes})
        for name, box in boxes.items():
            box.grad = grads[name]
        opt.step()
        trajectory.append({n: boxes[n].data for n in boxes})
    return trajectory


def _boxes(case, problem, param_cls, values=None):
    values = values or problem.params()
    return {n: param_cls(values[n]) for n in _trained(case)}


@pytest.mark.parametrize("case", CASES)
def test_pure_and_stateful_match_torch(case, problem, param_cls):
    pure, _ = run_pure(case, problem, STEPS)
    boxes = _boxes(case, problem, param_cls)
    opt = KINDS[_kind(case)][1](list(boxes.values()), **kwargs_of(XSPEC["cases"][case][1]))
    stateful = run_stateful(opt, boxes, case, problem, STEPS)
    for step, (mine, theirs) in enumerate(zip(stateful, pure), start=1):
        _check(case, step, theirs)
        for name in _trained(case):  # one implementation: the same floats
            assert mine[name].dtype == ft.float32
            np.testing.assert_array_equal(np.asarray(mine[name]), np.asarray(theirs[name]))


def test_muon_close_to_torch_bfloat16(problem):
    """PyTorch runs Newton-Schulz in bfloat16; ours (float32) stays within its rounding."""
    pure, _ = run_pure("muon", problem, STEPS)
    for step, params in enumerate(pure, start=1):
        _check("muon_bf16", step, params, rtol=0, atol=5e-3)


@pytest.mark.parametrize("case", CASES)
def test_jit_update_matches_eager(case, problem):
    eager, _ = run_pure(case, problem, 4)
    jitted, _ = run_pure(case, problem, 4, update=ft.jit(_pure(case).update))
    for name in _trained(case):
        np.testing.assert_allclose(np.asarray(jitted[-1][name]), np.asarray(eager[-1][name]),
                                   rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("case", CASES)
def test_loads_torch_state_dict(case, problem, param_cls):
    values = {n: ft.array(XREF[f"{case}/{n}"][10]) for n in NAMES}
    boxes = _boxes(case, problem, param_cls, values)
    opt = KINDS[_kind(case)][1](list(boxes.values()), **kwargs_of(XSPEC["cases"][case][1]))
    prefix = f"{case}/sd10/"
    state: dict = {}
    for key, value in XREF.items():
        if key.startswith(prefix):
            index, entry = key[len(prefix):].split("/")
            state.setdefault(int(index), {})[entry] = value
    opt.load_state_dict({"state": state, "param_groups": opt.state_dict()["param_groups"]})
    full = {n: values[n] for n in NAMES}
    for step in range(11, STEPS + 1):
        grads = problem.grads({**full, **{n: b.data for n, b in boxes.items()}})
        for name, box in boxes.items():
            box.grad = grads[name]
        opt.step()
        _check(case, step, {n: b.data for n, b in boxes.items()})
    assert sorted(opt.state_dict()["state"][0]) == sorted(state[0])


@pytest.mark.parametrize("case", ["nadam_decoupled", "asgd_all", "adafactor_all"])
def test_pure_state_resumes_exactly(case, problem):
    first, state = run_pure(case, problem, 10)
    rest, _ = run_pure(case, problem, 10, params=first[-1], state=state)
    _check(case, 20, rest[-1])


def test_asgd_average_matches_torch_state(problem, param_cls):
    boxes = _boxes("asgd_all", problem, param_cls)
    opt = optim.ASGD(list(boxes.values()), **kwargs_of(XSPEC["cases"]["asgd_all"][1]))
    run_stateful(opt, boxes, "asgd_all", problem, 10)
    for index, name in enumerate(NAMES):
        ax = opt.state[boxes[name]]["ax"]
        np.testing.assert_allclose(np.asarray(ax), XREF[f"asgd_all/sd10/{index}/ax"],
                                   rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("factory, kwargs, message", [
    (optim.nadam, {"momentum_decay": -1.0}, "momentum_decay"),
    (optim.radam, {"betas": (1.0, 0.9)}, "beta parameter at index 0"),
    (optim.adamax, {"lr": -1.0}, "Invalid learning rate"),
    (optim.adadelta, {"rho": 1.5}, "rho"),
    (optim.rprop, {"etas": (1.5, 1.2)}, "eta values"),
    (optim.asgd, {"weight_decay": -1.0}, "weight_decay"),
    (optim.adafactor, {"d": 0.5}, "Clipping threshold d"),
    (optim.adafactor, {"beta2_decay": 0.5}, "beta2_decay"),
    (optim.muon, {"adjust_lr_fn": "nope"}, "Adjust learning rate function"),
])
def test_invalid_hyperparameters_raise_pytorch_messages(factory, kwargs, message):
    with pytest.raises(ValueError, match=message):
        factory(**kwargs)


def test_muon_rejects_non_matrices(param_cls):
    with pytest.raises(ValueError, match="Muon only supports 2D parameters"):
        optim.Muon([param_cls(ft.ones(3))])
    opt = optim.muon(0.02)
    with pytest.raises(ValueError, match="2-d"):
        opt.update({"b": ft.ones(3)}, opt.init({"b": ft.ones(3)}), {"b": ft.ones(3)})


def test_newton_schulz_is_nearly_orthogonal():
    rng = np.random.default_rng(0)
    for shape in [(4, 7), (7, 4)]:
        ortho = np.asarray(optim.newton_schulz(ft.array(rng.standard_normal(shape)),
                                               steps=10))
        singular = np.linalg.svd(ortho, compute_uv=False)
        assert np.all((singular > 0.6) & (singular < 1.3)), singular


def test_adafactor_state_layout(problem):
    opt = optim.adafactor()
    state = opt.init(problem.params())[-1] if isinstance(opt.init(problem.params()), tuple) \
        else opt.init(problem.params())
    leaves = {f: getattr(state, f) for f in ("row_var", "col_var", "variance")}
    assert leaves["row_var"]["w"].shape == (2, 1) and leaves["col_var"]["w"].shape == (1, 3)
    assert leaves["variance"]["w"] is None and leaves["variance"]["q"].shape == (4,)


SHAPE_NAMES = ("a", "s", "t")


def _shape_loss(params):
    total = 0.1 * ft.sum(params["a"]) ** 2
    for name in SHAPE_NAMES:
        weight, target = (ft.array(XREF[f"shape_problem/{k}_{name}"]) for k in
                          ("weight", "target"))
        total = total + ft.sum(weight ** 2 * (params[name] - target) ** 2)
    return total


@pytest.mark.parametrize("case", sorted(XSPEC["shape_cases"]))
def test_shapes_match_torch(case, param_cls):
    """Adafactor on 3-d, 0-d and tall 2-d arrays; Muon on a tall matrix (transposed
    Newton-Schulz)."""
    kind, kwargs, trained = XSPEC["shape_cases"][case]
    start = {n: ft.array(XREF[f"shape_problem/init_{n}"]) for n in SHAPE_NAMES}
    opt = KINDS[kind][0](**kwargs_of(kwargs))
    params = {n: start[n] for n in trained}
    state = opt.init(params)
    boxes = {n: param_cls(start[n]) for n in trained}
    stateful = KINDS[kind][1](list(boxes.values()), **kwargs_of(kwargs))
    for step in range(1, STEPS + 1):
        grads = ft.grad(_shape_loss)({**start, **params})
        updates, state = opt.update({n: grads[n] for n in trained}, state, params)
        params = optim.apply_updates(params, updates)
        for name in trained:
            boxes[name].grad = grads[name]
        stateful.step()
        for name in trained:
            np.testing.assert_allclose(np.asarray(params[name]),
                                       XREF[f"{case}/{name}"][step], rtol=RTOL, atol=ATOL,
                                       err_msg=f"{case} step {step} {name}")
            np.testing.assert_array_equal(np.asarray(boxes[name].data),
                                          np.asarray(params[name]))


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("dtype", [ft.float32, ft.float64])
def test_dtype_kept_and_nonfinite_skipped(kind, dtype):
    params = {"w": ft.ones((3, 2), dtype=dtype)}
    opt = KINDS[kind][0](skip_nonfinite=True)
    state = opt.init(params)
    updates, state = opt.update({"w": ft.full((3, 2), 0.5, dtype=dtype)}, state, params)
    assert updates["w"].dtype == dtype
    bad = {"w": ft.full((3, 2), float("nan"), dtype=dtype)}
    updates, state = opt.update(bad, state, params)
    np.testing.assert_array_equal(np.asarray(updates["w"]), 0.0)
    assert int(state.skipped_steps) == 1
