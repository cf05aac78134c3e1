"""ft.integrate.odeint: values against closed forms and SciPy's solve_ivp, adjoint
gradients against finite differences and against differentiating a fixed-step solver,
vmap, jit and the error messages."""

import numpy as np
import pytest
import scipy.integrate

import funtorch as ft
from funtorch.integrate import odeint

TIGHT = dict(rtol=1e-10, atol=1e-10)


def f64(x):
    return ft.array(np.asarray(x, dtype=np.float64))


def decay(y, t, k):
    return -k * y


def oscillator(state, t, omega):
    return {"x": state["v"], "v": -omega ** 2 * state["x"]}


def forced(y, t, k, amplitude):
    return -k * y + amplitude * ft.sin(t)


def test_exponential_decay_matches_closed_form():
    times = np.linspace(0.0, 3.0, 7)
    y0 = np.array([1.0, -2.0, 0.5])
    ys = odeint(decay, f64(y0), f64(times), f64(0.8))
    assert ys.shape == (7, 3) and ys.dtype == np.float64
    np.testing.assert_allclose(np.asarray(ys), y0 * np.exp(-0.8 * times)[:, None],
                               rtol=1e-7, atol=1e-9)


def test_harmonic_oscillator_pytree_state():
    times = np.linspace(0.0, 10.0, 11)
    omega = 1.7
    ys = odeint(oscillator, {"x": f64(1.0), "v": f64(0.0)}, f64(times), f64(omega), **TIGHT)
    assert set(ys) == {"x", "v"} and ys["x"].shape == (11,)
    np.testing.assert_allclose(np.asarray(ys["x"]), np.cos(omega * times), atol=1e-8)
    np.testing.assert_allclose(np.asarray(ys["v"]), -omega * np.sin(omega * times), atol=1e-8)


def lotka_volterra(y, t, params):
    prey, predator = y[0], y[1]
    a, b, c, d = params[0], params[1], params[2], params[3]
    return ft.stack([a * prey - b * prey * predator, c * prey * predator - d * predator])


def test_nonlinear_system_matches_scipy_solve_ivp():
    params = np.array([1.0, 0.4, 0.1, 0.4])
    times = np.linspace(0.0, 15.0, 16)
    ys = odeint(lotka_volterra, f64([10.0, 5.0]), f64(times), f64(params), **TIGHT)

    def rhs(t, y):
        return np.asarray(lotka_volterra(f64(y), t, f64(params)))
    want = scipy.integrate.solve_ivp(rhs, (0.0, 15.0), [10.0, 5.0], t_eval=times,
                                     method="DOP853", rtol=1e-12, atol=1e-12).y.T
    np.testing.assert_allclose(np.asarray(ys), want, rtol=1e-7)


@pytest.mark.parametrize("argnum", [0, 1, 2, 3])
def test_adjoint_gradients_match_finite_differences(argnum):
    args = (f64([1.0, -0.5]), f64([0.0, 0.4, 1.1, 2.0]), f64(0.7), f64(0.3))

    def loss(y0, times, k, amplitude):
        return ft.sum(odeint(forced, y0, times, k, amplitude, **TIGHT) ** 2)

    def partial(value):
        full = list(args)
        full[argnum] = value
        return loss(*full)
    ft.testing.check_grads(partial, (args[argnum],), order=1, modes=("rev",), atol=1e-6,
                           rtol=1e-5)


def _rk4(func, y0, times, *args, substeps=60):
    """Fixed-step RK4, differentiated by ordinary reverse mode through every step."""
    outputs, y = [y0], y0
    for start, stop in zip(times[:-1], times[1:]):
        h = (stop - start) / substeps
        for step in range(substeps):
            t = start + step * h
            k1 = func(y, t, *args)
            k2 = func(y + 0.5 * h * k1, t + 0.5 * h, *args)
            k3 = func(y + 0.5 * h * k2, t + 0.5 * h, *args)
            k4 = func(y + h * k3, t + h, *args)
            y = y + h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
        outputs.append(y)
    return ft.stack(outputs)


def test_adjoint_gradients_match_differentiating_a_fixed_step_solver():
    times = [0.0, 1.0, 2.5]
    weights = f64([[0.0, 0.0], [1.0, -2.0], [0.5, 3.0]])

    def loss(solve, y0, params):
        return ft.sum(solve(lotka_volterra, y0, ft.array(np.array(times)), params) * weights)
    y0, params = f64([10.0, 5.0]), f64([1.0, 0.4, 0.1, 0.4])
    adjoint = ft.grad(lambda y, p: loss(lambda *a: odeint(*a, **TIGHT), y, p),
                      argnums=(0, 1))(y0, params)
    unrolled = ft.grad(lambda y, p: loss(_rk4, y, p), argnums=(0, 1))(y0, params)
    for got, want in zip(adjoint, unrolled):
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-6)


def test_vmap_over_initial_conditions_matches_loop():
    times = f64(np.linspace(0.0, 2.0, 5))
    y0s = f64([[1.0, 0.0], [0.5, 1.0], [-2.0, 0.3]])

    def solve(y0):
        return odeint(lambda y, t, w: ft.stack([y[1], -w * y[0]]), y0, times, f64(2.0))
    batched = ft.vmap(solve)(y0s)
    looped = np.stack([np.asarray(solve(y0)) for y0 in y0s])
    assert batched.shape == (3, 5, 2)
    np.testing.assert_allclose(np.asarray(batched), looped, rtol=1e-7, atol=1e-9)


def test_grad_through_vmap():
    times = f64([0.0, 1.0, 2.0])
    k = f64(0.5)

    def total(y0s, k):
        return ft.sum(ft.vmap(lambda y0: odeint(decay, y0, times, k))(y0s))
    g_y0, g_k = ft.grad(total, argnums=(0, 1))(f64([1.0, 2.0, -1.0]), k)
    t = np.array([0.0, 1.0, 2.0])
    np.testing.assert_allclose(np.asarray(g_y0), np.full(3, np.exp(-0.5 * t).sum()), rtol=1e-6)
    np.testing.assert_allclose(float(g_k), 2.0 * np.sum(-t * np.exp(-0.5 * t)), rtol=1e-6)


def test_jit_matches_eager():
    times = f64([0.0, 0.5, 1.5])
    solve = ft.jit(lambda y0, k: odeint(decay, y0, times, k))
    np.testing.assert_allclose(np.asarray(solve(f64([1.0, 3.0]), f64(0.4))),
                               np.asarray(odeint(decay, f64([1.0, 3.0]), times, f64(0.4))),
                               rtol=1e-12)


def test_hmax_bounds_the_step():
    ys = odeint(decay, f64(1.0), f64([0.0, 1.0]), f64(1.0), hmax=0.01)
    np.testing.assert_allclose(float(ys[-1]), np.exp(-1.0), rtol=1e-8)


def test_float32_stays_float32():
    ys = odeint(decay, ft.array(np.float32(1.0)), ft.array(np.array([0.0, 1.0], np.float32)),
                ft.array(np.float32(1.0)), rtol=1e-5, atol=1e-5)
    assert ys.dtype == np.float32
    np.testing.assert_allclose(float(ys[-1]), np.exp(-1.0), rtol=1e-4)


def test_two_dimensional_times_are_refused():
    with pytest.raises(ValueError, match="odeint: t must be a one-dimensional array"):
        odeint(decay, f64(1.0), f64([[0.0, 1.0]]), f64(1.0))


def test_integer_state_is_refused():
    with pytest.raises(TypeError, match="odeint: y0 and t must be floating point"):
        odeint(decay, ft.array(np.array([1, 2])), ft.array(np.array([0, 1])), f64(1.0))


def test_closure_over_a_traced_value_names_the_fix():
    def loss(k):
        return ft.sum(odeint(lambda y, t: -k * y, f64(1.0), f64([0.0, 1.0])))
    with pytest.raises(TypeError, match="pass it through odeint's \\*args"):
        ft.grad(loss)(f64(0.5))


def test_second_order_gradient_through_nested_adjoints():
    times = f64([0.0, 1.0, 2.0])

    def total(k):
        return ft.sum(odeint(decay, f64(1.0), times, k, **TIGHT))
    t = np.array([0.0, 1.0, 2.0])
    np.testing.assert_allclose(float(ft.grad(ft.grad(total))(f64(0.6))),
                               np.sum(t ** 2 * np.exp(-0.6 * t)), rtol=1e-7)


def test_vmap_of_grad_matches_loop():
    times = f64([0.0, 0.5, 1.5])

    def final(k):
        return odeint(forced, f64([1.0, 2.0]), times, k, f64(0.3))[-1, 0]
    ks = f64([0.2, 0.7, 1.3])
    batched = ft.vmap(ft.grad(final))(ks)
    looped = [float(ft.grad(final)(k)) for k in ks]
    np.testing.assert_allclose(np.asarray(batched), looped, rtol=1e-7)


def test_decreasing_times_are_refused():
    with pytest.raises(ValueError, match="odeint: the times t must be non-decreasing"):
        odeint(decay, f64(1.0), f64([1.0, 0.0]), f64(1.0))


def test_repeated_times_give_the_same_state():
    ys = odeint(decay, f64(2.0), f64([0.0, 0.0, 1.0, 1.0]), f64(1.0))
    np.testing.assert_allclose(np.asarray(ys), 2.0 * np.exp(-np.array([0.0, 0.0, 1.0, 1.0])),
                               rtol=1e-7)
