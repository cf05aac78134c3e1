"""Pure schedules against their closed forms, under jit, and as an optimizer's lr."""

import math

import numpy as np
import pytest

import funtorch as ft
from funtorch import optim


def _cosine(init, steps, alpha, t, exponent=1.0):
    t = min(t, steps)
    return init * ((1 - alpha) * (0.5 * (1 + math.cos(math.pi * t / steps))) ** exponent
                   + alpha)


def _warmup_cosine(t):
    if t < 10:
        return 0.1 + (1.0 - 0.1) * t / 10
    return _cosine(1.0, 40, 0.05, t - 10)


# name -> (schedule, closed form t -> value)
SCHEDULES = {
    "constant": (optim.constant(0.3), lambda t: 0.3),
    "linear": (optim.linear(1.0, 0.1, 20), lambda t: 1.0 + (0.1 - 1.0) * min(t, 20) / 20),
    "linear_begin": (optim.linear(0.0, 2.0, 10, transition_begin=5),
                     lambda t: 2.0 * min(max(t - 5, 0), 10) / 10),
    "cosine_decay": (optim.cosine_decay(0.5, 30), lambda t: _cosine(0.5, 30, 0.0, t)),
    "cosine_decay_alpha": (optim.cosine_decay(0.5, 30, alpha=0.1, exponent=2.0),
                           lambda t: _cosine(0.5, 30, 0.1, t, 2.0)),
    "warmup_cosine_decay": (optim.warmup_cosine_decay(0.1, 1.0, 10, 50, end_value=0.05),
                            _warmup_cosine),
    "exponential_decay": (optim.exponential_decay(1.0, 10, 0.5), lambda t: 0.5 ** (t / 10)),
    "exponential_staircase": (optim.exponential_decay(1.0, 10, 0.5, staircase=True),
                              lambda t: 0.5 ** (t // 10)),
    "exponential_begin_end": (
        optim.exponential_decay(2.0, 5, 0.8, transition_begin=10, end_value=1.0),
        lambda t: 2.0 if t <= 10 else max(2.0 * 0.8 ** ((t - 10) / 5), 1.0)),
    "piecewise_constant": (optim.piecewise_constant(1.0, {10: 0.5, 25: 0.1, 5: 2.0}),
                           lambda t: 1.0 * (2.0 if t >= 5 else 1) * (0.5 if t >= 10 else 1)
                           * (0.1 if t >= 25 else 1)),
    "join": (optim.join([optim.constant(0.2), optim.linear(0.2, 0.0, 10), optim.constant(0.0)],
                        [5, 15]),
             lambda t: 0.2 if t < 5 else 0.2 * (1 - min(t - 5, 10) / 10) if t < 15 else 0.0),
}


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_schedule_matches_closed_form(name):
    schedule, closed_form = SCHEDULES[name]
    for step in range(60):
        value = schedule(step)
        assert value.dtype == ft.float64 and value.shape == ()
        np.testing.assert_allclose(float(value), closed_form(step), rtol=1e-12, atol=1e-15,
                                   err_msg=f"{name} at step {step}")


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_schedule_traces_under_jit_on_a_step_array(name):
    schedule, closed_form = SCHEDULES[name]
    jitted = ft.jit(schedule)
    for step in (0, 7, 33):
        value = jitted(ft.array(step, dtype=ft.int64))
        np.testing.assert_allclose(float(value), closed_form(step), rtol=1e-12, atol=1e-15)


def test_schedule_drives_the_optimizer_from_step_zero():
    schedule = optim.warmup_cosine_decay(0.1, 1.0, 10, 50, end_value=0.05)
    opt = optim.sgd(schedule)
    params = {"w": ft.zeros(1, dtype=ft.float64)}
    state = opt.init(params)
    update = ft.jit(opt.update)
    for step in range(15):
        updates, state = update({"w": ft.ones(1, dtype=ft.float64)}, state, params)
        np.testing.assert_allclose(-float(updates["w"][0]), _warmup_cosine(step), rtol=1e-12)


BAD_SCHEDULES = [
    (lambda: optim.cosine_decay(1.0, 0), "cosine_decay: decay_steps must be > 0"),
    (lambda: optim.warmup_cosine_decay(0.0, 1.0, 10, 10),
     r"decay_steps \(10\) must be greater than warmup_steps \(10\)"),
    (lambda: optim.exponential_decay(1.0, 0, 0.5), "transition_steps must be > 0"),
    (lambda: optim.exponential_decay(1.0, 10, 0.0), "decay_rate must be > 0"),
    (lambda: optim.piecewise_constant(1.0, {-1: 0.5}), "boundaries must be >= 0"),
    (lambda: optim.join([optim.constant(1.0)], [3]), "1 schedules need 0 boundaries, got 1"),
]


@pytest.mark.parametrize("make, message", BAD_SCHEDULES)
def test_bad_schedule_arguments(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_linear_without_transition_is_constant():
    assert float(optim.linear(0.7, 0.0, 0)(100)) == 0.7
