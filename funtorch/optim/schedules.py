"""Learning-rate schedules: pure functions ``step -> value`` (Optax's names and argument
order, without the ``_schedule`` suffix).

A schedule accepts a Python int or a 0-d integer array (the step counter an optimizer
keeps in its state) and returns a 0-d float64 array on the step's device, built from
``ft`` ops only, so a schedule runs under ``ft.jit`` with the optimizer around it. Pass one
as ``lr`` to any pure optimizer: the first update uses ``schedule(0)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import funtorch as ft

__all__ = [
    "constant",
    "cosine_decay",
    "exponential_decay",
    "join",
    "linear",
    "piecewise_constant",
    "warmup_cosine_decay",
]

Schedule = Callable[[object], ft.Array]


def _as_float(step):
    if isinstance(step, ft.Array):
        return step.astype(ft.float64)
    return ft.asarray(step, dtype=ft.float64)


def constant(value: float) -> Schedule:
    """The schedule that always returns ``value``.

    Args:
        value: the value at every step.

    Returns:
        A schedule: ``step -> 0-d float64 array``.

    Example:
        >>> ft.optim.constant(0.1)(5)
        array(0.1, dtype=float64)
    """
    return lambda step: ft.full_like(_as_float(step), value)


def linear(init_value: float, end_value: float, transition_steps: int,
           transition_begin: int = 0) -> Schedule:
    """Interpolate linearly from ``init_value`` to ``end_value`` over ``transition_steps``
    steps (starting at ``transition_begin``), then stay at ``end_value``.

    .. math::
        s(t) = v_0 + (v_1 - v_0) \\frac{\\min(\\max(t - t_0, 0), T)}{T}

    A non-positive ``transition_steps`` gives the constant ``init_value`` (as Optax).

    Args:
        init_value: :math:`v_0`, the value up to ``transition_begin``.
        end_value: :math:`v_1`, the value from ``transition_begin + transition_steps`` on.
        transition_steps: :math:`T`, the length of the ramp.
        transition_begin: :math:`t_0`, the step the ramp starts at.

    Returns:
        A schedule: ``step -> 0-d float64 array``.

    Example:
        >>> ft.optim.linear(1.0, 0.0, 10)(5)
        array(0.5, dtype=float64)
    """
    if transition_steps <= 0:
        return constant(init_value)

    def schedule(step):
        count = ft.clip(_as_float(step) - transition_begin, 0.0, float(transition_steps))
        return (init_value - end_value) * (1 - count / transition_steps) + end_value

    return schedule


def cosine_decay(init_value: float, decay_steps: int, alpha: float = 0.0,
                 exponent: float = 1.0) -> Schedule:
    """Cosine decay from ``init_value`` to ``alpha * init_value`` over ``decay_steps``.

    .. math::
        s(t) = v_0 \\left((1 - \\alpha) \\left(\\tfrac{1}{2}(1 + \\cos(\\pi
        \\min(t, T) / T))\\right)^p + \\alpha\\right)

    Args:
        init_value: :math:`v_0`, the value at step 0.
        decay_steps: :math:`T`, the step from which the value stays at
            :math:`\\alpha v_0`.
        alpha: :math:`\\alpha`, the final value as a fraction of ``init_value``.
        exponent: :math:`p`, the power of the cosine factor.

    Returns:
        A schedule: ``step -> 0-d float64 array``.

    Raises:
        ValueError: ``decay_steps <= 0``.

    Example:
        >>> ft.optim.cosine_decay(1.0, 10)(5)
        array(0.5, dtype=float64)

    References:
        Loshchilov and Hutter, "SGDR: Stochastic Gradient Descent with Warm Restarts",
        ICLR 2017.
    """
    if not decay_steps > 0:
        raise ValueError(f"cosine_decay: decay_steps must be > 0, got {decay_steps}")

    def schedule(step):
        count = ft.minimum(_as_float(step), float(decay_steps))
        cosine = 0.5 * (1 + ft.cos(math.pi * count / decay_steps))
        return init_value * ((1 - alpha) * cosine ** exponent + alpha)

    return schedule


def warmup_cosine_decay(init_value: float, peak_value: float, warmup_steps: int,
                        decay_steps: int, end_value: float = 0.0,
                        exponent: float = 1.0) -> Schedule:
    """Linear warmup from ``init_value`` to ``peak_value`` over ``warmup_steps``, then
    cosine decay to ``end_value``; ``decay_steps`` counts the warmup (Optax's convention).

    Args:
        init_value: the value at step 0.
        peak_value: the value at ``warmup_steps``, where the decay starts.
        warmup_steps: the length of the linear warmup.
        decay_steps: the step from which the value stays at ``end_value``.
        end_value: the final value.
        exponent: the power of the cosine factor (see :func:`cosine_decay`).

    Returns:
        A schedule: ``step -> 0-d float64 array``.

    Raises:
        ValueError: ``decay_steps <= warmup_steps``.

    Example:
        >>> sched = ft.optim.warmup_cosine_decay(0.0, 1.0, 10, 110)
        >>> float(sched(10)), float(sched(60))
        (1.0, 0.5)
    """
    if not decay_steps > warmup_steps:
        raise ValueError(f"warmup_cosine_decay: decay_steps ({decay_steps}) must be greater "
                         f"than warmup_steps ({warmup_steps}); decay_steps includes the warmup")
    alpha = 0.0 if peak_value == 0.0 else end_value / peak_value
    return join([linear(init_value, peak_value, warmup_steps),
                 cosine_decay(peak_value, decay_steps - warmup_steps, alpha, exponent)],
                [warmup_steps])


def exponential_decay(init_value: float, transition_steps: int, decay_rate: float,
                      transition_begin: int = 0, staircase: bool = False,
                      end_value: float | None = None) -> Schedule:
    """Exponential decay: ``init_value`` until ``transition_begin``, then

    .. math::
        s(t) = v_0 \\, r^{(t - t_0) / T} \\quad (\\lfloor (t - t_0) / T \\rfloor
        \\text{ with staircase})

    bounded by ``end_value`` (a floor when ``decay_rate < 1``, a ceiling otherwise).

    Args:
        init_value: :math:`v_0`.
        transition_steps: :math:`T`, the steps over which the value is multiplied by
            ``decay_rate``.
        decay_rate: :math:`r > 0`.
        transition_begin: :math:`t_0`, the step the decay starts at.
        staircase: decay in whole multiples of ``transition_steps`` (a step function).
        end_value: the bound of the value, or None for no bound.

    Returns:
        A schedule: ``step -> 0-d float64 array``.

    Raises:
        ValueError: ``transition_steps <= 0`` or ``decay_rate <= 0``.

    Example:
        >>> ft.optim.exponential_decay(1.0, 10, 0.5)(20)
        array(0.25, dtype=float64)
        >>> sched = ft.optim.exponential_decay(1.0, 10, 0.5, staircase=True, end_value=0.3)
        >>> [float(sched(t)) for t in (9, 10, 25)]
        [1.0, 0.5, 0.3]
    """
    if not transition_steps > 0:
        raise ValueError(f"exponential_decay: transition_steps must be > 0, got "
                         f"{transition_steps}")
    if not decay_rate > 0:
        raise ValueError(f"exponential_decay: decay_rate must be > 0, got {decay_rate}")

    def schedule(step):
        count = _as_float(step) - transition_begin
        power = count / transition_steps
        if staircase:
            power = ft.floor(power)
        value = ft.where(count <= 0, init_value, init_value * decay_rate ** power)
        if end_value is not None:
            value = (ft.maximum if decay_rate < 1 else ft.minimum)(value, end_value)
        return value

    return schedule


def piecewise_constant(init_value: float, boundaries_and_scales: dict | None = None
                       ) -> Schedule:
    """``init_value``, multiplied by ``scale`` from each ``boundary`` step on.

    Args:
        init_value: the value before the first boundary.
        boundaries_and_scales: ``{boundary_step: scale}``; scales accumulate.

    Returns:
        A schedule: ``step -> 0-d float64 array``.

    Raises:
        ValueError: a negative boundary.

    Example:
        >>> sched = ft.optim.piecewise_constant(1.0, {10: 0.1, 20: 0.5})
        >>> [float(sched(t)) for t in (9, 10, 20)]
        [1.0, 0.1, 0.05]
    """
    items = sorted((boundaries_and_scales or {}).items())
    for boundary, _ in items:
        if boundary < 0:
            raise ValueError(f"piecewise_constant: boundaries must be >= 0, got {boundary}")

    def schedule(step):
        count = _as_float(step)
        value = ft.full_like(count, init_value)
        for boundary, factor in items:
            value = ft.where(count >= boundary, value * factor, value)
        return value

    return schedule


def join(schedules: Sequence[Schedule], boundaries: Sequence[int]) -> Schedule:
    """Run ``schedules[0]`` until ``boundaries[0]``, then ``schedules[1]`` restarted at
    step 0, and so on.

    Args:
        schedules: the schedules to run one after the other.
        boundaries: the steps at which each next schedule takes over, one fewer than
            ``schedules``.

    Returns:
        A schedule: ``step -> 0-d float64 array``.

    Raises:
        ValueError: ``len(boundaries) != len(schedules) - 1``.

    Example:
        >>> sched = ft.optim.join([ft.optim.constant(1.0), ft.optim.linear(1.0, 0.0, 10)],
        ...                       [5])
        >>> float(sched(10))
        0.5
    """
    schedules, boundaries = list(schedules), list(boundaries)
    if len(boundaries) != len(schedules) - 1:
        raise ValueError(f"join: {len(schedules)} schedules need {len(schedules) - 1} "
                         f"boundaries, got {len(boundaries)}")

    def schedule(step):
        value = _as_float(schedules[0](step))
        for boundary, part in zip(boundaries, schedules[1:]):
            value = ft.where(_as_float(step) < boundary, value, _as_float(part(step - boundary)))
        return value

    return schedule
