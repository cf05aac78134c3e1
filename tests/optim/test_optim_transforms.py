"""Combinators and guards of the pure optimizers: chain, clipping, masking, weight decay,
non-finite gradients, tree checks, argument validation, dtypes and Module pytrees."""

import math

import numpy as np
import pytest

import funtorch as ft
from funtorch import optim

NEEDS_NN = pytest.mark.skipif(not hasattr(ft, "nn"), reason="ft.nn is not importable")
ALL_PURE = [optim.sgd, optim.adam, optim.adamw, optim.rmsprop, optim.adagrad, optim.lion,
            optim.lamb]


def _params():
    return {"layer": {"w": ft.array([[1.0, -2.0], [0.5, 3.0]]), "b": ft.array([0.1, -0.1])},
            "scale": ft.array(2.0)}


def _grads():
    return {"layer": {"w": ft.array([[0.3, -0.2], [1.0, 0.0]]), "b": ft.array([1.0, 2.0])},
            "scale": ft.array(-0.5)}


def _close(actual, expected, rtol=1e-6):
    np.testing.assert_allclose(np.asarray(actual), np.asarray(expected), rtol=rtol, atol=1e-7)


def test_chain_applies_in_order_and_keeps_states():
    opt = optim.chain(optim.clip(0.5), optim.scale(-2.0))
    params = _params()
    updates, state = opt.update(_grads(), opt.init(params), params)
    _close(updates["layer"]["b"], [-1.0, -1.0])
    _close(updates["layer"]["w"], [[-0.6, 0.4], [-1.0, 0.0]])
    assert state == (optim.EmptyState(), optim.EmptyState())


def test_chain_rejects_uncalled_factory():
    with pytest.raises(TypeError, match="not a GradientTransformation"):
        optim.chain(optim.adam)


def test_clip_by_global_norm():
    grads = {"a": ft.array([3.0]), "b": ft.array([4.0])}
    updates, _ = optim.clip_by_global_norm(1.0).update(grads, optim.EmptyState())
    _close(updates["a"], [0.6])
    _close(updates["b"], [0.8])
    kept, _ = optim.clip_by_global_norm(10.0).update(grads, optim.EmptyState())
    _close(kept["a"], [3.0])
    assert float(optim.global_norm(grads)) == 5.0
    with pytest.raises(ValueError, match="max_norm must be > 0"):
        optim.clip_by_global_norm(0.0)
    with pytest.raises(ValueError, match="max_delta must be >= 0"):
        optim.clip(-1.0)


def test_add_decayed_weights_with_mask_and_masked():
    params, grads = _params(), _grads()
    no_decay_on_vectors = lambda p: ft.tree.map(lambda x: x.ndim > 1, p)
    opt = optim.add_decayed_weights(0.5, mask=no_decay_on_vectors)
    updates, _ = opt.update(grads, opt.init(params), params)
    _close(updates["layer"]["w"], np.asarray(grads["layer"]["w"]) + 0.5 * np.asarray(
        params["layer"]["w"]))
    _close(updates["layer"]["b"], grads["layer"]["b"])
    _close(updates["scale"], grads["scale"])
    with pytest.raises(ValueError, match="update needs params"):
        optim.add_decayed_weights(0.1).update(grads, optim.EmptyState())


def test_masked_keeps_inner_state_for_selected_leaves_only():
    params = _params()
    mask = {"layer": {"w": True, "b": False}, "scale": True}
    opt = optim.masked(optim.sgd(0.1, momentum=0.9), mask)
    state = opt.init(params)
    assert len(ft.tree.leaves(state)) == 1 + 2  # step + the two selected buffers
    updates, state = opt.update(_grads(), state, params)
    _close(updates["layer"]["b"], _grads()["layer"]["b"])  # passed through
    _close(updates["scale"], 0.05)
    with pytest.raises(ValueError, match="the mask has 2 leaves but the parameters have 3"):
        optim.masked(optim.sgd(0.1), {"a": True, "b": False}).init(params)


@NEEDS_NN
def test_masked_weight_decay_on_a_module():
    model = ft.nn.Sequential(ft.nn.Linear(3, 2), ft.nn.LayerNorm(2))
    opt = optim.adamw(0.1, weight_decay=0.5,
                      mask=lambda p: ft.tree.map(lambda x: x.ndim > 1, p))
    state = opt.init(model)
    zero_grads = ft.tree.map(ft.zeros_like, model)
    updates, state = opt.update(zero_grads, state, model)
    decayed = [float(abs(u).sum()) > 0 for u in ft.tree.leaves(updates)]
    assert decayed == [x.ndim > 1 for x in ft.tree.leaves(model)]
    new_model = optim.apply_updates(model, updates)
    assert type(new_model) is type(model)
    assert new_model(ft.ones((1, 3))).shape == (1, 2)


@NEEDS_NN
@pytest.mark.parametrize("make", ALL_PURE, ids=lambda f: f.__name__)
def test_optimizers_work_on_modules(make):
    model = ft.nn.Linear(3, 2)
    x, y = ft.ones((4, 3)), ft.zeros((4, 2))
    loss = lambda m: ((m(x) - y) ** 2).mean()
    opt = make(lr=1e-2)
    state = opt.init(model)
    before = float(loss(model))
    for _ in range(3):
        updates, state = opt.update(ft.grad(loss)(model), state, model)
        model = optim.apply_updates(model, updates)
    assert float(loss(model)) < before


@pytest.mark.parametrize("make", ALL_PURE, ids=lambda f: f.__name__)
@pytest.mark.parametrize("dtype", [ft.float32, ft.float64])
def test_parameters_keep_their_dtype(make, dtype):
    params = {"w": ft.ones((2,), dtype=dtype)}
    opt = make(lr=optim.constant(0.1))
    updates, state = opt.update({"w": ft.full((2,), 0.5, dtype=dtype)}, opt.init(params),
                                params)
    assert updates["w"].dtype == dtype
    assert optim.apply_updates(params, updates)["w"].dtype == dtype
    assert all(leaf.dtype in (dtype, ft.int64) for leaf in ft.tree.leaves(state))


def test_schedule_lr_first_update_uses_lr_at_zero():
    params = {"w": ft.zeros(1)}
    opt = optim.sgd(lr=lambda step: 0.5 / (1.0 + step))
    state = opt.init(params)
    seen = []
    for _ in range(3):
        updates, state = opt.update({"w": ft.ones(1)}, state, params)
        seen.append(-float(updates["w"][0]))
    _close(seen, [0.5, 0.25, 0.5 / 3])


@pytest.mark.parametrize("make", ALL_PURE, ids=lambda f: f.__name__)
def test_grads_tree_mismatch_names_the_path(make):
    opt, params = make(lr=0.1), _params()
    state = opt.init(params)
    missing = {"layer": {"w": ft.ones((2, 2))}, "scale": ft.ones(())}
    with pytest.raises(ValueError, match=r"first difference at \['layer'\]\['b'\]: params has "
                                         r"an entry there that grads lacks"):
        opt.update(missing, state, params)
    wrong_shape = {"layer": {"w": ft.ones((2, 3)), "b": ft.ones(2)}, "scale": ft.ones(())}
    with pytest.raises(ValueError, match=r"grads\['layer'\]\['w'\] has shape \(2, 3\) but "
                                         r"params\['layer'\]\['w'\] has shape \(2, 2\)"):
        opt.update(wrong_shape, state, params)
    with pytest.raises(ValueError, match=r"at \['layer'\]: grads has a tuple"):
        opt.update({"layer": (ft.ones(2),), "scale": ft.ones(())}, state, params)


def test_apply_updates_checks_trees():
    with pytest.raises(ValueError, match=r"apply_updates: updates and params .* at \['b'\]"):
        optim.apply_updates({"a": ft.ones(1), "b": ft.ones(1)}, {"a": ft.ones(1)})


BAD_ARGUMENTS = [
    (optim.sgd, {"lr": -0.1}, "Invalid learning rate: -0.1"),
    (optim.sgd, {"lr": 0.1, "momentum": -0.5}, "Invalid momentum value: -0.5"),
    (optim.sgd, {"lr": 0.1, "weight_decay": -1.0}, "Invalid weight_decay value: -1.0"),
    (optim.sgd, {"lr": 0.1, "nesterov": True}, "Nesterov momentum requires a momentum"),
    (optim.adam, {"lr": -1e-3}, "Invalid learning rate: -0.001"),
    (optim.adam, {"betas": (1.0, 0.999)}, r"Invalid beta parameter at index 0: 1.0"),
    (optim.adam, {"betas": (0.9, -0.1)}, r"Invalid beta parameter at index 1: -0.1"),
    (optim.adam, {"eps": -1e-8}, "Invalid epsilon value: -1e-08"),
    (optim.adamw, {"weight_decay": -0.01}, "Invalid weight_decay value: -0.01"),
    (optim.rmsprop, {"alpha": -0.9}, "Invalid alpha value: -0.9"),
    (optim.rmsprop, {"momentum": -0.9}, "Invalid momentum value: -0.9"),
    (optim.adagrad, {"lr_decay": -0.1}, "Invalid lr_decay value: -0.1"),
    (optim.adagrad, {"initial_accumulator_value": -1.0},
     "Invalid initial_accumulator_value value: -1.0"),
    (optim.lion, {"betas": (0.9, 1.5)}, r"Invalid beta parameter at index 1: 1.5"),
    (optim.lamb, {"eps": -1.0}, "Invalid epsilon value: -1.0"),
]


@pytest.mark.parametrize("make, kwargs, message", BAD_ARGUMENTS)
def test_bad_arguments_raise_pytorch_messages(make, kwargs, message):
    with pytest.raises(ValueError, match=message):
        make(**kwargs)


def test_bad_argument_message_names_the_argument():
    with pytest.raises(ValueError, match=r"lr must be >= 0"):
        optim.adam(lr=-0.1)
    with pytest.raises(ValueError, match=r"betas\[0\] must be in \[0, 1\)"):
        optim.adam(betas=(1.0, 0.9))


def _nan_grads():
    grads = _grads()
    grads["layer"]["w"] = ft.array([[1.0, math.nan], [math.inf, 0.0]])
    return grads


@pytest.mark.parametrize("make", ALL_PURE, ids=lambda f: f.__name__)
def test_skip_nonfinite_leaves_params_and_state_unchanged(make):
    opt, params = make(lr=0.1, skip_nonfinite=True), _params()
    state = opt.init(params)
    updates, state = opt.update(_grads(), state, params)
    params = optim.apply_updates(params, updates)
    for update in (opt.update, ft.jit(opt.update)):
        new_updates, new_state = update(_nan_grads(), state, params)
        assert all(float(abs(u).sum()) == 0.0 for u in ft.tree.leaves(new_updates))
        assert int(new_state.skipped_steps) == 1
        for new, old in zip(ft.tree.leaves(new_state.inner_state),
                            ft.tree.leaves(state.inner_state)):
            np.testing.assert_array_equal(np.asarray(new), np.asarray(old))
        new_params = optim.apply_updates(params, new_updates)
        for new, old in zip(ft.tree.leaves(new_params), ft.tree.leaves(params)):
            np.testing.assert_array_equal(np.asarray(new), np.asarray(old))


def test_skip_nonfinite_counts_and_then_continues():
    opt, params = optim.skip_nonfinite(optim.adam(0.1)), _params()
    state = opt.init(params)
    for grads in (_nan_grads(), _grads(), _nan_grads()):
        updates, state = opt.update(grads, state, params)
        params = optim.apply_updates(params, updates)
    assert int(state.skipped_steps) == 2
    assert int(state.inner_state[0].step) == 1
    assert all(bool(ft.all(ft.isfinite(p))) for p in ft.tree.leaves(params))


@pytest.mark.parametrize("make", ALL_PURE, ids=lambda f: f.__name__)
def test_check_finite_raises_naming_the_path(make):
    opt, params = make(lr=0.1, check_finite=True), _params()
    with pytest.raises(RuntimeError, match=rf"{make.__name__}.update: the gradient at "
                                           r"\['layer'\]\['w'\] has 2 non-finite value\(s\)"):
        opt.update(_nan_grads(), opt.init(params), params)
    opt.update(_grads(), opt.init(params), params)


def test_transforms_that_read_params_need_them():
    opt = optim.adamw(0.1)
    with pytest.raises(ValueError, match="add_decayed_weights: update needs params"):
        opt.update(_grads(), opt.init(_params()))
    sgd = optim.sgd(0.1)
    updates, _ = sgd.update(_grads(), sgd.init(_params()))
    _close(updates["scale"], 0.05)


def test_trust_ratio_is_one_for_zero_norms():
    opt = optim.chain(optim.scale_by_trust_ratio())
    updates, _ = opt.update({"a": ft.ones(2), "b": ft.zeros(2)}, opt.init(None),
                            {"a": ft.zeros(2), "b": ft.ones(2)})
    _close(updates["a"], [1.0, 1.0])
    _close(updates["b"], [0.0, 0.0])
    updates, _ = opt.update({"a": ft.full((4,), 2.0)}, (optim.EmptyState(),),
                            {"a": ft.full((4,), 0.5)})
    _close(updates["a"], [0.5] * 4)


@pytest.mark.parametrize("make", ALL_PURE, ids=lambda f: f.__name__)
def test_state_and_updates_stay_on_the_params_device(make, device):
    """Counters, schedules and guards live on the parameters' device (cuda under -m gpu)."""
    params = ft.tree.map(lambda x: ft.asarray(np.asarray(x), device=device), _params())
    grads = ft.tree.map(lambda x: ft.asarray(np.asarray(x), device=device), _grads())
    opt = make(lr=optim.cosine_decay(0.1, 10), skip_nonfinite=True, weight_decay=0.1)
    state = opt.init(params)
    for _ in range(2):
        updates, state = opt.update(grads, state, params)
        params = optim.apply_updates(params, updates)
    target = ft.device(device)
    assert all(leaf.device == target for leaf in ft.tree.leaves((params, state)))
    cpu_opt = make(lr=optim.cosine_decay(0.1, 10), skip_nonfinite=True, weight_decay=0.1)
    cpu_params = _params()
    cpu_state = cpu_opt.init(cpu_params)
    for _ in range(2):
        updates, cpu_state = cpu_opt.update(_grads(), cpu_state, cpu_params)
        cpu_params = optim.apply_updates(cpu_params, updates)
    for mine, expected in zip(ft.tree.leaves(params), ft.tree.leaves(cpu_params)):
        _close(mine.cpu(), expected, rtol=1e-5)
