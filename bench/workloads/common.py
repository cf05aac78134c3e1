"""Pieces the gradient workloads share: the finite-difference check of a hand-written
backward, funtorch SGD steps (eager and jitted) and the fetch of ``(loss, params)``."""

from __future__ import annotations

import numpy as np

__all__ = ["check_numpy_backward", "funtorch_sgd_steps", "fetch_loss_and_params"]


def check_numpy_backward(loss_and_grads, params, data, keys, what):
    """Assert ``loss_and_grads(params, *data)``'s gradients against a central finite
    difference along a random direction (float64); return ``(loss, grads)``."""
    loss, grads = loss_and_grads(params, *data)
    rng = np.random.default_rng(2)
    direction = {key: rng.normal(size=value.shape) for key, value in params.items()}
    eps = 1e-6
    shifted = [loss_and_grads({k: params[k] + sign * eps * direction[k] for k in keys},
                              *data)[0] for sign in (1.0, -1.0)]
    finite_diff = (shifted[0] - shifted[1]) / (2 * eps)
    analytic = sum(float(np.sum(grads[k] * direction[k])) for k in keys)
    np.testing.assert_allclose(analytic, finite_diff, rtol=1e-6,
                               err_msg=f"{what} vs finite differences")
    return loss, grads


def funtorch_sgd_steps(loss_fn, params, data, lr):
    """``(eager_step, jitted_step)``: one SGD step of ``loss_fn(params, *data)`` each,
    carrying the updated parameters from call to call (separately)."""
    import funtorch as ft

    def sgd(params, *data):
        loss, grads = ft.value_and_grad(loss_fn)(params, *data)
        return loss, ft.tree.map(lambda p, g: p - lr * g, params, grads)

    def stepper(update):
        state = {"params": params}

        def step():
            loss, state["params"] = update(state["params"], *data)
            return loss, state["params"]
        return step
    return stepper(sgd), stepper(ft.jit(sgd))


def fetch_loss_and_params(keys):
    """A fetch turning ``(loss, params)`` into a float and a dict of NumPy arrays."""
    def fetch(out):
        loss, params = out
        return float(np.asarray(loss)), {key: np.array(params[key]) for key in keys}
    return fetch
