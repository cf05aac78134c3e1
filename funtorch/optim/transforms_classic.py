"""The update rules of ``torch.optim``'s Adadelta, Rprop and ASGD as transformations (split
from ``transforms_extra.py``; the factories in ``optimizers_extra.py`` chain them).

The conventions of ``transforms.py`` hold: PyTorch's operation order, state fields named as
PyTorch's per-parameter state, step-dependent scalars in float64 cast to each update's
dtype, branches on the step as ``ft.where`` (the updates trace under ``ft.jit``). Rprop's
initial step size and ASGD's eta may be a number or a schedule ``step -> lr``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import funtorch as ft
from funtorch.optim.base import GradientTransformation, cast_like, require_params, zero_count
from funtorch.optim.transforms_extra import _f64, _lr_at, _zeros

__all__ = [
    "ScaleByAdadeltaState", "ScaleByAsgdState", "ScaleByRpropState", "scale_by_adadelta",
    "scale_by_asgd", "scale_by_rprop",
]


class ScaleByAdadeltaState(NamedTuple):
    """PyTorch Adadelta's per-parameter state (:func:`scale_by_adadelta`).

    Attributes:
        step: a 0-d int64 array, the number of updates taken.
        square_avg: :math:`S_t`, the running average of the squared gradients (a pytree
            like params).
        acc_delta: :math:`A_t`, the running average of the squared directions.

    Example:
        >>> ft.optim.scale_by_adadelta().init({"w": ft.zeros((2, 2))})._fields
        ('step', 'square_avg', 'acc_delta')
    """
    step: Any
    square_avg: Any
    acc_delta: Any


class ScaleByRpropState(NamedTuple):
    """PyTorch Rprop's per-parameter state (:func:`scale_by_rprop`).

    Attributes:
        step: a 0-d int64 array, the number of updates taken.
        prev: the previous gradient, zeroed where its sign had flipped (a pytree like
            params).
        step_size: the per-element step sizes (a pytree like params).

    Example:
        >>> ft.optim.scale_by_rprop().init({"w": ft.zeros((2, 2))})._fields
        ('step', 'prev', 'step_size')
    """
    step: Any
    prev: Any
    step_size: Any


class ScaleByAsgdState(NamedTuple):
    """PyTorch ASGD's state (:func:`scale_by_asgd`).

    Attributes:
        step: a 0-d int64 array, the number of updates taken.
        eta: :math:`\\eta_t`, the step size of the next update (a 0-d float64 array).
        mu: :math:`\\mu_t`, the averaging rate of the next update (a 0-d float64 array).
        ax: the averaged parameters (a pytree like params).

    Example:
        >>> ft.optim.scale_by_asgd().init({"w": ft.zeros((2, 2))})._fields
        ('step', 'eta', 'mu', 'ax')
    """
    step: Any
    eta: Any
    mu: Any
    ax: Any


def scale_by_adadelta(rho: float = 0.9, eps: float = 1e-6) -> GradientTransformation:
    """Adadelta's direction :math:`\\sqrt{A_{t-1} + \\epsilon} / \\sqrt{S_t + \\epsilon}
    \\, g_t`, with running averages :math:`S` of squared gradients and :math:`A` of squared
    directions:

    .. math::
        S_t = \\rho S_{t-1} + (1 - \\rho) g_t^2, \\quad
        u_t = \\frac{\\sqrt{A_{t-1} + \\epsilon}}{\\sqrt{S_t + \\epsilon}} g_t, \\quad
        A_t = \\rho A_{t-1} + (1 - \\rho) u_t^2

    Args:
        rho: :math:`\\rho`, the decay rate of both running averages.
        eps: :math:`\\epsilon`, added inside both square roots.

    Returns:
        A ``GradientTransformation`` whose state is a :class:`ScaleByAdadeltaState`; the
        updates have the gradients' shapes and dtypes (scale by ``-lr`` afterwards).

    Example:
        With :math:`\\rho = 0.5`, :math:`\\epsilon = 1` and :math:`g = 4`:
        :math:`S_1 = 8`, :math:`u = \\sqrt{1} / \\sqrt{9} \\cdot 4 = 4/3` and
        :math:`A_1 = 0.5 \\cdot 16/9`:

        >>> tx = ft.optim.scale_by_adadelta(rho=0.5, eps=1.0)
        >>> grads = {"w": ft.array([4.0])}
        >>> updates, state = tx.update(grads, tx.init(grads))
        >>> round(updates["w"].item(), 4), round(state.acc_delta["w"].item(), 4)
        (1.3333, 0.8889)

    References:
        Zeiler, "ADADELTA: An Adaptive Learning Rate Method", 2012.
    """
    def init(params):
        return ScaleByAdadeltaState(zero_count(params), _zeros(params), _zeros(params))

    def update(updates, state, params=None):
        square_avg = ft.tree.map(lambda s, g: s * rho + (1 - rho) * g * g, state.square_avg,
                                 updates)
        delta = ft.tree.map(lambda a, s, g: ft.sqrt(a + eps) / ft.sqrt(s + eps) * g,
                            state.acc_delta, square_avg, updates)
        acc_delta = ft.tree.map(lambda a, d: a * rho + (1 - rho) * d * d, state.acc_delta,
                                delta)
        return delta, ScaleByAdadeltaState(state.step + 1, square_avg, acc_delta)

    return GradientTransformation(init, update)


def scale_by_rprop(lr: float | Callable[[Any], Any] = 1e-2, etas: tuple[float, float] = (0.5, 1.2),
                   step_sizes: tuple[float, float] = (1e-6, 50.0)) -> GradientTransformation:
    """Rprop's signed steps (scale by ``-1`` afterwards): each element's step size grows by
    ``etas[1]`` while its gradient keeps its sign and shrinks by ``etas[0]`` (skipping that
    element's move) when the sign flips; step sizes start at ``lr``.

    .. math::
        \\eta_t = \\operatorname{clip}(\\eta_{t-1} \\cdot
        \\begin{cases} \\eta_+ & g_t g_{t-1} > 0 \\\\ \\eta_- & g_t g_{t-1} < 0 \\\\
        1 & \\text{else} \\end{cases}, \\Gamma_{\\min}, \\Gamma_{\\max}), \\quad
        u_t = \\operatorname{sign}(g_t) \\, \\eta_t

    (:math:`g_t` set to 0 where the sign flipped, which also makes it the next step's
    :math:`g_{t-1}`).

    Args:
        lr: the initial step size :math:`\\eta_0`, a number or a schedule ``step -> lr``
            (called once, at ``init``, with 0).
        etas: :math:`(\\eta_-, \\eta_+)`, the factors that shrink and grow a step size.
        step_sizes: :math:`(\\Gamma_{\\min}, \\Gamma_{\\max})`, the bounds of the step
            sizes.

    Returns:
        A ``GradientTransformation`` whose state is a :class:`ScaleByRpropState`; the
        updates have the gradients' shapes and dtypes.

    Example:
        The first step moves by ``lr``; on the second the first element keeps its sign
        (its step grows to :math:`0.1 \\cdot 1.2`) and the second flips (no move):

        >>> tx = ft.optim.scale_by_rprop(0.1)
        >>> state = tx.init({"w": ft.zeros(2)})
        >>> first, state = tx.update({"w": ft.array([1.0, 1.0])}, state)
        >>> second, state = tx.update({"w": ft.array([2.0, -3.0])}, state)
        >>> [round(u, 4) for u in first["w"].tolist() + second["w"].tolist()]
        [0.1, 0.1, 0.12, 0.0]

    References:
        Riedmiller and Braun, "A direct adaptive method for faster backpropagation
        learning: the RPROP algorithm", ICNN 1993.
    """
    etaminus, etaplus = etas
    lo, hi = step_sizes

    def init(params):
        count = zero_count(params)
        start = _lr_at(lr, count)
        return ScaleByRpropState(count, _zeros(params),
                                 ft.tree.map(lambda p: ft.full_like(p, 0) + cast_like(start, p),
                                             params))

    def update(updates, state, params=None):
        def one(g, prev, size):
            sign = ft.sign(g * prev)
            factor = ft.where(sign > 0, etaplus, ft.where(sign < 0, etaminus, 1.0))
            factor = factor.astype(size.dtype)
            size = ft.clip(size * factor, lo, hi)
            g = ft.where(factor == cast_like(etaminus, factor), 0, g)
            return ft.sign(g) * size, g, size

        out = ft.tree.map(one, updates, state.prev, state.step_size)
        pick = [ft.tree.map(lambda o, i=i: o[i], out, is_leaf=lambda o: isinstance(o, tuple))
                for i in range(3)]
        return pick[0], ScaleByRpropState(state.step + 1, pick[1], pick[2])

    return GradientTransformation(init, update)


def scale_by_asgd(lr: float | Callable[[Any], Any] = 1e-2, lambd: float = 1e-4,
                  alpha: float = 0.75, t0: float = 1e6) -> GradientTransformation:
    """ASGD's update (already scaled): :math:`u_t = -\\lambda\\eta_t\\theta - \\eta_t g_t`,
    then the average ``ax`` moves towards the new parameters at rate :math:`\\mu_t`, and
    :math:`\\eta_{t+1} = lr / (1 + \\lambda \\, lr \\, t)^{\\alpha}`,
    :math:`\\mu_{t+1} = 1 / \\max(1, t - t_0)`.

    Args:
        lr: the learning rate (:math:`\\eta_1`), a number or a schedule ``step -> lr``.
        lambd: :math:`\\lambda`, the decay term.
        alpha: :math:`\\alpha`, the power of the step-size decay.
        t0: :math:`t_0`, the step at which averaging starts.

    Returns:
        A ``GradientTransformation`` whose state is a :class:`ScaleByAsgdState`; the
        updates (already negated and scaled: add them to the parameters) have the
        gradients' shapes and dtypes. ``update`` needs ``params``.

    Example:
        With :math:`\\eta_1 = 0.1`, :math:`\\lambda = 0.5`, :math:`\\theta = 2` and
        :math:`g = 1`: :math:`u = -0.05 \\cdot 2 - 0.1 \\cdot 1 = -0.2`, and the average
        starts at the new parameter, 1.8:

        >>> tx = ft.optim.scale_by_asgd(0.1, lambd=0.5)
        >>> params = {"w": ft.array([2.0])}
        >>> updates, state = tx.update({"w": ft.array([1.0])}, tx.init(params), params)
        >>> round(updates["w"].item(), 4), round(state.ax["w"].item(), 4)
        (-0.2, 1.8)

    References:
        Polyak and Juditsky, "Acceleration of Stochastic Approximation by Averaging",
        SIAM J. Control Optim. 1992.
    """
    def init(params):
        count = zero_count(params)
        return ScaleByAsgdState(count, _lr_at(lr, count),
                                ft.ones((), dtype=ft.float64, device=count.device),
                                _zeros(params))

    def update(updates, state, params=None):
        require_params(params, "scale_by_asgd")
        step = state.step + 1
        eta = state.eta

        def move(g, p):
            new = p * (1 - lambd * cast_like(eta, p)) - cast_like(eta, g) * g
            return new - p, new

        out = ft.tree.map(move, updates, params)
        is_pair = lambda o: isinstance(o, tuple)  # noqa: E731
        updates = ft.tree.map(lambda o: o[0], out, is_leaf=is_pair)
        new_params = ft.tree.map(lambda o: o[1], out, is_leaf=is_pair)
        ax = ft.tree.map(lambda a, p: ft.where(state.mu == 1, p,
                                               a + (p - a) * cast_like(state.mu, p)),
                         state.ax, new_params)
        t = _f64(step)
        rate = _lr_at(lr, state.step)
        new_eta = rate / (1 + lambd * rate * t) ** alpha
        new_mu = 1 / ft.maximum(ft.asarray(1.0, dtype=ft.float64), t - t0)
        return updates, ScaleByAsgdState(step, new_eta, new_mu, ax)

    return GradientTransformation(init, update)
