"""The pure optimizers SGD, Adam and AdamW: ``torch.optim``'s update rules as chains of
transformations (RMSprop, Adagrad, Lion and LAMB: ``optimizers_adaptive.py``; the others:
``optimizers_extra.py``).

Every factory takes PyTorch's keyword names and defaults, validates them with PyTorch's
messages, and returns a ``GradientTransformation`` whose ``update`` checks that the
gradients mirror the parameters. ``lr`` may be a number or a schedule ``step -> lr`` (the
first update uses ``lr(0)``). Keyword-only options shared by all of them:

- ``skip_nonfinite=True``: a step whose gradients hold a nan or an inf changes nothing
  (zero updates, state kept) and is counted in ``state.skipped_steps``; jit-able.
- ``check_finite=True``: such a step raises ``RuntimeError`` naming the gradient's path.
- ``mask``: which parameters ``weight_decay`` applies to, a pytree of bools or a callable
  ``params -> pytree of bools`` (Optax's ``mask``); e.g. no decay on biases and norm
  weights: ``mask=lambda params: ft.tree.map(lambda p: p.ndim > 1, params)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from funtorch.optim import combinators
from funtorch.optim.base import GradientTransformation, chain, check_trees
from funtorch.optim.transforms import (
    add_decayed_weights,
    scale,
    scale_by_adam,
    scale_by_learning_rate,
    trace,
)

__all__ = ["adam", "adamw", "sgd"]


def _check_lr(lr):
    if not callable(lr) and not lr >= 0.0:
        raise ValueError(f"Invalid learning rate: {lr} (lr must be >= 0)")


def _check_nonnegative(value, what, arg):
    if not value >= 0.0:
        raise ValueError(f"Invalid {what} value: {value} ({arg} must be >= 0)")


def _check_betas(betas):
    if len(betas) != 2:
        raise ValueError(f"Invalid betas: {betas} (betas must be a pair (beta1, beta2))")
    for index, beta in enumerate(betas):
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"Invalid beta parameter at index {index}: {beta} "
                             f"(betas[{index}] must be in [0, 1))")


def _finish(name, parts, maximize=False, skip_nonfinite=False, check_finite=False):
    """Chain ``parts`` (after a sign flip if ``maximize``), add the guards, and check the
    gradients' tree against the parameters' at every update."""
    transform = chain(*([scale(-1.0)] if maximize else []), *parts)
    if check_finite:
        transform = combinators.check_finite(transform, f"{name}.update")
    if skip_nonfinite:
        transform = combinators.skip_nonfinite(transform)
    inner_update = transform.update

    def update(grads, state, params=None):
        if params is not None:
            check_trees(grads, params, f"{name}.update")
        return inner_update(grads, state, params)

    return GradientTransformation(transform.init, update)


def sgd(lr: float | Callable[[Any], Any] = 1e-3, momentum: float = 0.0, dampening: float = 0.0,
        weight_decay: float = 0.0, nesterov: bool = False, *, maximize: bool = False,
        mask: Any = None, skip_nonfinite: bool = False,
        check_finite: bool = False) -> GradientTransformation:
    """Stochastic gradient descent with PyTorch's momentum, Nesterov and weight decay.

    .. math::
        g_t \\leftarrow g_t + \\lambda \\theta_{t-1}, \\quad
        b_1 = g_1, \\; b_t = \\mu b_{t-1} + (1 - \\tau) g_t, \\quad
        \\theta_t = \\theta_{t-1} - \\eta \\, (g_t + \\mu b_t \\text{ if nesterov else } b_t)

    Args:
        lr: learning rate :math:`\\eta` (a number or a schedule).
        momentum: :math:`\\mu` (0 disables the buffer).
        dampening: :math:`\\tau`.
        weight_decay: L2 penalty :math:`\\lambda`.
        nesterov: Nesterov momentum (needs ``momentum > 0`` and ``dampening == 0``).
        maximize: ascend instead of descend.
        mask: which parameters ``weight_decay`` applies to: a pytree of bools or a
            callable ``params -> pytree of bools`` (see :func:`masked`).
        skip_nonfinite: make a step whose gradients hold a nan or an inf change nothing
            (counted in ``state.skipped_steps``; see :func:`skip_nonfinite`).
        check_finite: raise ``RuntimeError`` on such a step instead (eager only).

    Returns:
        A ``GradientTransformation``: ``init(params)`` builds the state,
            ``update(grads, state, params)`` returns ``(updates, new_state)``.

    Raises:
        ValueError: a negative ``lr``, ``momentum`` or ``weight_decay``, or nesterov without
            momentum.

    Example:
        >>> opt = ft.optim.sgd(0.1, momentum=0.9, nesterov=True)
        >>> params, grads = {"w": ft.array([1.0, 2.0])}, {"w": ft.array([0.5, -1.0])}
        >>> state = opt.init(params)
        >>> updates, state = opt.update(grads, state, params)
        >>> params = ft.optim.apply_updates(params, updates)
        >>> params["w"].tolist()  # w - 0.1 * (g + 0.9 * g): the buffer starts at g
        [0.905, 2.19]

    References:
        Sutskever et al., "On the importance of initialization and momentum in deep
        learning", ICML 2013; ``torch.optim.SGD``.
    """
    _check_lr(lr)
    _check_nonnegative(momentum, "momentum", "momentum")
    _check_nonnegative(weight_decay, "weight_decay", "weight_decay")
    if nesterov and (momentum <= 0 or dampening != 0):
        raise ValueError("Nesterov momentum requires a momentum and zero dampening")
    parts = [add_decayed_weights(weight_decay, mask)] if weight_decay != 0 else []
    if momentum != 0:
        parts.append(trace(momentum, dampening, nesterov))
    parts.append(scale_by_learning_rate(lr))
    return _finish("sgd", parts, maximize, skip_nonfinite, check_finite)


def _adam_like(name, lr, betas, eps, weight_decay, amsgrad, decoupled, maximize, mask,
               skip_nonfinite, check_finite):
    _check_lr(lr)
    _check_nonnegative(eps, "epsilon", "eps")
    _check_betas(betas)
    _check_nonnegative(weight_decay, "weight_decay", "weight_decay")
    decay = [add_decayed_weights(weight_decay, mask)] if weight_decay != 0 else []
    adam_part = [scale_by_adam(betas[0], betas[1], eps, amsgrad)]
    parts = adam_part + decay if decoupled else decay + adam_part
    parts.append(scale_by_learning_rate(lr))
    return _finish(name, parts, maximize, skip_nonfinite, check_finite)


def adam(lr: float | Callable[[Any], Any] = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
         eps: float = 1e-8, weight_decay: float = 0.0, amsgrad: bool = False, *,
         maximize: bool = False, mask: Any = None, skip_nonfinite: bool = False,
         check_finite: bool = False) -> GradientTransformation:
    """Adam, with PyTorch's L2 ``weight_decay`` (added to the gradient) and ``amsgrad``.

    .. math::
        g_t \\leftarrow g_t + \\lambda \\theta_{t-1}, \\quad
        m_t = \\beta_1 m_{t-1} + (1 - \\beta_1) g_t, \\quad
        v_t = \\beta_2 v_{t-1} + (1 - \\beta_2) g_t^2

        \\theta_t = \\theta_{t-1} - \\frac{\\eta}{1 - \\beta_1^t} \\,
        \\frac{m_t}{\\sqrt{\\hat v_t} / \\sqrt{1 - \\beta_2^t} + \\epsilon}, \\qquad
        \\hat v_t = \\max(\\hat v_{t-1}, v_t) \\text{ (amsgrad) or } v_t

    Args:
        lr: :math:`\\eta` (a number or a schedule).
        betas: :math:`(\\beta_1, \\beta_2)`, each in [0, 1).
        eps: :math:`\\epsilon`, added to the bias-corrected root.
        weight_decay: L2 penalty :math:`\\lambda` (use :func:`adamw` for decoupled decay).
        amsgrad: use the running maximum of :math:`v_t`.
        maximize: ascend instead of descend.

    Returns:
        A ``GradientTransformation``: ``init(params)`` builds the state,
            ``update(grads, state, params)`` returns ``(updates, new_state)``.

    Raises:
        ValueError: ``lr``, ``eps`` or ``weight_decay`` negative, or a beta outside [0, 1).

    Example:
        >>> opt = ft.optim.adam(1e-3)
        >>> params, grads = {"w": ft.array([1.0, 2.0])}, {"w": ft.array([0.5, -1.0])}
        >>> state = opt.init(params)
        >>> updates, state = opt.update(grads, state, params)
        >>> updates["w"].tolist()  # the first step is -lr * sign(g)
        [-0.001, 0.001]

    References:
        Kingma and Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015;
        ``torch.optim.Adam``.
    """
    return _adam_like("adam", lr, betas, eps, weight_decay, amsgrad, False, maximize,
                      mask, skip_nonfinite, check_finite)


def adamw(lr: float | Callable[[Any], Any] = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
          eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False, *,
          maximize: bool = False, mask: Any = None, skip_nonfinite: bool = False,
          check_finite: bool = False) -> GradientTransformation:
    """Adam with decoupled weight decay (PyTorch's ``AdamW``).

    .. math::
        \\theta_t = \\theta_{t-1}(1 - \\eta\\lambda) - \\frac{\\eta}{1 - \\beta_1^t} \\,
        \\frac{m_t}{\\sqrt{\\hat v_t} / \\sqrt{1 - \\beta_2^t} + \\epsilon}

    with :math:`m_t, v_t, \\hat v_t` as in :func:`adam` (without the L2 term).

    Args:
        lr, betas, eps, amsgrad, maximize: as in :func:`adam`.
        weight_decay: decoupled decay :math:`\\lambda` (default 1e-2).

    Returns:
        A ``GradientTransformation``: ``init(params)`` builds the state,
            ``update(grads, state, params)`` returns ``(updates, new_state)``.

    Raises:
        ValueError: as :func:`adam`.

    Example:
        The first step: :math:`\\theta (1 - 0.1 \\cdot 0.5) - 0.1 \\operatorname{sign}(g)`:

        >>> opt = ft.optim.adamw(0.1, weight_decay=0.5)
        >>> w = ft.array([1.0, 2.0])
        >>> step, _ = opt.update(ft.array([0.5, -1.0]), opt.init(w), w)
        >>> ft.optim.apply_updates(w, step).tolist()
        [0.85, 2.0]

        Decay matrices only (not biases or normalisation weights)::

            >>> opt = ft.optim.adamw(1e-3, weight_decay=1e-2,
            ...                      mask=lambda p: ft.tree.map(lambda x: x.ndim > 1, p))

    References:
        Loshchilov and Hutter, "Decoupled Weight Decay Regularization", ICLR 2019;
        ``torch.optim.AdamW``.
    """
    return _adam_like("adamw", lr, betas, eps, weight_decay, amsgrad, True, maximize,
                      mask, skip_nonfinite, check_finite)
