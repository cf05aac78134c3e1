"""Contract tests over every optimizer and option: 20-step trajectories against torch.optim
(tests/fixtures/make_optim_fixtures.py), pure == stateful, jit == eager, and resuming from
a saved state (ours, PyTorch's) gives the trajectory of a run that never stopped."""

import numpy as np
import pytest

import funtorch as ft
from funtorch import optim
from optim.helpers import NAMES, REF, SPEC

STEPS = 20
# (pure factory, stateful class) per fixture kind; lion and lamb have no torch.optim twin.
KINDS = {
    "SGD": (optim.sgd, optim.SGD),
    "Adam": (optim.adam, optim.Adam),
    "AdamW": (optim.adamw, optim.AdamW),
    "RMSprop": (optim.rmsprop, optim.RMSprop),
    "Adagrad": (optim.adagrad, optim.Adagrad),
    "lion": (optim.lion, None),
    "lamb": (optim.lamb, None),
}
CASES = sorted(SPEC["cases"])
STATEFUL_CASES = [c for c in CASES if KINDS[SPEC["cases"][c][0]][1] is not None]
# float32 rounding (PyTorch fuses some operations differently) over 20 steps.
RTOL, ATOL = 2e-5, 2e-6


def _kwargs(case):
    kwargs = dict(SPEC["cases"][case][1])
    if "betas" in kwargs:
        kwargs["betas"] = tuple(kwargs["betas"])
    return kwargs


def _pure(case, **extra):
    return KINDS[SPEC["cases"][case][0]][0](**_kwargs(case), **extra)


def _stateful(case, params):
    return KINDS[SPEC["cases"][case][0]][1](params, **_kwargs(case))


def _expected(case, step):
    return {name: REF[f"{case}/{name}"][step] for name in NAMES}


def _assert_params(actual, expected, what):
    for name in NAMES:
        np.testing.assert_allclose(np.asarray(actual[name]), expected[name], rtol=RTOL,
                                   atol=ATOL, err_msg=f"{what}: parameter {name}")


def run_pure(opt, problem, params, state, steps, update=None):
    update = update or opt.update
    trajectory = []
    for _ in range(steps):
        updates, state = update(problem.grads(params), state, params)
        params = optim.apply_updates(params, updates)
        trajectory.append(params)
    return params, state, trajectory


def run_stateful(opt, problem, boxes, steps):
    trajectory = []
    for _ in range(steps):
        grads = problem.grads({name: boxes[name].data for name in NAMES})
        for name in NAMES:
            boxes[name].grad = grads[name]
        opt.step()
        trajectory.append({name: boxes[name].data for name in NAMES})
    return trajectory


@pytest.mark.parametrize("case", CASES)
def test_pure_trajectory_matches_torch(case, problem):
    opt = _pure(case)
    params = problem.params()
    _, _, trajectory = run_pure(opt, problem, params, opt.init(params), STEPS)
    for step, params in enumerate(trajectory, start=1):
        _assert_params(params, _expected(case, step), f"{case} step {step}")
        assert all(params[name].dtype == ft.float32 for name in NAMES)


@pytest.mark.parametrize("case", STATEFUL_CASES)
def test_stateful_trajectory_matches_torch_and_pure(case, problem, param_cls):
    boxes = {name: param_cls(value) for name, value in problem.params().items()}
    stateful = run_stateful(_stateful(case, [boxes[n] for n in NAMES]), problem, boxes, STEPS)
    opt = _pure(case)
    params = problem.params()
    _, _, pure = run_pure(opt, problem, params, opt.init(params), STEPS)
    for step, (mine, theirs) in enumerate(zip(stateful, pure), start=1):
        _assert_params(mine, _expected(case, step), f"{case} step {step}")
        for name in NAMES:  # one implementation: the same floats, not just close ones
            np.testing.assert_array_equal(np.asarray(mine[name]), np.asarray(theirs[name]))


@pytest.mark.parametrize("case", CASES)
def test_jit_update_matches_eager(case, problem):
    opt = _pure(case)
    params = problem.params()
    eager, _, _ = run_pure(opt, problem, params, opt.init(params), 5)
    jitted, _, _ = run_pure(opt, problem, params, opt.init(params), 5, ft.jit(opt.update))
    for name in NAMES:
        np.testing.assert_allclose(np.asarray(jitted[name]), np.asarray(eager[name]),
                                   rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("case", CASES)
def test_pure_state_saved_and_restored_resumes_exactly(case, problem, tmp_path):
    opt = _pure(case)
    params = problem.params()
    params, state, _ = run_pure(opt, problem, params, opt.init(params), 10)
    ft.save({"params": params, "state": ft.tree.leaves(state)}, tmp_path / "ckpt.ft")
    loaded = ft.load(tmp_path / "ckpt.ft")
    structure = ft.tree.structure(opt.init(loaded["params"]))
    restored = ft.tree.unflatten(structure, loaded["state"])
    resumed, _, _ = run_pure(opt, problem, loaded["params"], restored, 10)
    straight, _, _ = run_pure(opt, problem, params, state, 10)
    for name in NAMES:
        np.testing.assert_array_equal(np.asarray(resumed[name]), np.asarray(straight[name]))
    _assert_params(resumed, _expected(case, 20), f"{case} resumed")


@pytest.mark.parametrize("case", STATEFUL_CASES)
def test_stateful_state_dict_resumes_exactly(case, problem, param_cls, tmp_path):
    boxes = {name: param_cls(value) for name, value in problem.params().items()}
    opt = _stateful(case, [boxes[n] for n in NAMES])
    run_stateful(opt, problem, boxes, 10)
    ft.save({"optimizer": opt.state_dict(),
             "params": {n: boxes[n].data for n in NAMES}}, tmp_path / "ckpt.ft")
    straight = run_stateful(opt, problem, boxes, 10)

    loaded = ft.load(tmp_path / "ckpt.ft")
    new_boxes = {name: param_cls(loaded["params"][name]) for name in NAMES}
    new_opt = _stateful(case, [new_boxes[n] for n in NAMES])
    new_opt.load_state_dict(loaded["optimizer"])
    resumed = run_stateful(new_opt, problem, new_boxes, 10)
    for mine, theirs in zip(resumed, straight):
        for name in NAMES:
            np.testing.assert_array_equal(np.asarray(mine[name]), np.asarray(theirs[name]))


@pytest.mark.parametrize("case", STATEFUL_CASES)
def test_loads_torch_state_dict(case, problem, param_cls):
    """PyTorch's state_dict after step 10 (converted to numpy) continues PyTorch's run."""
    boxes = {name: param_cls(ft.array(REF[f"{case}/{name}"][10])) for name in NAMES}
    opt = _stateful(case, [boxes[n] for n in NAMES])
    prefix = f"{case}/sd10/"
    state: dict = {}
    for key, value in REF.items():
        if key.startswith(prefix):
            index, entry = key[len(prefix):].split("/")
            state.setdefault(int(index), {})[entry] = value
    groups = [{**opt.state_dict()["param_groups"][0]}]
    opt.load_state_dict({"state": state, "param_groups": groups})
    for step, params in enumerate(run_stateful(opt, problem, boxes, 10), start=11):
        _assert_params(params, _expected(case, step), f"{case} step {step}")


def test_param_groups_match_torch(problem, param_cls):
    """Per-group lr/weight_decay, a parameter without .grad skipped, lr edited mid-run."""
    boxes = {name: param_cls(value) for name, value in problem.params().items()}
    opt = optim.Adam([{"params": [boxes["w"]], "lr": 0.05},
                      {"params": [boxes["b"], boxes["q"]], "weight_decay": 0.1}], lr=0.02)
    for step in range(1, STEPS + 1):
        opt.zero_grad()
        grads = problem.grads({name: boxes[name].data for name in NAMES})
        for name in NAMES:
            boxes[name].grad = grads[name]
        if step % 2 == 1:
            boxes["q"].grad = None
        opt.step()
        if step == 10:
            opt.param_groups[0]["lr"] *= 0.5
        _assert_params({n: boxes[n].data for n in NAMES}, _expected("groups", step),
                       f"groups step {step}")
    assert int(opt.state_dict()["state"][2]["step"]) == STEPS // 2
