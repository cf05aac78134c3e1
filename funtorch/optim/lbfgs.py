"""L-BFGS: the pure solver ``ft.optim.lbfgs(value_and_grad, ...)``, which the closure-based
``ft.optim.LBFGS`` (``lbfgs_torch.py``) runs: one implementation of ``torch.optim.LBFGS``'s
algorithm (its two-loop recursion, first step ``min(1, 1/|g|_1) lr``, termination tests and
optional strong-Wolfe line search).

The solver runs Python control flow on the loss (a line search, early stops), so it is eager
only: no ``ft.jit`` around ``step``; ``value_and_grad`` itself may be jitted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

import funtorch as ft
from funtorch.optim.lbfgs_search import strong_wolfe

__all__ = ["LBFGSSolver", "LBFGSState", "lbfgs"]


class LBFGSState(NamedTuple):
    """PyTorch LBFGS's state, with its names (the fields that are ``None`` or empty before
    the first step).

    Attributes:
        func_evals: evaluations of the loss so far (an int).
        n_iter: iterations so far (an int).
        d: the last search direction (a flat 1-d array over all parameters).
        t: the last step size (a float).
        old_dirs: the curvature pairs' gradient differences :math:`y_i` (a tuple of flat
            arrays, at most ``history_size``).
        old_stps: the curvature pairs' steps :math:`s_i` (a tuple of flat arrays).
        ro: :math:`1 / (y_i^T s_i)` for each pair (a tuple of floats).
        H_diag: the initial inverse-Hessian scale :math:`y^T s / y^T y` (a float).
        prev_flat_grad: the flat gradient at the last iterate.
        prev_loss: the loss at the last iterate (a float).

    Example:
        One iteration from :math:`w = (1, -2)` on :math:`\\sum w^2`: one evaluation, and
        the first step size is :math:`\\min(1, 1/\\lVert g\\rVert_1) = 1/6`:

        >>> solver = ft.optim.lbfgs(ft.value_and_grad(lambda w: ft.sum(w * w)), max_iter=1)
        >>> w = ft.array([1.0, -2.0])
        >>> w, state, loss = solver.step(w, solver.init(w))
        >>> state.n_iter, state.func_evals, round(state.t, 4)
        (1, 1, 0.1667)
    """
    func_evals: Any = 0
    n_iter: Any = 0
    d: Any = None
    t: Any = None
    old_dirs: Any = ()
    old_stps: Any = ()
    ro: Any = ()
    H_diag: Any = None
    prev_flat_grad: Any = None
    prev_loss: Any = None


class LBFGSSolver(NamedTuple):
    """The pure L-BFGS solver :func:`lbfgs` returns.

    Attributes:
        init: ``params -> state``, an empty :class:`LBFGSState`.
        step: ``(params, state) -> (params, state, loss)``, one PyTorch ``step`` (up to
            ``max_iter`` iterations); ``loss`` is the loss at the parameters passed in
            (what PyTorch's ``step`` returns).

    Example:
        One iteration on :math:`\\sum w^2` from :math:`w = (1, -2)` (gradient
        :math:`(2, -4)`, first step size :math:`1/\\lVert g\\rVert_1 = 1/6`):

        >>> solver = ft.optim.lbfgs(ft.value_and_grad(lambda w: ft.sum(w * w)), max_iter=1)
        >>> w = ft.array([1.0, -2.0])
        >>> w, state, loss = solver.step(w, solver.init(w))
        >>> [round(v, 4) for v in w.tolist()], float(loss)
        ([0.6667, -1.3333], 5.0)
    """
    init: Callable
    step: Callable


def _flatten(params):
    leaves, treedef = ft.tree.flatten(params)
    flat = ft.concatenate([ft.reshape(leaf, (-1,)) for leaf in leaves]) if leaves else None
    return flat, (treedef, [(leaf.shape, leaf.dtype) for leaf in leaves])


def _unflatten(flat, layout):
    treedef, specs = layout
    leaves, offset = [], 0
    for shape, dtype in specs:
        size = int(np.prod(shape))
        leaves.append(ft.reshape(flat[offset:offset + size], shape).astype(dtype))
        offset += size
    return ft.tree.unflatten(treedef, leaves)


def _dot(a, b):
    return float(ft.sum(a * b))


def _direction(g, state, history_size):
    """The two-loop recursion; returns the new direction and the updated history."""
    y, s = g - state.prev_flat_grad, state.d * state.t
    ys = _dot(y, s)
    dirs, stps, ro, h_diag = list(state.old_dirs), list(state.old_stps), list(state.ro), \
        state.H_diag
    if ys > 1e-10:
        if len(dirs) == history_size:
            dirs.pop(0), stps.pop(0), ro.pop(0)
        dirs.append(y), stps.append(s), ro.append(1.0 / ys)
        h_diag = ys / _dot(y, y)
    al = [0.0] * len(dirs)
    q = -g
    for i in range(len(dirs) - 1, -1, -1):
        al[i] = _dot(stps[i], q) * ro[i]
        q = q - al[i] * dirs[i]
    r = q * h_diag
    for i in range(len(dirs)):
        be_i = _dot(dirs[i], r) * ro[i]
        r = r + (al[i] - be_i) * stps[i]
    return r, tuple(dirs), tuple(stps), tuple(ro), h_diag


def lbfgs(value_and_grad: Callable[..., Any], lr: float | Callable[[Any], Any] = 1.0,
          max_iter: int = 20,
          max_eval: int | None = None, tolerance_grad: float = 1e-7,
          tolerance_change: float = 1e-9, history_size: int = 100,
          line_search_fn: str | None = None) -> LBFGSSolver:
    """Limited-memory BFGS as a pure solver with ``torch.optim.LBFGS``'s algorithm.

    Each ``step`` runs up to ``max_iter`` iterations (``max_eval`` evaluations), as one
    PyTorch ``LBFGS.step(closure)``.

    Args:
        value_and_grad: ``params -> (loss, grads)`` (e.g. ``ft.value_and_grad(loss_fn)``);
            ``grads`` mirror ``params``.
        lr: the step size (the first iteration uses ``min(1, 1/|g|_1) lr``).
        max_iter: iterations per step; max_eval: evaluations per step (default
            ``max_iter * 5 // 4``).
        tolerance_grad: stop when ``max|g| <= tolerance_grad``.
        tolerance_change: stop when the step or the loss change falls below it.
        history_size: curvature pairs kept.
        line_search_fn: ``None`` (fixed step ``lr``) or ``"strong_wolfe"``.

    Returns:
        An :class:`LBFGSSolver` ``(init, step)``.

    Raises:
        ValueError: a negative ``lr``, or an unknown ``line_search_fn``.
        TypeError: a schedule as ``lr``.

    Example:
        >>> loss = lambda p: ft.sum((p["w"] - 3.0) ** 2) + ft.sum(p["b"] ** 2)
        >>> solver = ft.optim.lbfgs(ft.value_and_grad(loss), line_search_fn="strong_wolfe")
        >>> params = {"w": ft.zeros((2, 2)), "b": ft.ones(2)}
        >>> state = solver.init(params)
        >>> params, state, value = solver.step(params, state)
        >>> params["w"].tolist()  # the minimum: w = 3, b = 0
        [[3.0, 3.0], [3.0, 3.0]]
        >>> params["b"].tolist()
        [0.0, 0.0]

    References:
        Nocedal and Wright, "Numerical Optimization", 2nd ed., algorithms 7.4 and 3.5;
        ``torch.optim.LBFGS``.
    """
    if callable(lr):
        raise TypeError("lbfgs: lr must be a number (schedules are not supported)")
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr} (lr must be >= 0)")
    if line_search_fn not in (None, "strong_wolfe"):
        raise ValueError(f"lbfgs: line_search_fn must be None or 'strong_wolfe', got "
                         f"{line_search_fn!r}")
    max_eval = max_iter * 5 // 4 if max_eval is None else max_eval

    def init(params):
        return LBFGSState()

    def evaluate(flat, layout):
        loss, grads = value_and_grad(_unflatten(flat, layout))
        flat_grad, _ = _flatten(grads)
        return float(loss), flat_grad.astype(flat.dtype), loss

    def step(params, state):
        if value_and_grad is None:
            raise TypeError("lbfgs: value_and_grad is None; pass params -> (loss, grads)")
        x, layout = _flatten(params)
        loss, g, orig_loss = evaluate(x, layout)
        evals, total_evals = 1, state.func_evals + 1
        if float(ft.max(ft.abs(g))) <= tolerance_grad:
            return params, state._replace(func_evals=total_evals), orig_loss
        s = state
        n_iter, count = 0, state.n_iter
        while n_iter < max_iter:
            n_iter += 1
            count += 1
            if count == 1:
                d, dirs, stps, ro, h_diag = -g, (), (), (), 1.0
            else:
                d, dirs, stps, ro, h_diag = _direction(g, s, history_size)
            prev_flat_grad, prev_loss = g, loss
            t = min(1.0, 1.0 / float(ft.sum(ft.abs(g)))) * lr if count == 1 else lr
            gtd = _dot(g, d)
            if gtd > -tolerance_change:
                s = s._replace(d=d, t=t, old_dirs=dirs, old_stps=stps, ro=ro, H_diag=h_diag,
                               prev_flat_grad=prev_flat_grad, prev_loss=prev_loss)
                break
            ls_evals = 0
            opt_cond = False
            if line_search_fn is not None:
                base = x
                loss, g, t, ls_evals = strong_wolfe(
                    lambda step_size: evaluate(base + step_size * d, layout)[:2], t, d, loss,
                    g, gtd, max_ls=max_eval - evals)
                x = x + t * d
                opt_cond = float(ft.max(ft.abs(g))) <= tolerance_grad
            else:
                x = x + t * d
                if n_iter != max_iter:
                    loss, g, _ = evaluate(x, layout)
                    opt_cond = float(ft.max(ft.abs(g))) <= tolerance_grad
                    ls_evals = 1
            evals += ls_evals
            total_evals += ls_evals
            s = s._replace(d=d, t=t, old_dirs=dirs, old_stps=stps, ro=ro, H_diag=h_diag,
                           prev_flat_grad=prev_flat_grad, prev_loss=prev_loss)
            if (n_iter == max_iter or evals >= max_eval or opt_cond
                    or float(ft.max(ft.abs(d * t))) <= tolerance_change
                    or abs(loss - prev_loss) < tolerance_change):
                break
        s = s._replace(func_evals=total_evals, n_iter=count)
        return _unflatten(x, layout), s, orig_loss

    return LBFGSSolver(init, step)
