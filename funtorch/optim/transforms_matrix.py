"""The update rules of ``torch.optim``'s Adafactor (factored second moments) and Muon
(Newton-Schulz orthogonalised momentum) as transformations: the two rules that look at a
parameter's matrix shape. Conventions as in ``transforms_extra.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

import funtorch as ft
from funtorch.optim.base import GradientTransformation, cast_like, require_params, zero_count
from funtorch.optim.transforms_extra import _f64, _lerp, _lr_at, _zeros
from funtorch.typing import Array, ArrayLike

__all__ = ["ScaleByAdafactorState", "ScaleByMuonState", "newton_schulz", "scale_by_adafactor",
           "scale_by_muon"]


class ScaleByAdafactorState(NamedTuple):
    """PyTorch Adafactor's per-parameter state (:func:`scale_by_adafactor`); an entry is
    ``None`` where a parameter has no such field.

    Attributes:
        step: a 0-d int64 array, the number of updates taken.
        row_var: for arrays of 2 or more dimensions, the running mean of the squared
            gradients over the last axis (shape ``p.shape[:-1] + (1,)``), else ``None``.
        col_var: for arrays of 2 or more dimensions, the running mean over the
            second-to-last axis (shape ``p.shape[:-2] + (1, p.shape[-1])``), else ``None``.
        variance: for 0-d and 1-d arrays, the running mean of the squared gradients
            (``p``'s shape), else ``None``.

    Example:
        >>> ft.optim.scale_by_adafactor().init({"w": ft.zeros((2, 2))})._fields
        ('step', 'row_var', 'col_var', 'variance')
    """
    step: Any
    row_var: Any
    col_var: Any
    variance: Any


class ScaleByMuonState(NamedTuple):
    """PyTorch Muon's state (:func:`scale_by_muon`).

    Attributes:
        momentum_buffer: :math:`b_t`, the moving average of the gradients (a pytree like
            params).

    Example:
        >>> ft.optim.scale_by_muon().init({"w": ft.zeros((2, 2))})._fields
        ('momentum_buffer',)
    """
    momentum_buffer: Any


def _norm(x, axis=None):
    """The 2-norm in ``x``'s dtype (as PyTorch's ``norm``), over ``axis`` kept as size 1."""
    if axis is None:
        return ft.sqrt(ft.sum(x * x))
    return ft.sqrt(ft.sum(x * x, axis=axis, keepdims=True))


def scale_by_adafactor(lr: float | Callable[[Any], Any] = 1e-2, beta2_decay: float = -0.8,
                       eps: tuple[float | None, float] = (None, 1e-3), d: float = 1.0,
                       weight_decay: float = 0.0) -> GradientTransformation:
    """PyTorch's Adafactor update (already scaled, decoupled weight decay included).

    .. math::
        \\hat\\beta_{2,t} = 1 - t^{c}, \\quad \\rho_t = \\min(lr, 1/\\sqrt t), \\quad
        \\alpha_t = \\max(\\epsilon_2, \\mathrm{RMS}(\\theta)) \\rho_t

    Second moments are factored into row and column averages for arrays with two or
    more dimensions; the update :math:`g / \\sqrt{\\hat V}` is clipped to RMS ``d``:

    .. math::
        \\hat V_t = \\hat\\beta_{2,t} \\hat V_{t-1} + (1 - \\hat\\beta_{2,t}) g_t^2, \\quad
        d_t = g_t / \\sqrt{\\hat V_t}, \\quad
        u_t = -\\alpha_t \\frac{d_t}{\\max(1, \\mathrm{RMS}(d_t) / d)} - lr \\, \\lambda \\theta

    (factored: :math:`\\hat V = R C / \\operatorname{mean}(R)` from the row and column
    averages :math:`R`, :math:`C` of :math:`g^2`).

    Args:
        lr: the relative step size cap, a number or a schedule ``step -> lr``.
        beta2_decay: :math:`c`, the exponent of the second-moment decay rate.
        eps: :math:`(\\epsilon_1, \\epsilon_2)`: the floor of the second moments (``None``:
            the parameter dtype's machine epsilon) and of :math:`\\mathrm{RMS}(\\theta)`.
        d: the clipping threshold of the update's RMS.
        weight_decay: :math:`\\lambda`, decoupled weight decay (scaled by ``lr``).

    Returns:
        A ``GradientTransformation`` whose state is a :class:`ScaleByAdafactorState`; the
        updates (already negated and scaled: add them to the parameters) have the
        gradients' shapes and dtypes. ``update`` needs ``params``.

    Example:
        On the first step :math:`\\hat\\beta_{2,1} = 0`, so :math:`\\hat V = g^2` and
        :math:`d = \\operatorname{sign}(g)`; with :math:`\\mathrm{RMS}(\\theta) = 1` the
        step is :math:`-lr \\operatorname{sign}(g)`:

        >>> tx = ft.optim.scale_by_adafactor(0.1)
        >>> params = {"w": ft.array([1.0, -1.0])}
        >>> updates, state = tx.update({"w": ft.array([2.0, -0.5])}, tx.init(params), params)
        >>> [round(u, 4) for u in updates["w"].tolist()]
        [-0.1, 0.1]

    References:
        Shazeer and Stern, "Adafactor: Adaptive Learning Rates with Sublinear Memory Cost",
        ICML 2018.
    """
    eps1, eps2 = eps

    def init(params):
        def row(p):
            return ft.zeros(p.shape[:-1] + (1,), dtype=p.dtype) if p.ndim > 1 else None

        def col(p):
            return ft.zeros(p.shape[:-2] + (1, p.shape[-1]), dtype=p.dtype) if p.ndim > 1 \
                else None

        def var(p):
            return None if p.ndim > 1 else ft.zeros_like(p)
        return ScaleByAdafactorState(zero_count(params), ft.tree.map(row, params),
                                     ft.tree.map(col, params), ft.tree.map(var, params))

    def update(updates, state, params=None):
        require_params(params, "scale_by_adafactor")
        step = state.step + 1
        t = _f64(step)
        rate = _lr_at(lr, state.step)
        beta_t = t ** beta2_decay
        rho = ft.minimum(rate, 1 / t ** 0.5)

        def one(g, p, row_var, col_var, variance):
            tiny = np.finfo(np.dtype(str(p.dtype))).eps if eps1 is None else eps1
            size = max(int(np.prod(p.shape)), 1)
            rms = _norm(p).astype(ft.float64) / size ** 0.5
            alpha = ft.maximum(ft.asarray(eps2, dtype=ft.float64), rms) * rho
            w = cast_like(beta_t, g)
            if p.ndim > 1:
                row_var = _lerp(row_var, _norm(g, -1) ** 2 / g.shape[-1], w)
                col_var = _lerp(col_var, _norm(g, -2) ** 2 / g.shape[-2], w)
                estimate = (row_var @ col_var) / ft.maximum(
                    ft.mean(row_var, axis=-2, keepdims=True), tiny)
            else:
                variance = _lerp(variance, g * g, w)
                estimate = variance
            direction = g / ft.sqrt(ft.maximum(estimate, tiny * tiny))
            norm = _norm(direction).astype(ft.float64)
            denom = ft.maximum(ft.asarray(1.0, dtype=ft.float64), norm / (size ** 0.5 * d))
            step_vec = direction * cast_like(-alpha / denom, direction)
            if weight_decay != 0:
                step_vec = step_vec - cast_like(rate * weight_decay, p) * p
            return step_vec, row_var, col_var, variance

        is_none = lambda v: v is None  # noqa: E731
        out = ft.tree.map(one, updates, params, state.row_var, state.col_var, state.variance,
                          is_leaf=is_none)
        is_out = lambda o: isinstance(o, tuple)  # noqa: E731
        parts = [ft.tree.map(lambda o, i=i: o[i], out, is_leaf=is_out) for i in range(4)]
        return parts[0], ScaleByAdafactorState(step, *parts[1:])

    return GradientTransformation(init, update)


def newton_schulz(matrix: ArrayLike,
                  coefficients: tuple[float, float, float] = (3.4445, -4.7750, 2.0315),
                  steps: int = 5, eps: float = 1e-7) -> Array:
    """Muon's quintic Newton-Schulz iteration: an approximate orthogonalisation
    :math:`U S' V^T` of a matrix :math:`U S V^T` (in the matrix's own dtype).

    Args:
        matrix: a 2-d array.
        coefficients: :math:`(a, b, c)` of :math:`X \\leftarrow aX + (bA + cA^2)X`,
            :math:`A = XX^T`.
        steps: iterations (fewer than 100).
        eps: lower bound of the Frobenius norm the matrix is divided by.

    Returns:
        An array of ``matrix``'s shape and dtype whose singular values are pushed towards
        1 (to roughly :math:`[0.7, 1.2]`; the coefficients trade accuracy for speed).

    Raises:
        ValueError: ``steps >= 100`` or ``matrix`` is not 2-d.

    Example:
        ``diag(3, 4)`` is scaled to ``diag(0.6, 0.8)``, then each diagonal entry goes
        through :math:`s \\leftarrow as + bs^3 + cs^5` five times:

        >>> x = ft.optim.newton_schulz(ft.array([[3.0, 0.0], [0.0, 4.0]]))
        >>> [round(v, 3) for v in ft.diagonal(x).tolist()]
        [0.723, 1.119]
    """
    if steps >= 100:
        raise ValueError(f"newton_schulz: steps must be less than 100, got {steps}")
    if matrix.ndim != 2:
        raise ValueError(f"newton_schulz: expected a 2-d matrix, got shape {matrix.shape}")
    a, b, c = coefficients
    tall = matrix.shape[0] > matrix.shape[1]
    x = matrix.T if tall else matrix
    x = x / ft.maximum(ft.sqrt(ft.sum(x * x)), eps)
    for _ in range(steps):
        gram = x @ x.T
        x = a * x + (b * gram + c * (gram @ gram)) @ x
    return x.T if tall else x


def scale_by_muon(lr: float | Callable[[Any], Any] = 1e-3, weight_decay: float = 0.1,
                  momentum: float = 0.95, nesterov: bool = True,
                  ns_coefficients: tuple[float, float, float] = (3.4445, -4.7750, 2.0315),
                  eps: float = 1e-7,
                  ns_steps: int = 5, adjust_lr_fn: str | None = None) -> GradientTransformation:
    """Muon's update (already scaled): momentum, Newton-Schulz orthogonalisation, the
    shape-adjusted learning rate, decoupled weight decay. 2-d parameters only; ``lr`` is
    a number.

    .. math::
        b_t = \\mu b_{t-1} + (1 - \\mu) g_t, \\quad
        O_t = \\operatorname{NS}(\\mu b_t + (1 - \\mu) g_t \\text{ (nesterov) or } b_t),
        \\quad u_t = -lr \\, \\lambda \\theta - lr \\, r \\, O_t

    with :math:`\\operatorname{NS}` :func:`newton_schulz` and :math:`r =
    \\sqrt{\\max(1, \\text{rows}/\\text{cols})}` (``"original"``) or
    :math:`0.2\\sqrt{\\max(\\text{rows}, \\text{cols})}` (``"match_rms_adamw"``).

    Args:
        lr: the learning rate (a number).
        weight_decay: :math:`\\lambda`, decoupled weight decay.
        momentum: :math:`\\mu`.
        nesterov: orthogonalise the Nesterov lookahead instead of the buffer.
        ns_coefficients: the :math:`(a, b, c)` of :func:`newton_schulz`.
        eps: the lower bound of the norm in :func:`newton_schulz`.
        ns_steps: the number of Newton-Schulz iterations.
        adjust_lr_fn: ``None`` or ``"original"``, or ``"match_rms_adamw"`` (the factor
            :math:`r`).

    Returns:
        A ``GradientTransformation`` whose state is a :class:`ScaleByMuonState`; the
        updates (already negated and scaled) have the gradients' shapes and dtypes.
        ``update`` needs ``params``.

    Raises:
        ValueError: at ``update``, a parameter is not 2-d.

    Example:
        From zero parameters, without weight decay, the first step is :math:`-lr` times
        the Newton-Schulz image of the gradient (it normalises, so the momentum's scale
        does not matter); for ``diag(3, 4)`` that is ``diag(0.723, 1.119)``:

        >>> tx = ft.optim.scale_by_muon(lr=0.5, weight_decay=0.0)
        >>> params = {"w": ft.zeros((2, 2))}
        >>> grads = {"w": ft.array([[3.0, 0.0], [0.0, 4.0]])}
        >>> updates, state = tx.update(grads, tx.init(params), params)
        >>> [round(v, 3) for v in ft.diagonal(updates["w"]).tolist()]
        [-0.361, -0.56]

    References:
        Jordan et al., "Muon: An optimizer for hidden layers in neural networks", 2024;
        Liu et al., "Muon is Scalable for LLM Training", 2025 (``match_rms_adamw``).
    """
    def init(params):
        return ScaleByMuonState(_zeros(params))

    def update(updates, state, params=None):
        require_params(params, "scale_by_muon")
        buffer = ft.tree.map(lambda b, g: _lerp(b, g, 1 - momentum), state.momentum_buffer,
                             updates)

        def one(g, b, p):
            if g.ndim != 2:
                raise ValueError(f"muon: parameters must be 2-d matrices, got shape {g.shape}")
            direction = _lerp(g, b, momentum) if nesterov else b
            ortho = newton_schulz(direction, ns_coefficients, ns_steps, eps)
            rows, cols = p.shape
            ratio = (max(1, rows / cols) ** 0.5 if adjust_lr_fn in (None, "original")
                     else 0.2 * max(rows, cols) ** 0.5)
            return -cast_like(lr * weight_decay, p) * p - cast_like(lr * ratio, p) * ortho

        return ft.tree.map(one, updates, buffer, params), ScaleByMuonState(buffer)

    return GradientTransformation(init, update)
